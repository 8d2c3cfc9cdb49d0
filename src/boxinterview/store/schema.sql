-- The schema at version 36, as the migration steps make it. Generated: do not edit;
-- after adding a step run `boxinterview migrate --dump-schema src/boxinterview/store/schema.sql`.

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

CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE RESTRICT,
    text_value TEXT,
    choice_position INTEGER,
    file_path TEXT,
    file_name TEXT,
    file_type TEXT,
    started_at TEXT NOT NULL,
    submitted_at TEXT, takes INTEGER NOT NULL DEFAULT 0, over_time_seconds INTEGER,
    UNIQUE (invitation_id, question_id)
);

CREATE INDEX answers_by_question ON answers (question_id);

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

CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
    , scopes TEXT NOT NULL DEFAULT 'read');

CREATE TABLE assignments (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, interview_id)
) WITHOUT ROWID;

CREATE INDEX assignments_by_interview ON assignments (interview_id);

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

CREATE TABLE bucket_files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    object_key TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    stored_at TEXT NOT NULL,
    forgotten_at TEXT
);

CREATE INDEX bucket_files_forgotten ON bucket_files (forgotten_at) WHERE forgotten_at IS NOT NULL;

CREATE UNIQUE INDEX bucket_files_path ON bucket_files (path) WHERE forgotten_at IS NULL;

CREATE TABLE candidate_feedback (
    invitation_id INTEGER PRIMARY KEY REFERENCES invitations (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);

CREATE TABLE candidate_results (
    invitation_id INTEGER PRIMARY KEY REFERENCES invitations (id) ON DELETE CASCADE,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    overall REAL,
    disagreement INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX candidate_results_ranking ON candidate_results (interview_id, overall DESC, invitation_id);

CREATE TABLE candidates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT UNIQUE COLLATE NOCASE,
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    erased_at TEXT
);

CREATE TABLE competencies (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (interview_id, name),
    UNIQUE (interview_id, position)
);

CREATE TABLE competency_results (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
    reviewers INTEGER NOT NULL,
    mean REAL,
    median REAL,
    spread REAL,
    PRIMARY KEY (invitation_id, competency_id)
) WITHOUT ROWID;

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL CHECK (outcome IN ('advance', 'reject', 'hold')),
    feedback TEXT NOT NULL DEFAULT '',
    decided_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    decided_at TEXT NOT NULL
);

CREATE INDEX decisions_by_invitation ON decisions (invitation_id, decided_at);

CREATE TABLE device_checks (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
    camera INTEGER NOT NULL DEFAULT 0,
    microphone INTEGER NOT NULL DEFAULT 0,
    upload_kbps INTEGER,
    recorder_type TEXT NOT NULL DEFAULT '',
    browser TEXT NOT NULL DEFAULT '',
    problem TEXT NOT NULL DEFAULT ''
);

CREATE INDEX device_checks_by_invitation ON device_checks (invitation_id);

CREATE TABLE interview_media (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('welcome', 'question')),
    question_id INTEGER REFERENCES questions (id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'processing' CHECK (state IN ('processing', 'ready', 'rejected', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    original_path TEXT NOT NULL,
    original_name TEXT NOT NULL DEFAULT '',
    playback_path TEXT,
    duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
    captions TEXT CHECK (captions IS NULL OR length(captions) <= 262144),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'welcome') = (question_id IS NULL))
);

CREATE UNIQUE INDEX interview_media_one_per_place ON interview_media (interview_id, kind, coalesce(question_id, 0));

CREATE INDEX interview_media_question ON interview_media (question_id);

CREATE TABLE interviews (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        role TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND 200),
        objectives TEXT NOT NULL DEFAULT '',
        instructions TEXT NOT NULL DEFAULT '',
        intro TEXT NOT NULL DEFAULT '',
        deadline TEXT,
        support_contact TEXT NOT NULL DEFAULT '',
        retention_days INTEGER NOT NULL DEFAULT 180 CHECK (retention_days >= 1),
        blind_review INTEGER NOT NULL DEFAULT 0 CHECK (blind_review IN (0, 1)),
        allow_accommodations INTEGER NOT NULL DEFAULT 1 CHECK (allow_accommodations IN (0, 1)),
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
        version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        previous_id INTEGER REFERENCES interviews (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    , allow_audio_only INTEGER NOT NULL DEFAULT 0 CHECK (allow_audio_only IN (0, 1)), review_target_days INTEGER NOT NULL DEFAULT 5
        CHECK (review_target_days BETWEEN 1 AND 60), language TEXT NOT NULL DEFAULT 'en' CHECK (length(language) BETWEEN 2 AND 35), time_zone TEXT NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64));

