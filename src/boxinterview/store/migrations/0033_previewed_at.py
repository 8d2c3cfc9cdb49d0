"""Step 33: when a recording's preview was made. It stays once the playback file is ready, so insight can say how
soon answers could be watched in browsers that play WebM, beside how soon they played in every browser."""

DESCRIPTION = "when each recording's preview was made"

SQL = """
        ALTER TABLE recordings ADD COLUMN previewed_at TEXT;
"""
