"""Step 12: results kept up to date as reviews are submitted."""

DESCRIPTION = "results kept up to date as reviews are submitted"

SQL = """
        CREATE TABLE competency_results (
            invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
            competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
            reviewers INTEGER NOT NULL,
            mean REAL,
            median REAL,
            spread REAL,
            PRIMARY KEY (invitation_id, competency_id)
        ) WITHOUT ROWID;
        CREATE TABLE candidate_results (
            invitation_id INTEGER PRIMARY KEY REFERENCES invitations (id) ON DELETE CASCADE,
            interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
            overall REAL,
            disagreement INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX candidate_results_ranking ON candidate_results (interview_id, overall DESC, invitation_id);
        """
