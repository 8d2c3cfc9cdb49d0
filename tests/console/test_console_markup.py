"""Names, titles, comments and subjects are shown in the console exactly as people wrote them. Text such as
`Mallory [/]`, `[link=https://evil.example]click[/link]` or `[bold red]x` is not console markup: no screen,
dialog or notification crashes on it, styles it or turns it into a link. Each screen is driven with Textual's
pilot over a real database holding such text, and read from what it paints."""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from boxinterview import clock
from boxinterview.config.settings import load_settings
from boxinterview.domain import (
    accounts,
    answers,
    interview_io,
    interviews,
    invitations,
    journey,
    reviews,
    uploads,
)
from boxinterview.domain.models import InterviewStatus, Role
from boxinterview.mail import sender
from boxinterview.mail.letters import Letterhead
from boxinterview.ops import datadir
from boxinterview.store import Database
from boxinterview.tui.app import ConsoleApp
from boxinterview.tui.screens.editor import EditorScreen
from boxinterview.tui.screens.question_dialog import QuestionDialog
from boxinterview.tui.widgets.dialogs import Confirm, Form, Message
from tests.conftest import free_port
from tests.support.flows import meta_header, record_take
from tests.support.inbox import Inbox

EVIL = "https://evil.example"
MALLORY = "Mallory [/]"
CLICK = f"[link={EVIL}]click[/link]"
TITLE = f"Job [/] [link={EVIL}]x[/link]"
ROLE = "[bold red]Lead"
COMPETENCY = f"[link={EVIL}]Depth[/link]"
PROMPT = "[@click=app.quit]Tell us[/]"
ORGANISATION = "[bold red]Org [/]"
REVIEWER = f"[link={EVIL}]Rev[/link] [/]"
COMMENT = f"Loved it [/] [link={EVIL}]x[/link]"
REQUEST = "[bold red]More time [/]"
SUBJECT = f"[link={EVIL}]Apply[/link] now [/]"
REFUSAL = f"550 5.1.1 no such user [/] [link={EVIL}]here[/link]"
INTERVIEW = {
    "title": TITLE,
    "role": ROLE,
    "competencies": [{"name": COMPETENCY, "anchors": {1: "Shallow", 3: "Some", 5: "Deep"}}],
    "questions": [
        {"prompt": PROMPT, "kind": "text", "answer_seconds": 60, "competencies": [COMPETENCY]},
        {
            "prompt": "Show us",
            "kind": "video",
            "answer_seconds": 30,
            "takes": 2,
            "competencies": [COMPETENCY],
        },
    ],
    "messages": {"invitation": {"subject": SUBJECT, "text": "Hi {{ name }}: {{ link }}"}},
}


def squashed(text: str) -> str:
    """Text without spaces, line breaks and box-drawing characters: a long line wrapped in a dialog or a
    notification still reads as one."""
    return re.sub(r"[\s\u2500-\u259f]", "", text)


def painted(app: ConsoleApp) -> tuple[str, list[str]]:
    """What the terminal shows (as text) and the links in it."""
    svg = app.export_screenshot()
    links = re.findall(r'<a [^>]*href="([^"]*)"', svg)
    cells = re.findall(r"<text [^>]*>(.*?)</text>", svg, re.S)
    text = html.unescape("".join(re.sub(r"<[^>]+>", "", c) for c in cells)).replace("\xa0", " ")
    return text, links


async def shows(pilot, *texts: str, timeout: float = 10.0) -> None:
    """Wait until every text is on the screen as written; no link may be on it."""
    deadline = time.monotonic() + timeout
    while True:
        text, links = painted(pilot.app)
        assert links == [], links
        missing = [t for t in texts if squashed(t) not in squashed(text)]
        if not missing:
            return
        assert time.monotonic() < deadline, f"not on the screen as written: {missing}\n{text[-3000:]}"
        await pilot.pause(0.1)


