"""Step 6: resumable uploads and the job queue."""

DESCRIPTION = "resumable uploads and the job queue"

SQL = """
        CREATE TABLE uploads (
            id TEXT PRIMARY KEY,  -- 128 random bits in hex: the upload's URL
            recording_id INTEGER NOT NULL UNIQUE REFERENCES recordings (id) ON DELETE CASCADE,
            length INTEGER CHECK (length IS NULL OR length >= 0),  -- NULL while the length is deferred
            received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),  -- bytes fsynced and acknowledged
            metadata TEXT NOT NULL DEFAULT '',  -- the Upload-Metadata header as the client sent it
            file_type TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            completed_at TEXT,
            ended_at TEXT,  -- terminated by the client or expired: the bytes are gone
            end_reason TEXT NOT NULL DEFAULT '',
            CHECK (length IS NULL OR received <= length)
        );
        CREATE INDEX uploads_open ON uploads (expires_at) WHERE completed_at IS NULL AND ended_at IS NULL;
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            subject_id INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
            run_after TEXT NOT NULL,
            lease_owner TEXT,
            lease_expires_at TEXT,
            progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
            last_error TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX jobs_ready ON jobs (state, run_after);
        CREATE UNIQUE INDEX jobs_one_open_per_subject ON jobs (kind, subject_id) WHERE state IN ('queued', 'running');
        """
