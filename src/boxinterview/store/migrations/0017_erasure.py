"""Step 17: erasing an invitation's personal data when its retention ends."""

DESCRIPTION = "erasing an invitation's personal data when its retention ends"

SQL = """
        ALTER TABLE invitations ADD COLUMN erased_at TEXT;
        """
