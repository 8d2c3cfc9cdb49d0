"""Step 3: answers, takes and recordings."""

DESCRIPTION = "answers, takes and recordings"

SQL = """
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE RESTRICT,
            text_value TEXT,
            choice_position INTEGER,
            file_path TEXT,
            file_name TEXT,
            file_type TEXT,
            started_at TEXT NOT NULL,
            submitted_at TEXT,
            UNIQUE (invitation_id, question_id)
        );
        CREATE INDEX answers_by_question ON answers (question_id);
        CREATE TABLE takes (
            id INTEGER PRIMARY KEY,
            answer_id INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number >= 1),
            submitted INTEGER NOT NULL DEFAULT 0 CHECK (submitted IN (0, 1)),
            created_at TEXT NOT NULL,
            UNIQUE (answer_id, number)
        );
        CREATE UNIQUE INDEX takes_one_submitted ON takes (answer_id) WHERE submitted = 1;
        CREATE TABLE recordings (
            id INTEGER PRIMARY KEY,
            take_id INTEGER NOT NULL UNIQUE REFERENCES takes (id) ON DELETE CASCADE,
            state TEXT NOT NULL DEFAULT 'uploading' CHECK (
                state IN ('uploading', 'uploaded', 'processing', 'ready', 'rejected', 'failed')),
            original_path TEXT,
            playback_path TEXT,
            poster_path TEXT,
            mime_type TEXT NOT NULL DEFAULT '',
            size_bytes INTEGER NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
            duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX recordings_by_state ON recordings (state);
        """
