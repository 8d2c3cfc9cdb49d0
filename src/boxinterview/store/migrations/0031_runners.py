"""Step 31: remote runners. The operator makes a one-time registration token (only its SHA-256 is kept); a
runner that registers with it gets a runner token of its own (likewise kept as a hash). A removed runner keeps
its row, so the audit log and the jobs it did still name it, but its token no longer works."""

DESCRIPTION = "runners and their one-time registration tokens"

SQL = """
        CREATE TABLE runners (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            address TEXT NOT NULL DEFAULT '',
            registered_at TEXT NOT NULL,
            last_seen_at TEXT,
            removed_at TEXT
        );
        CREATE TABLE runner_registration_tokens (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            used_at TEXT,
            runner_id INTEGER REFERENCES runners (id),
            revoked_at TEXT
        );
"""
