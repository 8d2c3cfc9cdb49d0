"""Step 7: what candidates tell us: accommodation requests, device checks, satisfaction."""

DESCRIPTION = "what candidates tell us: accommodation requests, device checks, satisfaction"

SQL = """
        ALTER TABLE invitations ADD COLUMN accommodation_requested_at TEXT;
        ALTER TABLE invitations ADD COLUMN accommodation_request TEXT NOT NULL DEFAULT '';
        CREATE TABLE device_checks (
            id INTEGER PRIMARY KEY,
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
            camera INTEGER NOT NULL DEFAULT 0,
            microphone INTEGER NOT NULL DEFAULT 0,
            upload_kbps INTEGER,
            recorder_type TEXT NOT NULL DEFAULT '',
            browser TEXT NOT NULL DEFAULT '',
            problem TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX device_checks_by_invitation ON device_checks (invitation_id);
        CREATE TABLE candidate_feedback (
            invitation_id INTEGER PRIMARY KEY REFERENCES invitations (id) ON DELETE CASCADE,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL
        );
        """
