"""Step 13: delivering the outbox: multipart bodies, stable Message-IDs, retries."""

DESCRIPTION = "delivering the outbox: multipart bodies, stable Message-IDs, retries"

SQL = """
        ALTER TABLE outbox ADD COLUMN html TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox ADD COLUMN message_id TEXT;
        ALTER TABLE outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
        ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
        ALTER TABLE outbox ADD COLUMN lease_until TEXT;
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        """
