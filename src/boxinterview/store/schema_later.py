"""The schema's steps from version 16 on (the earlier ones are in `schema`). Never edit a step that has shipped;
add a new one at the end."""

from __future__ import annotations

LATER_STEPS: list[tuple[str, str]] = [
    (
        "an interview's own wording of the messages its candidates get",
        """
        CREATE TABLE message_wordings (
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (interview_id, kind)
        ) WITHOUT ROWID;
        """,
    ),
    (
        "erasing an invitation's personal data when its retention ends",
        """
        ALTER TABLE invitations ADD COLUMN erased_at TEXT;
        """,
    ),
    (
        "bytes received per minute, for the console's throughput over the last hour",
        """
        CREATE TABLE upload_traffic (
            minute INTEGER PRIMARY KEY,  -- minutes since the Unix epoch, UTC
            bytes INTEGER NOT NULL CHECK (bytes >= 0)
        );
        """,
    ),
    (
        "how often an upload was resumed after an interruption, for the insight pages",
        """
        ALTER TABLE uploads ADD COLUMN resumes INTEGER NOT NULL DEFAULT 0 CHECK (resumes >= 0);
        """,
    ),
    (
        "rating sums per rated item and reviewers' leniency parts, kept as reviews are submitted (insight)",
        """
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
        """,
    ),
    (
        "each invitation's first passed device check, review and decision, and its latest outcome, kept as they happen",
        """
        ALTER TABLE invitations ADD COLUMN checked_at TEXT;
        ALTER TABLE invitations ADD COLUMN reviewed_at TEXT;
        ALTER TABLE invitations ADD COLUMN decided_at TEXT;
        ALTER TABLE invitations ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN ('advance', 'reject', 'hold'));
        UPDATE invitations SET
            checked_at = (SELECT min(at) FROM device_checks d WHERE d.invitation_id = invitations.id AND d.passed = 1),
            reviewed_at = (SELECT min(submitted_at) FROM reviews r WHERE r.invitation_id = invitations.id),
            decided_at = (SELECT min(decided_at) FROM decisions d WHERE d.invitation_id = invitations.id),
            outcome = (SELECT outcome FROM decisions d WHERE d.invitation_id = invitations.id ORDER BY d.id DESC LIMIT 1);
        """,
    ),
    (
        "each answer's number of takes, kept by a trigger",
        """
        ALTER TABLE answers ADD COLUMN takes INTEGER NOT NULL DEFAULT 0;
        UPDATE answers SET takes = (SELECT count(*) FROM takes t WHERE t.answer_id = answers.id);
        CREATE TRIGGER takes_counted AFTER INSERT ON takes BEGIN
            UPDATE answers SET takes = takes + 1 WHERE id = NEW.answer_id;
        END;
        """,
    ),
    (
        "each recording's loudness as it arrived, so an answer nobody can hear is told and flagged",
        """
        ALTER TABLE recordings ADD COLUMN loudness_lufs REAL;
        """,
    ),
    (
        "uploads name their invitation, and keep their Upload-Metadata without the candidate's token",
        # The token opens the candidate's interview: stored, it would sit in every backup and be echoed to anyone
        # asking about the upload. Each stored header is rebuilt from its pairs, leaving out the token's.
        """
        ALTER TABLE uploads ADD COLUMN invitation_id INTEGER REFERENCES invitations (id) ON DELETE CASCADE;
        UPDATE uploads SET invitation_id = (
            SELECT a.invitation_id FROM recordings r
            JOIN takes t ON t.id = r.take_id JOIN answers a ON a.id = t.answer_id
            WHERE r.id = uploads.recording_id
        );
        UPDATE uploads SET metadata = coalesce((
            WITH RECURSIVE pairs (n, pair, rest) AS (
                SELECT 0, NULL, uploads.metadata || ','
                UNION ALL
                SELECT n + 1, trim(substr(rest, 1, instr(rest, ',') - 1), ' ' || char(9)),
                       substr(rest, instr(rest, ',') + 1)
                FROM pairs WHERE rest <> ''
            )
            SELECT group_concat(pair, ',' ORDER BY n) FROM pairs
            WHERE pair <> '' AND lower(substr(pair || ' ', 1, instr(pair || ' ', ' ') - 1)) <> 'token'
        ), '') WHERE metadata <> '';
        """,
    ),
]
