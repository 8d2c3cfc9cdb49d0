"""Resumable uploads of recorded answers (the tus 1.0.0 protocol's rules, without its HTTP).

The database row holds the acknowledged offset: bytes count as received only once they are fsynced and the row
says so. The bytes themselves go to `uploads/<id>.part`; when the last byte is in, the recording becomes
`uploaded` and a processing job is queued in the same transaction, and the file moves to the recording's folder.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import apsw

from boxinterview import clock, files
from boxinterview.config.settings import Settings
from boxinterview.domain import answers, numbers, recordings
from boxinterview.domain.invitations import hash_token
from boxinterview.domain.models import InvitationStatus
from boxinterview.errors import Conflict, Forbidden, Gone, Invalid, NotFound, TooLarge
from boxinterview.store import Database
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import jobs as jobs_sql
from boxinterview.store import uploads as sql
from boxinterview.store.uploads import UploadRow as UploadRow  # what the tus server handles

REQUIRED_METADATA = ("token", "question", "take")


@dataclass(frozen=True)
class Policy:
    max_bytes: int
    expire_after: timedelta
    deadline_grace: timedelta
    max_attempts: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            max_bytes=settings.uploads.max_bytes,
            expire_after=timedelta(hours=settings.uploads.expire_hours),
            deadline_grace=timedelta(minutes=settings.uploads.deadline_grace_minutes),
            max_attempts=settings.media.job_max_attempts,
        )


def parse_metadata(header: str) -> dict[str, str]:
    """`key base64,key2 base64` -> {key: value}. Raises Invalid with what is wrong."""
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        if not key or " " in encoded.strip():
            raise Invalid(f"Upload-Metadata: {pair!r} is not 'key base64value'")
        if key in out:  # tus: keys are unique; which copy counts would be a guess
            raise Invalid(f"Upload-Metadata: the key {key!r} is given more than once; give each key once")
        try:
            out[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, ValueError):  # not base64 (a character outside it: ValueError), or not UTF-8
            raise Invalid(f"Upload-Metadata: the value of {key!r} is not base64-encoded UTF-8") from None
    return out


def without_token(header: str) -> str:
    """The Upload-Metadata header as sent, less its token pair: what is kept and echoed back to HEAD. The token
    opens the candidate's interview, so it is never written down (it would sit in every backup) nor handed to
    whoever asks about an upload."""
    pairs = (p.strip() for p in header.split(","))
    return ",".join(p for p in pairs if p and p.partition(" ")[0].lower() != "token")


def _expiry(now: datetime, deadline: datetime, policy: Policy) -> datetime:
    try:
        return min(now + policy.expire_after, deadline + policy.deadline_grace)
    except OverflowError:  # a deadline at the end of the calendar, written before deadlines were bounded
        return now + policy.expire_after


def create(
    db: Database,
    data_dir: Path,
    policy: Policy,
    *,
    length: int | None,
    metadata_header: str,
    now: datetime | None = None,
) -> UploadRow:
    """Check the candidate may upload this take, then create the take, its recording and the upload."""
    now = now or clock.now()
    meta = parse_metadata(metadata_header)
    missing = [k for k in REQUIRED_METADATA if not meta.get(k)]
    if missing:
        raise Invalid(f"Upload-Metadata needs {', '.join(REQUIRED_METADATA)}; missing: {', '.join(missing)}")
    try:
        question_id = numbers.whole(meta["question"], "question", low=1)
        take_number = numbers.whole(meta["take"], "take", low=1, high=1000)
    except Invalid as exc:
        raise Invalid(
            f"Upload-Metadata: {exc}, written with the digits 0 to 9 (question is the question's id; take counts "
            "from 1)"
        ) from None
    check_size(length, policy)
    file_type = meta.get("filetype", "")[:200]

    def tx(con: apsw.Connection) -> UploadRow:
        invitation = candidates_sql.invitation_by_token_hash(con, hash_token(meta["token"]))
        if invitation is None:
            raise Forbidden("the interview link (token) is not valid")
        try:
            take = answers.begin_take_in(con, invitation.id, question_id, now, take_number)
        except NotFound as exc:  # a question of another interview: the request is wrong, not the upload URL
            raise Invalid(str(exc)) from None
        recording_id = recordings.start_upload(con, take.id, file_type, now)
        upload_id = secrets.token_hex(16)
        sql.insert(
            con,
            upload_id=upload_id,
            recording_id=recording_id,
            invitation_id=invitation.id,
            length=length,
            metadata=without_token(metadata_header),
            file_type=file_type,
            expires_at=_expiry(now, invitation.deadline, policy),
            now=now,
        )
        found = sql.get(con, upload_id)
        assert found is not None
        return found

    upload = db.write(tx)
    files.create_empty(files.upload_part(data_dir, upload.id))
    if length == 0:  # complete as soon as it exists; processing will tell the candidate it is empty
        upload = commit(db, data_dir, policy, upload, 0, 0, now)
    return upload


def get(db: Database, upload_id: str, now: datetime | None = None) -> UploadRow:
    """An upload that can still be asked about: unknown or cancelled ones are NotFound, abandoned ones Gone, and
    one of a withdrawn candidate's is refused (Forbidden), as a new upload would be."""
    now = now or clock.now()

    def read(con: apsw.Connection) -> tuple[UploadRow | None, InvitationStatus | None]:
        found = sql.get(con, upload_id)
        invitation = candidates_sql.get_invitation(con, found.invitation_id) if found else None
        return found, invitation.status if invitation else None

    upload, status = db.read(read) if len(upload_id) == 32 else (None, None)
    if upload is None:
        raise NotFound("there is no upload at this address; start a new one")
    if status is InvitationStatus.WITHDRAWN and upload.completed_at is None:
        raise Forbidden(f"this interview is {status}; no more answers can be given")
    if upload.ended_at is not None:
        if upload.end_reason == "expired":
            raise Gone("this upload was abandoned and has expired; record the answer again")
        raise NotFound("this upload was cancelled; start a new one")
    if upload.completed_at is None and upload.expires_at <= now:
        raise Gone("this upload has expired; record the answer again")
    return upload


