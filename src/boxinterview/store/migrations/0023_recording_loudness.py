"""Step 23: each recording's loudness as it arrived, so an answer nobody can hear is told and flagged."""

DESCRIPTION = "each recording's loudness as it arrived, so an answer nobody can hear is told and flagged"

SQL = """
        ALTER TABLE recordings ADD COLUMN loudness_lufs REAL;
        """
