"""Every status change is declared in one table; everything else is refused with a reason."""

from __future__ import annotations

import pytest

from boxinterview.domain import lifecycle
from boxinterview.domain.models import InterviewStatus, InvitationStatus, RecordingState
from boxinterview.errors import Conflict


@pytest.mark.parametrize(
    ("machine", "enum"),
    [("invitation", InvitationStatus), ("recording", RecordingState), ("interview", InterviewStatus)],
)
def test_every_state_has_a_row(machine: str, enum) -> None:
    assert set(lifecycle.TRANSITIONS[machine]) == set(enum)


def test_recording_path_to_ready_and_refusals() -> None:
    path = ["uploading", "uploaded", "processing", "ready"]
    for a, b in zip(path, path[1:], strict=False):
        assert lifecycle.advance("recording", a, b) == b
    assert lifecycle.can("recording", "failed", "processing")
    with pytest.raises(Conflict, match="already processed"):
        lifecycle.advance("recording", "ready", "processing")
    with pytest.raises(Conflict, match="from uploading it can become: failed, uploaded"):
        lifecycle.advance("recording", "uploading", "ready")


def test_invitation_cannot_skip_or_return() -> None:
    assert not lifecycle.can("invitation", "invited", "completed")
    assert not lifecycle.can("invitation", "withdrawn", "invited")
    assert lifecycle.can("invitation", "expired", "started")
    with pytest.raises(Conflict, match="has withdrawn"):
        lifecycle.advance("invitation", "withdrawn", "opened")