CREATE TABLE invitation_links (
    token_hash TEXT PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX invitation_links_by_invitation ON invitation_links (invitation_id);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    deadline TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'invited' CHECK (
        status IN ('invited', 'opened', 'started', 'completed', 'withdrawn', 'expired')),
    time_multiplier REAL NOT NULL DEFAULT 1.0 CHECK (time_multiplier BETWEEN 1.0 AND 4.0),
    accommodation_note TEXT NOT NULL DEFAULT '',
    consent_at TEXT,
    consent_version TEXT,
    created_at TEXT NOT NULL,
    opened_at TEXT,
    started_at TEXT,
    completed_at TEXT,
    closed_at TEXT, accommodation_requested_at TEXT, accommodation_request TEXT NOT NULL DEFAULT '', erased_at TEXT, checked_at TEXT, reviewed_at TEXT, decided_at TEXT, outcome TEXT CHECK (outcome IS NULL OR outcome IN ('advance', 'reject', 'hold')), external_id TEXT
    CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 200), accommodation_answered_at TEXT,
    UNIQUE (interview_id, candidate_id),
    UNIQUE (interview_id, number)
);

CREATE INDEX invitations_by_candidate ON invitations (candidate_id);

CREATE UNIQUE INDEX invitations_by_external_id ON invitations (interview_id, external_id)
    WHERE external_id IS NOT NULL;

CREATE INDEX invitations_by_status ON invitations (interview_id, status);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    run_after TEXT NOT NULL,
    lease_owner TEXT,
    lease_expires_at TEXT,
    progress REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE UNIQUE INDEX jobs_one_open_per_subject ON jobs (kind, subject_id) WHERE state IN ('queued', 'running');

CREATE INDEX jobs_ready ON jobs (state, run_after);

CREATE TABLE leniency_parts (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL,
    scores INTEGER NOT NULL,  -- scores this reviewer gave this candidate
    shared INTEGER NOT NULL,  -- of those, on items other reviewers rated too
    total REAL NOT NULL,  -- Σ (score − the mean of the others' scores on the item)
    PRIMARY KEY (invitation_id, reviewer_id)
) WITHOUT ROWID;

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);

CREATE INDEX login_failures_by_address ON login_failures (address, at);

CREATE INDEX login_failures_by_email ON login_failures (email, at);

CREATE TABLE message_wordings (
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (interview_id, kind)
) WITHOUT ROWID;

CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        invitation_id INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    , html TEXT NOT NULL DEFAULT '', message_id TEXT, reply_to TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, lease_until TEXT, language TEXT NOT NULL DEFAULT '' CHECK (length(language) <= 35), recipient_name TEXT NOT NULL DEFAULT '');

CREATE INDEX outbox_by_state ON outbox (state, created_at);

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE question_choices (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT NOT NULL CHECK (length(label) >= 1),
    knockout INTEGER NOT NULL DEFAULT 0 CHECK (knockout IN (0, 1)),
    PRIMARY KEY (question_id, position)
) WITHOUT ROWID;

CREATE TRIGGER choices_locked_insert BEFORE INSERT ON question_choices
    WHEN EXISTS (SELECT 1 FROM invitations i JOIN questions q ON q.interview_id = i.interview_id
                 WHERE q.id = NEW.question_id AND i.started_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;

CREATE TRIGGER choices_locked_update BEFORE UPDATE ON question_choices
    WHEN EXISTS (SELECT 1 FROM invitations i JOIN questions q ON q.interview_id = i.interview_id
                 WHERE q.id = OLD.question_id AND i.started_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;

CREATE TABLE question_competencies (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
    PRIMARY KEY (question_id, competency_id)
) WITHOUT ROWID;

CREATE INDEX question_competencies_by_competency ON question_competencies (competency_id);

CREATE TABLE question_openings (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    opened_at TEXT NOT NULL,
    PRIMARY KEY (invitation_id, question_id)
) WITHOUT ROWID;

CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    prompt TEXT NOT NULL CHECK (length(prompt) >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'text', 'choice', 'file')),
    category TEXT NOT NULL CHECK (category IN ('behavioural', 'situational', 'role-specific')),
    think_seconds INTEGER NOT NULL DEFAULT 0 CHECK (think_seconds >= 0),
    answer_seconds INTEGER NOT NULL CHECK (answer_seconds >= 1),
    takes INTEGER NOT NULL DEFAULT 1 CHECK (takes >= 1),
    max_chars INTEGER CHECK (max_chars IS NULL OR max_chars >= 1),
    UNIQUE (interview_id, position)
);

