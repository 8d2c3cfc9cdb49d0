"""Step 9: reviewer sessions, login throttling, and the outbox of messages to candidates."""

DESCRIPTION = "reviewer sessions, login throttling, and the outbox of messages to candidates"

SQL = """
        CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,  -- SHA-256 of the cookie's random value
            account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            address TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID;
        CREATE INDEX sessions_by_account ON sessions (account_id);
        CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL COLLATE NOCASE,
            address TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX login_failures_by_email ON login_failures (email, at);
        CREATE INDEX login_failures_by_address ON login_failures (address, at);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            invitation_id INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
            created_at TEXT NOT NULL,
            sent_at TEXT,
            last_error TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX outbox_by_state ON outbox (state, created_at);
        """
