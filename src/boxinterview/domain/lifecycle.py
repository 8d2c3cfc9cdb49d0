"""Every status change in one place: which moves are allowed, and what to say when one is not.

Handlers and services never write a status string themselves; they ask `advance(...)` for the next state.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from boxinterview.domain.models import InterviewStatus, InvitationStatus, RecordingState
from boxinterview.errors import Conflict

_I = InvitationStatus
INVITATION: dict[InvitationStatus, frozenset[InvitationStatus]] = {
    _I.INVITED: frozenset({_I.OPENED, _I.WITHDRAWN, _I.EXPIRED}),
    _I.OPENED: frozenset({_I.STARTED, _I.WITHDRAWN, _I.EXPIRED}),
    _I.STARTED: frozenset({_I.COMPLETED, _I.WITHDRAWN, _I.EXPIRED}),
    _I.COMPLETED: frozenset({_I.WITHDRAWN}),
    _I.WITHDRAWN: frozenset(),
    # An extended deadline puts an expired invitation back where the candidate had got to.
    _I.EXPIRED: frozenset({_I.INVITED, _I.OPENED, _I.STARTED}),
}

_R = RecordingState
RECORDING: dict[RecordingState, frozenset[RecordingState]] = {
    _R.UPLOADING: frozenset({_R.UPLOADED, _R.FAILED}),
    _R.UPLOADED: frozenset({_R.PROCESSING, _R.REJECTED, _R.FAILED}),
    _R.PROCESSING: frozenset({_R.READY, _R.REJECTED, _R.FAILED}),
    _R.READY: frozenset(),
    _R.REJECTED: frozenset(),
    _R.FAILED: frozenset({_R.PROCESSING}),  # an operator retries
}

_S = InterviewStatus
INTERVIEW: dict[InterviewStatus, frozenset[InterviewStatus]] = {
    _S.DRAFT: frozenset({_S.OPEN, _S.CLOSED}),
    _S.OPEN: frozenset({_S.CLOSED}),
    _S.CLOSED: frozenset({_S.OPEN}),
}

_WHY: dict[tuple[str, str], str] = {
    ("withdrawn", "*"): "the candidate has withdrawn; invite them again if they want to return",
    ("completed", "*"): "the candidate has already completed the interview",
    ("ready", "*"): "the recording is already processed",
    ("rejected", "*"): "the recording was rejected; the candidate records a new take instead",
}

# Keyed by each machine's own enum: a status given as text is turned into it (an unknown one is a ValueError).
TRANSITIONS: dict[str, Mapping[Any, frozenset[StrEnum]]] = {
    "invitation": INVITATION,
    "recording": RECORDING,
    "interview": INTERVIEW,
}


def _allowed(machine: str, current: str) -> frozenset[StrEnum]:
    table = TRANSITIONS[machine]
    return table[type(next(iter(table)))(current)]


def can(machine: str, current: str, target: str) -> bool:
    return target in _allowed(machine, current)


def advance(machine: str, current: str, target: str) -> str:
    """Return `target` if `current -> target` is allowed for `machine`, else raise Conflict saying why."""
    if current == target:
        return target
    if can(machine, current, target):
        return target
    why = _WHY.get((current, "*"), "")
    allowed = ", ".join(sorted(_allowed(machine, current))) or "none"
    raise Conflict(
        f"a {machine} that is {current} cannot become {target}"
        + (f": {why}" if why else f" (from {current} it can become: {allowed})")
    )
