"""An interview's own wording of the messages its candidates get: checked when imported, used when sent,
previewed in the CLI and the web."""

from __future__ import annotations

import pytest

from boxinterview.domain import answers, interview_io, interviews, invitations, wording
from boxinterview.domain.models import InterviewStatus, Outcome
from boxinterview.errors import Invalid
from boxinterview.mail.letters import Letterhead
from boxinterview.store import outbox
from tests.support.live import UPLOAD_INTERVIEW, prepare

WORDED = (
    UPLOAD_INTERVIEW
    + """\
messages:
  invitation:
    subject: "{{ organisation }} would like to hear from you, {{ name }}"
    text: |
      Hi {{ name }},

      Record {{ questions }} short answers for the {{ role }} role by {{ deadline }}:
      {{ link }}
  outcome.reject:
    subject: "About the {{ role }} role"
    text: |
      Hi {{ name }}, thank you. We will not continue this time.

      {{ feedback }}
"""
)


@pytest.fixture
def env(tmp_path):
    path, settings, db, _ = prepare(tmp_path, organisation={"name": "Example Ltd"})
    yield settings, db, path
    db.close()


def test_an_invitation_uses_the_interviews_own_wording(env) -> None:
    settings, db, _ = env
    interview_id = interviews.create(db, interview_io.from_yaml(WORDED), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    inv, token = invitations.invite(
        db, interview_id, "Ann Example", "ann@example.com", "t", letterhead=Letterhead.from_settings(settings)
    )
    [message] = db.read(outbox.for_invitation, inv.id)
    assert message["subject"] == "Example Ltd would like to hear from you, Ann Example"
    assert "Record 3 short answers for the Tester role" in message["body"]
    link = f"{settings.base_url}/i/{token}"
    assert link in message["body"] and f'<a href="{link}">' in message["html"]


def test_a_decision_uses_the_outcomes_own_wording_with_the_reviewers_words(env) -> None:
    settings, db, _ = env
    interview = interviews.get(db, interviews.create(db, interview_io.from_yaml(WORDED), "t"))
    [reject] = wording.previews(interview, "Example Ltd", "outcome.reject")
    assert reject.own and reject.letter.subject == "About the Tester role"
    [hold] = wording.previews(interview, "Example Ltd", "outcome.hold")
    assert not hold.own and "We need a little more time" in hold.letter.text
    from boxinterview.domain.decisions import render_feedback

    class View:  # the parts of a reviewer's view the message needs
        candidate = type("C", (), {"name": "Bo"})()

    View.interview = interview
    subject, text = render_feedback(View, Outcome.REJECT, "Your text answer was clear.", "Example Ltd")
    assert subject == "About the Tester role"
    assert text == "Hi Bo, thank you. We will not continue this time.\n\nYour text answer was clear.\n"


def test_wording_survives_export_import_and_duplicate(env) -> None:
    _, db, _ = env
    first = interviews.create(db, interview_io.from_yaml(WORDED), "t")
    again = interview_io.from_yaml(interview_io.to_yaml(interviews.get(db, first)))
    assert again.messages == interviews.get(db, first).messages and len(again.messages) == 2
    copy = interviews.duplicate(db, first, "t")
    assert interviews.get(db, copy).messages == interviews.get(db, first).messages


@pytest.mark.parametrize(
    ("kind", "subject", "text", "expected"),
    [
        (
            "invitation",
            "Hello",
            "Hi {{ nmae }}: {{ link }}",
            "'nmae' is undefined; this message can use {{ name }}",
        ),
        ("invitation", "Hello", "Hi {{ name }}", "must include {{ link }}"),
        ("outcome.advance", "Hello", "Well done.", "must include {{ feedback }}"),
        ("reminder", "Hi", "{{ link }} {% if %}", "line 1: Expected an expression"),
        ("nudge", "Hi", "{{ link.__class__ }}", "not allowed in a message"),
        (
            "welcome",
            "Hi",
            "{{ link }}",
            "'welcome' is not a message an interview can word; choose from invitation",
        ),
    ],
)
def test_bad_wording_is_refused_with_its_line(kind, subject, text, expected) -> None:
    doc = UPLOAD_INTERVIEW + f"messages:\n  {kind}:\n    subject: {subject!r}\n    text: {text!r}\n"
    with pytest.raises(Invalid) as caught:
        interview_io.from_yaml(doc, "iv.yaml")
    [(where, message)] = caught.value.problems
    assert where.startswith("iv.yaml:") and where != "iv.yaml:?", where
    assert message.startswith(f"messages.{kind}") and expected in message, message


def test_wording_may_change_after_candidates_started_and_previews_show_it(env, cli, tmp_path) -> None:
    _, db, config = env
    interview_id = interviews.create(db, interview_io.from_yaml(UPLOAD_INTERVIEW), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    inv, _ = invitations.invite(db, interview_id, "Ann", "ann@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    answers.begin_take(db, inv.id, interviews.get(db, interview_id).questions[0].id)
    worded = tmp_path / "worded.yaml"
    worded.write_text(WORDED)
    out = cli("--config", str(config), "interview", "update", str(interview_id), str(worded))
    assert out.code == 0, out.err
    shown = cli(
        "--config", str(config), "interview", "messages", str(interview_id), "--kind", "invitation"
    ).out
    assert "this interview's wording" in shown and "Record 3 short answers for the Tester role" in shown
    assert "standard wording" in cli("--config", str(config), "interview", "messages", str(interview_id)).out
    changed = tmp_path / "changed.yaml"
    changed.write_text(WORDED.replace("Tell us about you", "Tell us something else"))
    refused = cli("--config", str(config), "interview", "update", str(interview_id), str(changed))
    assert refused.code != 0 and "interview duplicate" in refused.err


def test_an_update_says_which_settings_it_changed_and_warns_when_candidates_read_them(
    env, cli, tmp_path
) -> None:
    _, db, config = env
    german = UPLOAD_INTERVIEW + "language: de\ntime_zone: Europe/Berlin\n"
    interview_id = interviews.create(db, interview_io.from_yaml(german), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    invitations.invite(db, interview_id, "Jörg", "joerg@example.com", "t")
    plain = tmp_path / "plain.yaml"
    plain.write_text(UPLOAD_INTERVIEW)  # says no language or time zone: the defaults
    out = cli("--config", str(config), "interview", "update", str(interview_id), str(plain))
    assert out.code == 0, out.err
    assert "changed language: de → en" in out.out and "changed time zone: Europe/Berlin → UTC" in out.out
    assert "warning: 1 candidate(s) are invited already" in out.err
    assert "write language, time_zone and deadline in it to keep them" in out.err
    again = cli("--config", str(config), "interview", "update", str(interview_id), str(plain))
    assert "changed" not in again.out and "warning" not in again.err  # nothing changed this time
