"""Step 5: audit log."""

DESCRIPTION = "audit log"

SQL = """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject_type TEXT NOT NULL DEFAULT '',
            subject_id INTEGER,
            detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_log_by_at ON audit_log (at);
        CREATE INDEX audit_log_by_subject ON audit_log (subject_type, subject_id);
        """
