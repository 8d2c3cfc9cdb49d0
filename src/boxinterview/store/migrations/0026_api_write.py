"""Step 26: API tokens carry scopes; invitations keep the id an applicant tracking system knows them by; requests
sent with an Idempotency-Key keep their answer, so a retried call is answered the same and does nothing twice."""

DESCRIPTION = (
    "API tokens carry scopes; invitations keep an external id; idempotent API requests keep their answer"
)

SQL = """
        ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read';
        ALTER TABLE invitations ADD COLUMN external_id TEXT
            CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200);
        CREATE UNIQUE INDEX invitations_by_external_id ON invitations (interview_id, external_id)
            WHERE external_id IS NOT NULL;
        CREATE TABLE api_requests (
            token_id INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
            idempotency_key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            status INTEGER NOT NULL,
            response TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (token_id, idempotency_key)
        );
        CREATE INDEX api_requests_by_age ON api_requests (created_at);
        """
