"""Step 24: uploads name their invitation, and keep their Upload-Metadata without the candidate's token."""

DESCRIPTION = "uploads name their invitation, and keep their Upload-Metadata without the candidate's token"

# The token opens the candidate's interview: stored, it would sit in every backup and be echoed to anyone
# asking about the upload. Each stored header is rebuilt from its pairs, leaving out the token's.
SQL = """
        ALTER TABLE uploads ADD COLUMN invitation_id INTEGER REFERENCES invitations (id) ON DELETE CASCADE;
        UPDATE uploads SET invitation_id = (
            SELECT a.invitation_id FROM recordings r
            JOIN takes t ON t.id = r.take_id JOIN answers a ON a.id = t.answer_id
            WHERE r.id = uploads.recording_id
        );
        UPDATE uploads SET metadata = coalesce((
            WITH RECURSIVE pairs (n, pair, rest) AS (
                SELECT 0, NULL, uploads.metadata || ','
                UNION ALL
                SELECT n + 1, trim(substr(rest, 1, instr(rest, ',') - 1), ' ' || char(9)),
                       substr(rest, instr(rest, ',') + 1)
                FROM pairs WHERE rest <> ''
            )
            SELECT group_concat(pair, ',' ORDER BY n) FROM pairs
            WHERE pair <> '' AND lower(substr(pair || ' ', 1, instr(pair || ' ', ' ') - 1)) <> 'token'
        ), '') WHERE metadata <> '';
        """
