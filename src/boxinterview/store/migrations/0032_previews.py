"""Step 32: a recording's preview. A WebM original whose MP4 takes real work (VP8 from Firefox, a size that
changes) is remuxed, as it is, into a WebM file with a duration and an index, which browsers that play WebM can
play and seek while the MP4 is made. The column names that file while the recording is uploaded or processing;
it is cleared when the recording is ready, rejected or failed."""

DESCRIPTION = "recordings' previews, watchable while the playback file is made"

SQL = """
        ALTER TABLE recordings ADD COLUMN preview_path TEXT;
"""