CREATE TRIGGER questions_locked_delete BEFORE DELETE ON questions
    WHEN EXISTS (SELECT 1 FROM invitations WHERE interview_id = OLD.interview_id AND started_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;

CREATE TRIGGER questions_locked_insert BEFORE INSERT ON questions
    WHEN EXISTS (SELECT 1 FROM invitations WHERE interview_id = NEW.interview_id AND started_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;

CREATE TRIGGER questions_locked_update BEFORE UPDATE ON questions
    WHEN EXISTS (SELECT 1 FROM invitations WHERE interview_id = OLD.interview_id AND started_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;

CREATE TABLE rated_items (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL,
    competency_id INTEGER NOT NULL,
    m INTEGER NOT NULL,  -- ratings
    s REAL NOT NULL,  -- their sum
    ss REAL NOT NULL,  -- the sum of their squares
    PRIMARY KEY (invitation_id, question_id, competency_id)
) WITHOUT ROWID;

CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        take_id INTEGER NOT NULL UNIQUE REFERENCES takes (id) ON DELETE CASCADE,
        state TEXT NOT NULL DEFAULT 'uploading' CHECK (
            state IN ('uploading', 'uploaded', 'processing', 'ready', 'rejected', 'failed')),
        original_path TEXT,
        playback_path TEXT,
        poster_path TEXT,
        mime_type TEXT NOT NULL DEFAULT '',
        size_bytes INTEGER NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
        duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
        reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    , loudness_lufs REAL, preview_path TEXT, previewed_at TEXT);

CREATE INDEX recordings_by_state ON recordings (state);

CREATE TABLE review_comments (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    at_ms INTEGER CHECK (at_ms IS NULL OR at_ms >= 0),
    body TEXT NOT NULL CHECK (length(body) >= 1),
    created_at TEXT NOT NULL
);

CREATE INDEX review_comments_by_review ON review_comments (review_id);

CREATE TABLE review_scores (
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE RESTRICT,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (review_id, competency_id)
) WITHOUT ROWID;

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

CREATE TABLE rubric_anchors (
    competency_id INTEGER NOT NULL REFERENCES competencies (id) ON DELETE CASCADE,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    descriptor TEXT NOT NULL CHECK (length(descriptor) >= 1),
    PRIMARY KEY (competency_id, score)
) WITHOUT ROWID;

CREATE TRIGGER anchors_locked_delete BEFORE DELETE ON rubric_anchors
    WHEN EXISTS (SELECT 1 FROM invitations i JOIN competencies c ON c.interview_id = i.interview_id
                 WHERE c.id = OLD.competency_id AND i.started_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;

CREATE TRIGGER anchors_locked_update BEFORE UPDATE ON rubric_anchors
    WHEN EXISTS (SELECT 1 FROM invitations i JOIN competencies c ON c.interview_id = i.interview_id
                 WHERE c.id = OLD.competency_id AND i.started_at IS NOT NULL)
    BEGIN SELECT RAISE(ABORT, 'interview locked: a candidate has started it'); END;

CREATE TABLE runner_registration_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    used_at TEXT,
    runner_id INTEGER REFERENCES runners (id),
    revoked_at TEXT
);

CREATE TABLE runners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    address TEXT NOT NULL DEFAULT '',
    registered_at TEXT NOT NULL,
    last_seen_at TEXT,
    removed_at TEXT
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,  -- SHA-256 of the cookie's random value
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE share_link_candidates (
    share_id INTEGER NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    PRIMARY KEY (share_id, invitation_id)
) WITHOUT ROWID;

CREATE TABLE share_link_questions (
    share_id INTEGER NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    PRIMARY KEY (share_id, question_id)
) WITHOUT ROWID;

CREATE TABLE share_links (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE takes (
    id INTEGER PRIMARY KEY,
    answer_id INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
    number INTEGER NOT NULL CHECK (number >= 1),
    submitted INTEGER NOT NULL DEFAULT 0 CHECK (submitted IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (answer_id, number)
);

CREATE UNIQUE INDEX takes_one_submitted ON takes (answer_id) WHERE submitted = 1;

CREATE TRIGGER takes_counted AFTER INSERT ON takes BEGIN
    UPDATE answers SET takes = takes + 1 WHERE id = NEW.answer_id;
END;

CREATE TABLE upload_traffic (
    minute INTEGER PRIMARY KEY,  -- minutes since the Unix epoch, UTC
    bytes INTEGER NOT NULL CHECK (bytes >= 0)
);

CREATE TABLE uploads (
    id TEXT PRIMARY KEY,  -- 128 random bits in hex: the upload's URL
    recording_id INTEGER NOT NULL UNIQUE REFERENCES recordings (id) ON DELETE CASCADE,
    length INTEGER CHECK (length IS NULL OR length >= 0),  -- NULL while the length is deferred
    received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),  -- bytes fsynced and acknowledged
    metadata TEXT NOT NULL DEFAULT '',  -- the Upload-Metadata header as the client sent it
    file_type TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    completed_at TEXT,
    ended_at TEXT,  -- terminated by the client or expired: the bytes are gone
    end_reason TEXT NOT NULL DEFAULT '', resumes INTEGER NOT NULL DEFAULT 0 CHECK (resumes >= 0), invitation_id INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
    CHECK (length IS NULL OR received <= length)
);

CREATE INDEX uploads_open ON uploads (expires_at) WHERE completed_at IS NULL AND ended_at IS NULL;

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

CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE CHECK (message_id LIKE 'msg_%' AND instr(message_id, '.') = 0),
    type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    data TEXT NOT NULL,
    body TEXT
);

CREATE TABLE webhook_secrets (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    secret TEXT NOT NULL CHECK (secret LIKE 'whsec_%'),
    created_at TEXT NOT NULL,
    expires_at TEXT
);

CREATE INDEX webhook_secrets_endpoint ON webhook_secrets (endpoint_id);
