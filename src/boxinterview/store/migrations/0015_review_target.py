"""Step 15: each interview's review target, for overdue-review reminders."""

DESCRIPTION = "each interview's review target, for overdue-review reminders"

SQL = """
        ALTER TABLE interviews ADD COLUMN review_target_days INTEGER NOT NULL DEFAULT 5
            CHECK (review_target_days BETWEEN 1 AND 60);
        """
