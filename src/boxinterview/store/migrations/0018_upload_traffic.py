"""Step 18: bytes received per minute, for the console's throughput over the last hour."""

DESCRIPTION = "bytes received per minute, for the console's throughput over the last hour"

SQL = """
        CREATE TABLE upload_traffic (
            minute INTEGER PRIMARY KEY,  -- minutes since the Unix epoch, UTC
            bytes INTEGER NOT NULL CHECK (bytes >= 0)
        );
        """
