"""Step 35: when each candidate's time for each question began (its think time, or its writing time), so a reload
or another device continues the countdown instead of starting it again; and how far past its time a written
answer came in, for the reviewers."""

DESCRIPTION = "when each question's time began for each candidate, and written answers' time over"

SQL = """
        CREATE TABLE question_openings (
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            opened_at TEXT NOT NULL,
            PRIMARY KEY (invitation_id, question_id)
        ) WITHOUT ROWID;
        ALTER TABLE answers ADD COLUMN over_time_seconds INTEGER;
"""
