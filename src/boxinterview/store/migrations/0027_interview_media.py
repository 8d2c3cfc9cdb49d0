"""Step 27: an interview keeps videos from the hiring team: a welcome, and questions asked as video."""

DESCRIPTION = "an interview keeps videos from the hiring team: a welcome, and questions asked as video"

# One video per place: the welcome (no question) or one question. Replacing a video updates its row, so a
# candidate's page never sees two. `captions` is WebVTT text, checked before it is stored.
SQL = """
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
        """
