"""Step 10: read-only share links for hiring managers."""

DESCRIPTION = "read-only share links for hiring managers"

SQL = """
        CREATE TABLE share_links (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE share_link_candidates (
            share_id INTEGER NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            PRIMARY KEY (share_id, invitation_id)
        ) WITHOUT ROWID;
        CREATE TABLE share_link_questions (
            share_id INTEGER NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            PRIMARY KEY (share_id, question_id)
        ) WITHOUT ROWID;
        """
