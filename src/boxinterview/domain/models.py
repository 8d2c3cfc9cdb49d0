"""The things boxinterview talks about, as plain dataclasses. The store reads and writes them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# EBU R128 gates everything below -70 LUFS away as silence; a recording this quiet holds no speech anyone could
# hear (a muted or wrong microphone), while a quiet voice measures -40 or more.
SILENT_LUFS = -60.0

# The score scale every rubric anchors and every reviewer scores on, lowest first. The CHECKs on the
# database's review_scores and rubric_anchors hold the same range (a test keeps them together).
SCORES = (1, 2, 3, 4, 5)
LOWEST_SCORE, HIGHEST_SCORE = SCORES[0], SCORES[-1]
SCORE_RANGE = f"{LOWEST_SCORE} to {HIGHEST_SCORE}"  # as the product says it: "scores run from 1 to 5"

# The candidate's own rating of their interview on the finish page, lowest (poor) first: a scale of its own, not
# a score (candidate_feedback's CHECK holds the same range).
RATINGS = (1, 2, 3, 4, 5)


def candidate_label(name: str, number: int, blind: bool) -> str:
    """What a candidate is called wherever reviewers see them (pages, the console, CSV exports, messages to the
    team): their name, or in blind review their number in the interview, "Candidate 7" (numbers are never
    reused)."""
    return f"Candidate {number}" if blind else name


class InterviewStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"
    CHOICE = "choice"
    FILE = "file"

    @property
    def is_recorded(self) -> bool:
        return self in (QuestionKind.VIDEO, QuestionKind.AUDIO)


class QuestionCategory(enum.StrEnum):
    BEHAVIOURAL = "behavioural"
    SITUATIONAL = "situational"
    ROLE_SPECIFIC = "role-specific"


class InvitationStatus(enum.StrEnum):
    INVITED = "invited"
    OPENED = "opened"
    STARTED = "started"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class RecordingState(enum.StrEnum):
    UPLOADING = "uploading"
    UPLOADED = "uploaded"
    PROCESSING = "processing"
    READY = "ready"
    REJECTED = "rejected"
    FAILED = "failed"


class Role(enum.StrEnum):
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Outcome(enum.StrEnum):
    ADVANCE = "advance"
    REJECT = "reject"
    HOLD = "hold"


@dataclass(frozen=True)
class Competency:
    name: str
    description: str = ""
    # Score (one of SCORES) -> what that score looks like for this competency.
    anchors: dict[int, str] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True)
class Choice:
    label: str
    knockout: bool = False


@dataclass(frozen=True)
class Wording:
    """An interview's own wording of one of the messages candidates get (Jinja2 text: subject and body)."""

    kind: str
    subject: str
    text: str


@dataclass(frozen=True)
class Question:
    prompt: str
    kind: QuestionKind
    category: QuestionCategory
    answer_seconds: int
    think_seconds: int = 0
    takes: int = 1
    max_chars: int | None = None
    choices: tuple[Choice, ...] = ()
    competencies: tuple[str, ...] = ()  # names of the interview's competencies this question assesses
    position: int = 0
    id: int | None = None


@dataclass(frozen=True)
class Interview:
    title: str
    role: str
    objectives: str = ""
    instructions: str = ""
    intro: str = ""
    deadline: datetime | None = None
    support_contact: str = ""
    retention_days: int = 180
    blind_review: bool = False
    allow_accommodations: bool = True
    allow_audio_only: bool = False  # candidates without a camera may answer video questions with sound only
    review_target_days: int = 5  # reviews of a completed interview are overdue after this many days
    language: str = "en"  # what candidates read: pages, device check, e-mails (a catalogue's code)
    time_zone: str = "UTC"  # where candidates' dates and times are given (an IANA name)
    status: InterviewStatus = InterviewStatus.DRAFT
    competencies: tuple[Competency, ...] = ()
    questions: tuple[Question, ...] = ()
    messages: tuple[
        Wording, ...
    ] = ()  # the interview's own wording of candidate messages; the rest are standard
    version: int = 1
    previous_id: int | None = None
    id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def total_answer_seconds(self) -> int:
        return sum(q.think_seconds + q.answer_seconds for q in self.questions)

    def estimated_minutes(self, time_multiplier: float = 1.0) -> int:
        """What to tell a candidate: thinking and answering, plus a few minutes for reading, the device check
        and the practice question."""
        return max(1, round((self.total_answer_seconds * time_multiplier + 300) / 60))

    def wording(self, kind: str) -> tuple[str, str] | None:
        """This interview's own (subject, text) for a message kind, or None for the standard wording."""
        for w in self.messages:
            if w.kind == kind:
                return (w.subject, w.text)
        return None

    @property
    def kind_counts(self) -> dict[str, int]:
        """How many questions of each kind, in the order they first appear."""
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q.kind.value] = counts.get(q.kind.value, 0) + 1
        return counts

    @property
    def kinds_summary(self) -> str:
        """E.g. "3 video, 1 text": what a candidate will be asked to give."""
        return ", ".join(f"{n} {kind}" for kind, n in self.kind_counts.items())


