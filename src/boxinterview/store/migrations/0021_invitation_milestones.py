"""Step 21: each invitation's first passed device check, review and decision, and its latest outcome, kept as they happen."""

DESCRIPTION = "each invitation's first passed device check, review and decision, and its latest outcome, kept as they happen"

SQL = """
        ALTER TABLE invitations ADD COLUMN checked_at TEXT;
        ALTER TABLE invitations ADD COLUMN reviewed_at TEXT;
        ALTER TABLE invitations ADD COLUMN decided_at TEXT;
        ALTER TABLE invitations ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN ('advance', 'reject', 'hold'));
        UPDATE invitations SET
            checked_at = (SELECT min(at) FROM device_checks d WHERE d.invitation_id = invitations.id AND d.passed = 1),
            reviewed_at = (SELECT min(submitted_at) FROM reviews r WHERE r.invitation_id = invitations.id),
            decided_at = (SELECT min(decided_at) FROM decisions d WHERE d.invitation_id = invitations.id),
            outcome = (SELECT outcome FROM decisions d WHERE d.invitation_id = invitations.id ORDER BY d.id DESC LIMIT 1);
        """
