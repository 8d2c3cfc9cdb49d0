"""Step 36: when the team last answered a candidate's accommodation request, so a request made or changed since
is shown as waiting. Requests already on record count as answered when the candidate has extra time or a note."""

DESCRIPTION = "when each accommodation request was answered"

SQL = """
        ALTER TABLE invitations ADD COLUMN accommodation_answered_at TEXT;
        UPDATE invitations SET accommodation_answered_at = accommodation_requested_at
            WHERE accommodation_requested_at IS NOT NULL
              AND (time_multiplier != 1.0 OR accommodation_note != '');
"""