def stored_id(thing: Competency | Question | Interview) -> int:
    """The id of something read from the store. Only a draft not saved yet has none, and nothing asks for its id."""
    if thing.id is None:
        raise ValueError(f"this {type(thing).__name__.lower()} has not been saved, so it has no id")
    return thing.id


@dataclass(frozen=True)
class InterviewSummary:
    id: int
    title: str
    role: str
    status: InterviewStatus
    version: int
    questions: int
    invited: int
    started: int
    completed: int
    deadline: datetime | None
    locked: bool


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    email: str | None
    phone: str = ""
    created_at: datetime | None = None
    erased_at: datetime | None = None


@dataclass(frozen=True)
class Invitation:
    id: int
    interview_id: int
    candidate_id: int
    number: int
    deadline: datetime
    status: InvitationStatus
    time_multiplier: float = 1.0
    accommodation_note: str = ""
    consent_at: datetime | None = None
    consent_version: str | None = None
    created_at: datetime | None = None
    opened_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    accommodation_request: str = ""
    accommodation_requested_at: datetime | None = None
    erased_at: datetime | None = None  # its answers and personal data were erased; its links no longer work
    accommodation_answered_at: datetime | None = None  # when the team last set extra time or a note

    @property
    def accommodation_waiting(self) -> bool:
        """The candidate asked for an adjustment (or changed what they asked) since the team last answered."""
        asked, answered = self.accommodation_requested_at, self.accommodation_answered_at
        return (
            bool(self.accommodation_request) and asked is not None and (answered is None or answered < asked)
        )


@dataclass(frozen=True)
class Answer:
    id: int
    invitation_id: int
    question_id: int
    started_at: datetime
    submitted_at: datetime | None = None
    text_value: str | None = None
    choice_position: int | None = None
    file_path: str | None = None
    file_name: str | None = None
    file_type: str | None = None
    over_time_seconds: int | None = None  # a written answer that came in this long after its time ran out


@dataclass(frozen=True)
class Take:
    id: int
    answer_id: int
    number: int
    submitted: bool
    created_at: datetime


@dataclass(frozen=True)
class Recording:
    id: int
    take_id: int
    state: RecordingState
    mime_type: str = ""
    size_bytes: int = 0
    duration_ms: int | None = None
    original_path: str | None = None
    playback_path: str | None = None
    poster_path: str | None = None
    reason: str = ""
    loudness_lufs: float | None = None  # of the recording as it arrived, before normalisation
    # The original remuxed for browsers that play WebM, watchable while the playback file is made (see
    # `pipeline.playable.preview`); only while the recording is uploaded or processing.
    preview_path: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def previewing(self) -> bool:
        """Its preview can be watched: the playback file is still being made."""
        return bool(self.preview_path) and self.state in (RecordingState.UPLOADED, RecordingState.PROCESSING)

    @property
    def silent(self) -> bool:
        """Nothing could be heard: a muted or wrong microphone, most likely."""
        return self.loudness_lufs is not None and self.loudness_lufs <= SILENT_LUFS


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    name: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True)
class Review:
    id: int
    invitation_id: int
    question_id: int
    reviewer_id: int
    notes: str
    scores: dict[int, int]  # competency id -> 1..5
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    id: int
    invitation_id: int
    outcome: Outcome
    feedback: str
    decided_by: int | None
    decided_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: int | None
    detail: dict[str, Any]
