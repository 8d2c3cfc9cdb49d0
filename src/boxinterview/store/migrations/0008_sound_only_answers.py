"""Step 8: sound-only answers for candidates without a camera."""

DESCRIPTION = "sound-only answers for candidates without a camera"

SQL = """
        ALTER TABLE interviews ADD COLUMN allow_audio_only INTEGER NOT NULL DEFAULT 0 CHECK (allow_audio_only IN (0, 1));
        """
