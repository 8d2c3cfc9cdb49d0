"""Who may see a recording other than the candidate who made it.

Candidates are promised that only the take they submit is seen, and nothing before they finish. So a recording's
files (playback, poster) are shown to reviewers and share links only when its take is the submitted one and the
candidate completed the interview (a withdrawn or erased candidate's are not shown either). Every way a reviewer,
an admin or a share link reaches a recording goes through `visible`; the candidate's own link reaches their own
takes through `journey.take_file` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import apsw

from boxinterview.domain.models import InvitationStatus, RecordingState
from boxinterview.errors import NotFound
from boxinterview.store import answers as answers_sql

KINDS = ("playback", "poster")
# One answer for every refusal, so counting recording ids tells nothing about which exist.
HIDDEN = "no such recording"


def visible(
    con: apsw.Connection,
    recording_id: int,
    kind: str,
    may_see: Callable[[dict[str, Any]], bool],
    preview: bool = False,
) -> str:
    """The path of a recording's playback file or poster, if it may be shown at all and `may_see` (the caller's
    own rule: a reviewer's interviews, a share link's candidates and questions) allows its owner, a row with
    invitation_id, interview_id and question_id. The path comes from the store, never from the request.

    With `preview`, the playback of a recording whose playback file is still being made is its preview (WebM),
    if it has one; the caller's page says so and offers it only to browsers that play it."""
    owner = answers_sql.recording_owner(con, recording_id)
    if (
        kind not in KINDS
        or owner is None
        or not owner["submitted"]
        or owner["invitation_status"] != InvitationStatus.COMPLETED.value
        or owner["erased_at"] is not None
        or not may_see(owner)
    ):
        raise NotFound(HIDDEN)
    path: str | None = owner[f"{kind}_path"]
    waiting = owner["state"] in (RecordingState.UPLOADED.value, RecordingState.PROCESSING.value)
    if preview and kind == "playback" and waiting and owner["preview_path"]:
        return str(owner["preview_path"])
    if owner["state"] != RecordingState.READY.value or not path:
        raise NotFound("this recording is not ready to play yet")
    return path
