"""What each console screen looks like at 80×24 and 120×40, from a small fixed data set (a fixed clock and disk,
so pictures only change when the screens do). Update after a deliberate change with
`pytest tests/console/test_console_snapshots.py --snapshot-update`, and look at the pictures in
tests/console/__snapshots__/ before committing them; README shows two of them."""

from __future__ import annotations

import fcntl
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from boxinterview import clock
from boxinterview.config.settings import load_settings
from boxinterview.domain import accounts, interviews, invitations, uploads
from boxinterview.domain.models import InterviewStatus, Role
from boxinterview.mail.letters import Letterhead
from boxinterview.ops import backup, datadir, health
from boxinterview.store import Database
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.screens.editor import EditorScreen
from tests.support.flows import meta_header, record_take

FIXED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
DATA = Path("/tmp/boxinterview-console-snapshots")  # a fixed path: it is shown on the settings screen
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def console(monkeypatch, template):
    # The path is fixed, so two checkouts tested at once on one machine take turns with it.
    lock = open(f"{DATA}.lock", "w")  # noqa: SIM115 - held until the test ends
    fcntl.flock(lock, fcntl.LOCK_EX)
    shutil.rmtree(DATA, ignore_errors=True)
    monkeypatch.setattr(clock, "now", lambda: FIXED)
    monkeypatch.setattr(
        health,
        "disk_usage",
        lambda _path: shutil._ntuple_diskusage(500 * 10**9, 380 * 10**9, 120 * 10**9),
    )
    settings = load_settings(
        environ={"BOXINTERVIEW_DATA_DIR": str(DATA), "BOXINTERVIEW_ORGANISATION_NAME": "Example Ltd"}
    )
    datadir.init(settings.data_dir)
    db = Database.open(settings.database_path)
    interview_id = interviews.create(db, template, "operator")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "operator")
    interview = interviews.get(db, interview_id)
    deadline = datetime(2026, 12, 11, 17, 0, tzinfo=UTC)
    people = [
        ("Ann Example", "ann@example.com"),
        ("Bo Example", "bo@example.com"),
        ("Cy Example", "cy@example.com"),
    ]
    head = Letterhead.from_settings(settings)
    tokens = [
        invitations.invite(db, interview_id, n, e, "operator", deadline=deadline, letterhead=head)[1]
        for n, e in people
    ]
    accounts.create(
        db, "lee@example.com", Role.REVIEWER, "operator", name="Lee Reviewer", password="not-shown-anywhere"
    )
    accounts.assign(db, "lee@example.com", interview_id, "operator")
    backup.run(settings, FIXED - timedelta(hours=3))
    # Bo is recording the first answer: 40% of it has arrived
    bo = invitations.by_token(db, tokens[1])
    invitations.record_consent(db, bo.id, "1")
    policy = uploads.Policy.from_settings(settings)
    up = uploads.create(
        db,
        settings.data_dir,
        policy,
        length=5_000_000,
        metadata_header=meta_header(
            {
                "token": tokens[1],
                "question": str(interview.questions[0].id),
                "take": "1",
                "filetype": "video/webm",
            }
        ),
    )
    (settings.data_dir / "uploads" / f"{up.id}.part").write_bytes(b"\0" * 2_000_000)
    uploads.commit(db, settings.data_dir, policy, up, 2_000_000, 5_000_000)
    # Ann's first answer is in and waits for processing
    ann = invitations.by_token(db, tokens[0])
    invitations.record_consent(db, ann.id, "1")
    record_take(db, settings, tokens[0], interview.questions[0].id, 1, b"\0" * 3_000_000)
    try:
        yield settings, db, interview
        db.close()
        shutil.rmtree(DATA, ignore_errors=True)
    finally:
        lock.close()


async def _settle(pilot) -> None:
    await pilot.pause(0.6)  # screens load in worker threads


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    "keys",
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "question_mark"],
    ids=[
        "dashboard",
        "interviews",
        "candidates",
        "reviewers",
        "backups",
        "settings",
        "audit",
        "messages",
        "insight",
        "webhooks",
        "help",
    ],
)
def test_each_screen(snap_compare, console, keys, size) -> None:
    settings, db, _ = console

    async def go(pilot) -> None:
        await pilot.press(keys)
        await _settle(pilot)

    assert snap_compare(ConsoleApp(settings, db), terminal_size=size, run_before=go)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_the_interview_editor(snap_compare, console, size) -> None:
    settings, db, interview = console

    async def go(pilot) -> None:
        pilot.app.push_screen(EditorScreen(interview))
        await _settle(pilot)
        for field in pilot.app.screen.query("Input, TextArea"):  # the title has the focus: a steady cursor
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(ConsoleApp(settings, db), terminal_size=size, run_before=go)
