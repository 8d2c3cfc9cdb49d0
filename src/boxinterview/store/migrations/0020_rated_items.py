"""Step 20: rating sums per rated item and reviewers' leniency parts, kept as reviews are submitted (insight)."""

DESCRIPTION = (
    "rating sums per rated item and reviewers' leniency parts, kept as reviews are submitted (insight)"
)

SQL = """
        CREATE TABLE rated_items (
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            question_id INTEGER NOT NULL,
            competency_id INTEGER NOT NULL,
            m INTEGER NOT NULL,  -- ratings
            s REAL NOT NULL,  -- their sum
            ss REAL NOT NULL,  -- the sum of their squares
            PRIMARY KEY (invitation_id, question_id, competency_id)
        ) WITHOUT ROWID;
        CREATE TABLE leniency_parts (
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            reviewer_id INTEGER NOT NULL,
            scores INTEGER NOT NULL,  -- scores this reviewer gave this candidate
            shared INTEGER NOT NULL,  -- of those, on items other reviewers rated too
            total REAL NOT NULL,  -- Σ (score − the mean of the others' scores on the item)
            PRIMARY KEY (invitation_id, reviewer_id)
        ) WITHOUT ROWID;
        INSERT INTO rated_items
            SELECT r.invitation_id, r.question_id, s.competency_id, count(*), sum(s.score), sum(s.score * s.score)
            FROM reviews r JOIN review_scores s ON s.review_id = r.id WHERE r.submitted_at IS NOT NULL
            GROUP BY r.invitation_id, r.question_id, s.competency_id;
        INSERT INTO leniency_parts
            SELECT r.invitation_id, r.reviewer_id, count(*), count(*) FILTER (WHERE u.m >= 2),
                   coalesce(sum(s.score - (u.s - s.score) * 1.0 / (u.m - 1)) FILTER (WHERE u.m >= 2), 0)
            FROM reviews r JOIN review_scores s ON s.review_id = r.id
            JOIN rated_items u ON u.invitation_id = r.invitation_id AND u.question_id = r.question_id
                AND u.competency_id = s.competency_id
            WHERE r.submitted_at IS NOT NULL GROUP BY r.invitation_id, r.reviewer_id;
        """
