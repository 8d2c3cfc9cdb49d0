"""Step 30: files moved to an S3-compatible bucket. A row says that the file the rest of the store names by its
local path now lives in the bucket under `object_key`, with the size and SHA-256 it was verified with. When its
owner is erased the row is marked forgotten until the object is deleted too (the bucket may be away then)."""

DESCRIPTION = "bucket_files: where moved recordings live in the bucket"

SQL = """
        CREATE TABLE bucket_files (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            object_key TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL CHECK (size >= 0),
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            stored_at TEXT NOT NULL,
            forgotten_at TEXT
        );
        CREATE UNIQUE INDEX bucket_files_path ON bucket_files (path) WHERE forgotten_at IS NULL;
        CREATE INDEX bucket_files_forgotten ON bucket_files (forgotten_at) WHERE forgotten_at IS NOT NULL;
"""
