"""Step 29: webhooks to an applicant tracking system: endpoints with their signing secrets, the events, and one
delivery per event and endpoint, retried on a schedule."""

DESCRIPTION = "webhooks: endpoints and their secrets, events, deliveries"

SQL = """
        CREATE TABLE webhook_endpoints (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL CHECK (url LIKE 'http://%' OR url LIKE 'https://%'),
            description TEXT NOT NULL DEFAULT '',
            event_types TEXT NOT NULL DEFAULT '*',
            enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
            disabled_reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE webhook_secrets (
            id INTEGER PRIMARY KEY,
            endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
            secret TEXT NOT NULL CHECK (secret LIKE 'whsec_%'),
            created_at TEXT NOT NULL,
            expires_at TEXT
        );
        CREATE INDEX webhook_secrets_endpoint ON webhook_secrets (endpoint_id);
        CREATE TABLE webhook_events (
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL UNIQUE CHECK (message_id LIKE 'msg_%' AND instr(message_id, '.') = 0),
            type TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            data TEXT NOT NULL,
            body TEXT
        );
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
            endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
            state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'delivered', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT,
            lease_until TEXT,
            last_attempt_at TEXT,
            last_status INTEGER,
            last_error TEXT NOT NULL DEFAULT '',
            delivered_at TEXT,
            UNIQUE (event_id, endpoint_id)
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
        CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
        """