async def until(pilot, check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the console did not get there in time"
        await pilot.pause(0.05)


@pytest.fixture
def smtp():
    inbox = Inbox(free_port())
    inbox.up()
    yield inbox
    inbox.down()


@pytest.fixture
def hostile(tmp_path: Path, smtp):
    """A data directory whose people and words are all written like console markup."""
    settings = load_settings(
        environ={
            "BOXINTERVIEW_DATA_DIR": str(tmp_path / "var"),
            "BOXINTERVIEW_ORGANISATION_NAME": ORGANISATION,
            "BOXINTERVIEW_SMTP_HOST": "127.0.0.1",
            "BOXINTERVIEW_SMTP_PORT": str(smtp.port),
        }
    )
    datadir.init(settings.data_dir)
    db = Database.open(settings.database_path)
    head = Letterhead.from_settings(settings)
    iv_id = interviews.create(db, interview_io.from_yaml(json.dumps(INTERVIEW)), "operator")
    interviews.set_status(db, iv_id, InterviewStatus.OPEN, "operator")
    iv = interviews.get(db, iv_id)
    reviewer, _ = accounts.create(db, "rev@example.com", Role.REVIEWER, "operator", name=REVIEWER)
    accounts.assign(db, "rev@example.com", iv_id, "operator")
    # Mallory's invitation is refused by the mail server with words of its own
    mallory, m_token = invitations.invite(
        db, iv_id, MALLORY, "mallory@example.com", "operator", letterhead=head
    )
    smtp.reply = REFUSAL
    asyncio.run(sender.deliver_due(db, settings))
    smtp.reply = None
    journey.consent(db, m_token, settings.organisation.privacy_notice_version, REQUEST)
    journey.submit(db, m_token, iv.questions[0].id, {"text": "words"})
    record_take(db, settings, m_token, iv.questions[1].id, 1, b"take")
    answers.submit_take(db, mallory.id, iv.questions[1].id, 1)
    answers.complete(db, mallory.id)
    # The other candidate's invitation waits in the outbox; their answer is arriving
    other, o_token = invitations.invite(db, iv_id, CLICK, "click@example.com", "operator", letterhead=head)
    invitations.record_consent(db, other.id, "1")
    policy = uploads.Policy.from_settings(settings)
    up = uploads.create(
        db,
        settings.data_dir,
        policy,
        length=1000,
        metadata_header=meta_header(
            {"token": o_token, "question": str(iv.questions[1].id), "take": "1", "filetype": "video/webm"}
        ),
    )
    (settings.data_dir / "uploads" / f"{up.id}.part").write_bytes(b"\0" * 400)
    uploads.commit(db, settings.data_dir, policy, up, 400, 1000)
    journey.feedback(db, m_token, 4, COMMENT)
    reviews.save(
        db,
        reviewer,
        mallory.id,
        iv.questions[0].id,
        {iv.competencies[0].id: 4},
        "",
        True,
        clock.now() + timedelta(minutes=1),
    )
    yield settings, db, iv
    db.close()


async def test_the_dashboard_shows_names_titles_and_errors_as_written(hostile) -> None:
    settings, db, _ = hostile
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await shows(pilot, CLICK, TITLE[:24], ("mallory@example.com: " + REFUSAL)[:70])


async def test_the_interviews_editor_and_preview_show_what_was_written(hostile) -> None:
    settings, db, _ = hostile
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await pilot.press("2")
        await shows(pilot, TITLE)
        await pilot.press("v")
        await until(pilot, lambda: not app.screen.query("#interviews"))
        await shows(pilot, f"{TITLE} — {ROLE}", PROMPT, f"Subject: {SUBJECT}", ORGANISATION)
        await pilot.press("escape")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        await shows(pilot, COMPETENCY, PROMPT)
        app.screen.query_one("#questions").focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, QuestionDialog))
        await shows(pilot, COMPETENCY)


async def test_the_candidates_their_dialogs_and_notifications_show_names_as_written(hostile) -> None:
    settings, db, iv = hostile
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        app.show_candidates(iv.id)
        await shows(pilot, MALLORY, CLICK, TITLE)
        await pilot.press("a")  # Mallory's accommodation request, in her words
        await until(pilot, lambda: isinstance(app.screen, Form))
        await shows(
            pilot, f"Accommodation for {MALLORY}", f'"{" ".join(REQUEST.split())}". Grant, even as it is'
        )
        await pilot.press("escape")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await shows(pilot, f"Withdraw {MALLORY}?")
        await pilot.press("escape")
        await pilot.press("down")  # the other candidate, whose interview is still to do
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, Message))
        await shows(pilot, f"A link for {CLICK}")
        await pilot.press("escape")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.click("#yes")
        await shows(pilot, f"{CLICK} is withdrawn")  # in a notification


async def test_reviewers_audit_messages_insight_and_the_rest_show_what_was_written(hostile) -> None:
    settings, db, _ = hostile
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await pilot.press("4")
        await shows(pilot, REVIEWER)
        await pilot.press("7")
        await shows(pilot, json.dumps({"title": TITLE}))
        await pilot.press("8")
        await shows(pilot, REFUSAL[:40], SUBJECT[:40], "click@example.com")
        app.screen.query_one("#outbox").focus()
        await pilot.press("down", "enter")  # Mallory's, refused by the mail server
        await until(pilot, lambda: isinstance(app.screen, Message))
        await shows(pilot, f"Subject: {SUBJECT}", REFUSAL)
        await pilot.press("escape")
        await pilot.press("9")
        await shows(pilot, PROMPT, REVIEWER, COMMENT, TITLE)
        await pilot.press("6")
        await shows(pilot, str(settings.data_dir))
        await pilot.press("5")
        await shows(pilot, "Backups (newest first)")
        await pilot.press("question_mark")
        await shows(pilot, "Import CSV")


async def test_a_csv_import_shows_names_as_written(hostile, tmp_path: Path) -> None:
    settings, db, iv = hostile
    people = tmp_path / "people.csv"
    column = "[$accent]Phone \\"  # a column the import leaves out, named so that escaping would not be enough
    people.write_text(f'name,email,{column}\n"{COMMENT}",new@example.com,1\n{ROLE},bad-address,2\n')
    app = ConsoleApp(settings, db)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        app.show_candidates(iv.id)
        await pilot.pause(0.2)
        await pilot.press("m")
        await until(pilot, lambda: app.screen.query("#path"))
        app.screen.query_one("#path").value = str(people)
        app.screen.query_one("#path").focus()
        await pilot.press("enter")
        await shows(pilot, COMMENT, ROLE, "1 row(s) can be invited", f"ignored column(s): {column}")
