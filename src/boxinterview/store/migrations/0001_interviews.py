"""Step 1: interviews, competencies with rubric anchors, questions."""

DESCRIPTION = "interviews, competencies with rubric anchors, questions"

# Times are ISO 8601 UTC text with milliseconds ("2026-11-28T13:49:12.345Z"): sortable and readable.
SQL = """
        CREATE TABLE interviews (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            role TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND 200),
            objectives TEXT NOT NULL DEFAULT '',
            instructions TEXT NOT NULL DEFAULT '',
            intro TEXT NOT NULL DEFAULT '',
            deadline TEXT,
            support_contact TEXT NOT NULL DEFAULT '',
            retention_days INTEGER NOT NULL DEFAULT 180 CHECK (retention_days >= 1),
            blind_review INTEGER NOT NULL DEFAULT 0 CHECK (blind_review IN (0, 1)),
            allow_accommodations INTEGER NOT NULL DEFAULT 1 CHECK (allow_accommodations IN (0, 1)),
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
            version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
            previous_id INTEGER REFERENCES interviews (id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE competencies (
            id INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            description TEXT NOT NULL DEFAULT '',
            UNIQUE (interview_id, name),
            UNIQUE (interview_id, position)
        );
        CREATE TABLE rubric_anchors (
            competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            descriptor TEXT NOT NULL CHECK (length(descriptor) >= 1),
            PRIMARY KEY (competency_id, score)
        ) WITHOUT ROWID;
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            prompt TEXT NOT NULL CHECK (length(prompt) >= 1),
            kind TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'text', 'choice', 'file')),
            category TEXT NOT NULL CHECK (category IN ('behavioural', 'situational', 'role-specific')),
            think_seconds INTEGER NOT NULL DEFAULT 0 CHECK (think_seconds >= 0),
            answer_seconds INTEGER NOT NULL CHECK (answer_seconds >= 1),
            takes INTEGER NOT NULL DEFAULT 1 CHECK (takes >= 1),
            max_chars INTEGER CHECK (max_chars IS NULL OR max_chars >= 1),
            UNIQUE (interview_id, position)
        );
        CREATE TABLE question_choices (
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            label TEXT NOT NULL CHECK (length(label) >= 1),
            knockout INTEGER NOT NULL DEFAULT 0 CHECK (knockout IN (0, 1)),
            PRIMARY KEY (question_id, position)
        ) WITHOUT ROWID;
        CREATE TABLE question_competencies (
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
            PRIMARY KEY (question_id, competency_id)
        ) WITHOUT ROWID;
        CREATE INDEX question_competencies_by_competency ON question_competencies (competency_id);
        """
