"""Step 4: accounts, assignments, reviews, scores, comments and decisions."""

DESCRIPTION = "accounts, assignments, reviews, scores, comments and decisions"

SQL = """
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            password_changed_at TEXT NOT NULL,
            disabled_at TEXT
        );
        CREATE TABLE assignments (
            account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (account_id, interview_id)
        ) WITHOUT ROWID;
        CREATE INDEX assignments_by_interview ON assignments (interview_id);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE RESTRICT,
            reviewer_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            UNIQUE (invitation_id, question_id, reviewer_id)
        );
        CREATE INDEX reviews_by_reviewer ON reviews (reviewer_id);
        CREATE TABLE review_scores (
            review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
            competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE RESTRICT,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            PRIMARY KEY (review_id, competency_id)
        ) WITHOUT ROWID;
        CREATE TABLE review_comments (
            id INTEGER PRIMARY KEY,
            review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
            at_ms INTEGER CHECK (at_ms IS NULL OR at_ms >= 0),
            body TEXT NOT NULL CHECK (length(body) >= 1),
            created_at TEXT NOT NULL
        );
        CREATE INDEX review_comments_by_review ON review_comments (review_id);
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            outcome TEXT NOT NULL CHECK (outcome IN ('advance', 'reject', 'hold')),
            feedback TEXT NOT NULL DEFAULT '',
            decided_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
            decided_at TEXT NOT NULL
        );
        CREATE INDEX decisions_by_invitation ON decisions (invitation_id, decided_at);
        """
