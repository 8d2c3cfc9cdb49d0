"""Step 22: each answer's number of takes, kept by a trigger."""

DESCRIPTION = "each answer's number of takes, kept by a trigger"

SQL = """
        ALTER TABLE answers ADD COLUMN takes INTEGER NOT NULL DEFAULT 0;
        UPDATE answers SET takes = (SELECT count(*) FROM takes t WHERE t.answer_id = answers.id);
        CREATE TRIGGER takes_counted AFTER INSERT ON takes BEGIN
            UPDATE answers SET takes = takes + 1 WHERE id = NEW.answer_id;
        END;
        """
