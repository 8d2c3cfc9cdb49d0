"""Step 2: candidates and invitations; questions lock once a candidate starts."""

DESCRIPTION = "candidates and invitations; questions lock once a candidate starts"

SQL = """
        CREATE TABLE candidates (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT UNIQUE COLLATE NOCASE,
            phone TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            erased_at TEXT
        );
        CREATE TABLE invitations (
            id INTEGER PRIMARY KEY,
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            deadline TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'invited' CHECK (
                status IN ('invited', 'opened', 'started', 'completed', 'withdrawn', 'expired')),
            time_multiplier REAL NOT NULL DEFAULT 1.0 CHECK (time_multiplier BETWEEN 1.0 AND 4.0),
            accommodation_note TEXT NOT NULL DEFAULT '',
            consent_at TEXT,
            consent_version TEXT,
            created_at TEXT NOT NULL,
            opened_at TEXT,
            started_at TEXT,
            completed_at TEXT,
            closed_at TEXT,
            UNIQUE (interview_id, candidate_id),
            UNIQUE (interview_id, number)
        );
        CREATE INDEX invitations_by_candidate ON invitations (candidate_id);
        CREATE INDEX invitations_by_status ON invitations (interview_id, status);

        -- Every candidate of an interview answers the same questions against the same rubric: once one has
        -- started, none of it may change. The domain refuses first with a friendlier message; these triggers
        -- guard against any path that forgets.
        CREATE TRIGGER questions_locked_insert BEFORE INSERT ON questions
        WHEN EXISTS (SELECT 1 FROM invitations WHERE interview_id = NEW.interview_id AND started_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;
        CREATE TRIGGER questions_locked_update BEFORE UPDATE ON questions
        WHEN EXISTS (SELECT 1 FROM invitations WHERE interview_id = OLD.interview_id AND started_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;
        CREATE TRIGGER questions_locked_delete BEFORE DELETE ON questions
        WHEN EXISTS (SELECT 1 FROM invitations WHERE interview_id = OLD.interview_id AND started_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;
        CREATE TRIGGER choices_locked_insert BEFORE INSERT ON question_choices
        WHEN EXISTS (SELECT 1 FROM invitations i JOIN questions q ON q.interview_id = i.interview_id
                     WHERE q.id = NEW.question_id AND i.started_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;
        CREATE TRIGGER choices_locked_update BEFORE UPDATE ON question_choices
        WHEN EXISTS (SELECT 1 FROM invitations i JOIN questions q ON q.interview_id = i.interview_id
                     WHERE q.id = OLD.question_id AND i.started_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;
        CREATE TRIGGER anchors_locked_update BEFORE UPDATE ON rubric_anchors
        WHEN EXISTS (SELECT 1 FROM invitations i JOIN competencies c ON c.interview_id = i.interview_id
                     WHERE c.id = OLD.competency_id AND i.started_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;
        CREATE TRIGGER anchors_locked_delete BEFORE DELETE ON rubric_anchors
        WHEN EXISTS (SELECT 1 FROM invitations i JOIN competencies c ON c.interview_id = i.interview_id
                     WHERE c.id = OLD.competency_id AND i.started_at IS NOT NULL)
        BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;
        """
