"""Step 28: a message keeps the language it is written in and the name of the person it goes to."""

DESCRIPTION = "a message keeps the language it is written in and the name of the person it goes to"

SQL = """
        ALTER TABLE outbox ADD COLUMN language TEXT NOT NULL DEFAULT '' CHECK (length(language) <= 35);
        ALTER TABLE outbox ADD COLUMN recipient_name TEXT NOT NULL DEFAULT '';
        """