def check_size(length: int | None, policy: Policy) -> None:
    """A length the client declares: at most the most this server accepts. The number is not repeated back: one
    too large to count would be shown as another. (An empty upload is complete at once, as tus has it; processing
    tells the candidate that nothing was recorded.)"""
    if length is not None and length > policy.max_bytes:
        raise TooLarge(f"Upload-Length is more than the most this server accepts ({policy.max_bytes} bytes)")


def check_length(upload: UploadRow, policy: Policy, new_length: int | None, end: int) -> int | None:
    """The upload's length once this request is applied; raises if `end` bytes would not fit."""
    length = upload.length
    if new_length is not None:
        if length is not None and new_length != length:
            raise Invalid(f"Upload-Length is already {length} and cannot change")
        if new_length < upload.received:
            raise Invalid(
                f"Upload-Length {new_length} is less than the {upload.received} bytes already received"
            )
        check_size(new_length, policy)
        length = new_length
    limit = length if length is not None else policy.max_bytes
    if end > limit:
        what = "its Upload-Length" if length is not None else "the most this server accepts"
        raise TooLarge(f"the upload would be {end} bytes, more than {what} ({limit})")
    return length


def commit(
    db: Database,
    data_dir: Path,
    policy: Policy,
    upload: UploadRow,
    received: int,
    length: int | None,
    now: datetime | None = None,
) -> UploadRow:
    """Acknowledge bytes up to `received` (already fsynced). On the last byte, hand the recording over."""
    now = now or clock.now()

    def tx(con: apsw.Connection) -> UploadRow:
        invitation = candidates_sql.get_invitation(con, upload.invitation_id)
        assert invitation is not None
        if invitation.status is InvitationStatus.WITHDRAWN:  # while these bytes were arriving
            raise Forbidden(f"this interview is {invitation.status}; no more answers can be given")
        if not sql.advance(
            con, upload.id, upload.received, received, length, _expiry(now, invitation.deadline, policy), now
        ):
            raise Conflict(
                "the upload offset moved while these bytes were arriving; ask for the offset and resume"
            )
        if length is not None and received == length:
            final = files.recording_dir(data_dir, upload.recording_id) / (
                "original" + files.extension_for(upload.file_type)
            )
            sql.mark_completed(con, upload.id, now)
            recordings.mark_uploaded(con, upload.recording_id, str(final), received, now)
            jobs_sql.enqueue(con, recordings.PROCESS_JOB, upload.recording_id, now, policy.max_attempts)
        found = sql.get(con, upload.id)
        assert found is not None
        return found

    done = db.write(tx)
    if done.completed_at is not None:
        recording = recordings.get(db, done.recording_id)
        part, final = files.upload_part(data_dir, done.id), Path(recording.original_path or "")
        if done.received == 0 and not part.exists() and not final.exists():
            files.write_at(part, 0, b"")  # an empty upload is an empty recording, which processing explains
        files.finish_move(part, final)
    return done


def terminate(db: Database, data_dir: Path, upload_id: str, now: datetime | None = None) -> None:
    """The client cancels an unfinished upload: its bytes are deleted; the take stays used."""
    now = now or clock.now()
    upload = get(db, upload_id, now)
    if upload.completed_at is not None:
        raise Conflict("this upload is complete and is being processed; it can no longer be cancelled")

    def tx(con: apsw.Connection) -> None:
        sql.mark_ended(con, upload_id, "terminated", now)
        recordings.fail(con, upload.recording_id, "the upload was cancelled", now)

    db.write(tx)
    files.remove(files.upload_part(data_dir, upload_id))


def expire_abandoned(db: Database, data_dir: Path, now: datetime | None = None) -> int:
    """Delete uploads nobody has added to before their expiry; returns how many."""
    now = now or clock.now()
    count = 0
    for upload in db.read(sql.expired, now):

        def tx(con: apsw.Connection, upload: UploadRow = upload) -> None:
            sql.mark_ended(con, upload.id, "expired", now)
            recordings.fail(con, upload.recording_id, "the upload was abandoned before it finished", now)

        db.write(tx)
        files.remove(files.upload_part(data_dir, upload.id))
        count += 1
    return count


def finish_moves(db: Database, data_dir: Path) -> int:
    """Put finished uploads whose last move did not happen (a crash, or a backup taken in between) in their
    place; returns how many."""
    moved = 0
    for part in sorted((data_dir / "uploads").glob("*.part")):
        upload = db.read(sql.get, part.stem)
        if upload is not None and upload.completed_at is not None:
            recording = recordings.get(db, upload.recording_id)
            files.finish_move(part, Path(recording.original_path or ""))
            moved += 1
    return moved


def note_resume(db: Database, upload: UploadRow) -> None:
    """A client asked where an unfinished upload stands after sending some of it: it is resuming after an
    interruption (counted for the insight pages)."""
    if upload.completed_at is None and upload.received > 0:
        db.write(sql.note_resume, upload.id)
