"""Step 25: an interview speaks a language and keeps a time zone for the dates its candidates read."""

DESCRIPTION = "an interview speaks a language and keeps a time zone for the dates its candidates read"

SQL = """
        ALTER TABLE interviews ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (length(language) BETWEEN 2 AND 35);
        ALTER TABLE interviews ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64);
        """
