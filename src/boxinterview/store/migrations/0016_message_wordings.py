"""Step 16: an interview's own wording of the messages its candidates get."""

DESCRIPTION = "an interview's own wording of the messages its candidates get"

SQL = """
        CREATE TABLE message_wordings (
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (interview_id, kind)
        ) WITHOUT ROWID;
        """
