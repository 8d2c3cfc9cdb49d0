"""Step 14: more than one working link per invitation (each reminder carries its own)."""

DESCRIPTION = "more than one working link per invitation (each reminder carries its own)"

SQL = """
        CREATE TABLE invitation_links (
            token_hash TEXT PRIMARY KEY,
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX invitation_links_by_invitation ON invitation_links (invitation_id);
        """
