"""Step 19: how often an upload was resumed after an interruption, for the insight pages."""

DESCRIPTION = "how often an upload was resumed after an interruption, for the insight pages"

SQL = """
        ALTER TABLE uploads ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0 CHECK (resumes >= 0);
        """
