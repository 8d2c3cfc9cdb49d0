"""Every message a candidate gets in the interview's language: a German interview's messages arrive in German
through a real SMTP server (aiosmtpd), with dates in German and Berlin time; French and Dutch ones read as
written for them; previews show the interview's language; English reads as it did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from boxinterview.domain import accounts, answers, decisions, interview_io, interviews, invitations, wording
from boxinterview.domain.models import InterviewStatus, Outcome, Role
from boxinterview.mail import compose, schedule
from boxinterview.mail.letters import Letterhead
from boxinterview.mail.values import Words
from boxinterview.store import outbox
from tests.mail.test_mail import deliver, smtp  # noqa: F401 - the real SMTP server fixture
from tests.support.flows import record_take
from tests.support.live import UPLOAD_INTERVIEW, prepare

DEADLINE = datetime(2036, 12, 12, 16, 0, tzinfo=UTC)  # a Friday: 17:00 in Berlin (winter time)
IN_BERLIN = "Freitag, 12. Dezember 2036, 17:00 MEZ"
ORGANISATION = "Müller & Söhne GmbH"


def spoken(language: str, zone: str, extra: str = "") -> str:
    return UPLOAD_INTERVIEW + f"language: {language}\ntime_zone: {zone}\n" + extra


@pytest.fixture
def env(tmp_path, smtp):  # noqa: F811
    path, settings, db, _ = prepare(
        tmp_path,
        smtp={"host": "127.0.0.1", "port": smtp.port, "from": "jobs@example.com"},
        organisation={"name": ORGANISATION},
    )
    yield path, settings, db
    db.close()


def opened(db, doc: str) -> int:
    interview_id = interviews.create(db, interview_io.from_yaml(doc), "t")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "t")
    return interview_id


def plain(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def test_a_german_interview_writes_to_its_candidates_in_german_with_berlin_time(env, smtp) -> None:  # noqa: F811
    _, settings, db = env
    head = Letterhead.from_settings(settings)
    interview_id = opened(db, spoken("de", "Europe/Berlin", "deadline: 2036-12-19T17:00:00+01:00\n"))
    t0 = DEADLINE - timedelta(hours=100)
    inv, _ = invitations.invite(
        db, interview_id, "Jörg Müller", "joerg@example.com", "t", deadline=DEADLINE, now=t0, letterhead=head
    )
    schedule.queue_due(db, settings, DEADLINE - timedelta(hours=23))  # the reminder a day before
    invitations.extend_deadline(db, inv.id, DEADLINE + timedelta(days=7), "t", now=t0, letterhead=head)
    assert deliver(settings, db, DEADLINE) == 3
    invitation, reminder, extension = smtp.messages
    for message in (invitation, reminder, extension):
        assert message["Content-Language"] == "de"
        assert message["To"].addresses[0].display_name == "Jörg Müller"
        assert message["From"].addresses[0].display_name == ORGANISATION
        assert plain(message).startswith("Guten Tag Jörg Müller,\n\n")
        assert "Dear" not in plain(message) and "interview for" not in plain(message)

    assert invitation["Subject"] == f"Ihr Interview für Tester bei {ORGANISATION}"
    text = plain(invitation)
    assert (
        f"{ORGANISATION} lädt Sie zu einem zeitversetzten Video-Interview für die Stelle Tester ein. Sie "
        f"beantworten 3 Fragen in Ihrem Browser, wann es Ihnen passt, bis {IN_BERLIN}." in text
    )
    assert "- 3 Fragen (1 per Video, 1 als Tonaufnahme, 1 schriftlich), insgesamt etwa" in text
    assert "Hier geht es los (dieser Link gilt nur für Sie, bitte geben Sie ihn nicht weiter):\nhttp" in text
    assert f"bis <strong>{IN_BERLIN}</strong>." in html(invitation)
    assert ">Interview beginnen</a> (dieser Link gilt nur für Sie" in html(invitation)

    assert reminder["Subject"] == f"Erinnerung: Ihr Interview für Tester endet am {IN_BERLIN}"
    assert f"bei {ORGANISATION} in etwa 23 Stunden endet: am {IN_BERLIN}." in plain(reminder)

    assert extension["Subject"] == "Mehr Zeit für Ihr Interview für Tester"
    later = "Freitag, 19. Dezember 2036, 17:00 MEZ"
    assert (
        f"die Frist für Ihr Interview für die Stelle Tester bei {ORGANISATION} läuft jetzt bis {later}."
        in (plain(extension))
    )


def test_a_german_candidate_is_thanked_and_told_the_outcome_in_german(env, smtp) -> None:  # noqa: F811
    _, settings, db = env
    head = Letterhead.from_settings(settings)
    interview_id = opened(db, spoken("de", "Europe/Berlin", "deadline: 2036-12-19T17:00:00+01:00\n"))
    questions = interviews.get(db, interview_id).questions
    inv, token = invitations.invite(db, interview_id, "Zoë Ångström-Øster", "zoe@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    for question in questions[:2]:
        record_take(db, settings, token, question.id, 1, b"take")
        answers.submit_take(db, inv.id, question.id, 1)
    answers.submit_text(db, inv.id, questions[2].id, "Erst zuhören, dann handeln.")
    answers.complete(db, inv.id, letterhead=head)
    account, _ = accounts.create(db, "lee@example.com", Role.REVIEWER, "t", name="Lee")
    accounts.assign(db, "lee@example.com", interview_id, "t")
    decisions.decide(
        db, account, inv.id, Outcome.ADVANCE, "Ihre Antwort zu Eskalationen hat uns überzeugt.", head
    )
    assert deliver(settings, db) == 2
    thanks, outcome = smtp.messages
    assert thanks["Subject"] == "Vielen Dank: Ihr Interview für Tester ist abgeschlossen"
    assert thanks["Content-Language"] == "de" and outcome["Content-Language"] == "de"
    assert thanks["To"].addresses[0].display_name == "Zoë Ångström-Øster"
    assert outcome["To"].addresses[0].display_name == "Zoë Ångström-Øster"
    text = plain(thanks)
    assert "Alle 3 Antworten sind bei uns eingegangen." in text
    assert "Sie hören bis zum 19. Dezember 2036 per E-Mail von uns" in text
    assert outcome["Subject"] == "Die nächsten Schritte Ihrer Bewerbung: Tester"
    assert plain(outcome) == (
        "Guten Tag Zoë Ångström-Øster,\n\n"
        "vielen Dank, dass Sie das Interview für die Stelle Tester abgeschlossen haben. Wir möchten Sie gern zum "
        "nächsten Schritt einladen und melden uns in Kürze bei Ihnen, um einen Termin zu vereinbaren.\n\n"
        "Ihre Antwort zu Eskalationen hat uns überzeugt.\n\n"
        f"Mit freundlichen Grüßen\n{ORGANISATION}\n"
    )


def test_german_summer_time_and_other_zones_are_written_as_the_candidate_reads_them() -> None:
    summer = datetime(2036, 7, 11, 15, 0, tzinfo=UTC)
    assert Words("de", "Europe/Berlin").when(summer) == "Freitag, 11. Juli 2036, 17:00 MESZ"
    assert Words("fr", "America/New_York").when(DEADLINE).startswith("vendredi 12 décembre 2036, 11:00 ")
    assert Words("de", "Europe/Berlin").day(datetime(2036, 12, 31, 23, 30, tzinfo=UTC)) == "1. Januar 2037"
    assert Words("de").kinds({"video": 2, "choice": 1}) == "2 per Video, 1 mit Antwortauswahl"
    assert Words("en").kinds({"video": 3, "text": 1}) == "3 video, 1 text"


@pytest.mark.parametrize(
    ("language", "zone", "subject", "sentence"),
    [
        (
            "fr",
            "Europe/Paris",
            f"Votre entretien pour le poste de Tester chez {ORGANISATION}",
            "Vous répondez à 3 questions dans votre navigateur, quand cela vous convient, avant le "
            "vendredi 12 décembre 2036, 17:00 (Paris).",
        ),
        (
            "nl",
            "Europe/Amsterdam",
            f"Uw interview voor Tester bij {ORGANISATION}",
            "U beantwoordt 3 vragen in uw browser, wanneer het u uitkomt, vóór vrijdag 12 december 2036, 17:00 CET.",
        ),
        (
            "es",
            "Europe/Madrid",
            f"Su entrevista para Tester en {ORGANISATION}",
            "Responderá a 3 preguntas desde su navegador, cuando le venga bien, antes del viernes, 12 de "
            "diciembre de 2036, 17:00 CET.",
        ),
    ],
)
def test_french_dutch_and_spanish_invitations_read_as_written_for_them(
    env, language, zone, subject, sentence
) -> None:
    _, settings, db = env
    interview_id = opened(db, spoken(language, zone))
    inv, _ = invitations.invite(
        db,
        interview_id,
        "Anouk de Vries",
        "anouk@example.com",
        "t",
        deadline=DEADLINE,
        now=DEADLINE - timedelta(days=5),
        letterhead=Letterhead.from_settings(settings),
    )
    [queued] = db.read(outbox.for_invitation, inv.id)
    assert queued["subject"] == subject and queued["language"] == language
    assert sentence in queued["body"] and "Anouk de Vries" in queued["body"]
    assert queued["recipient_name"] == "Anouk de Vries"


def test_an_english_interview_reads_as_before_with_its_dates_written_in_english(env) -> None:
    _, settings, db = env
    interview_id = opened(db, spoken("en", "America/New_York"))
    inv, _ = invitations.invite(
        db,
        interview_id,
        "Ann Example",
        "ann@example.com",
        "t",
        deadline=DEADLINE,
        now=DEADLINE - timedelta(days=5),
        letterhead=Letterhead.from_settings(settings),
    )
    [queued] = db.read(outbox.for_invitation, inv.id)
    assert queued["subject"] == f"Your interview for Tester at {ORGANISATION}" and queued["language"] == "en"
    assert queued["body"].startswith(
        f"Dear Ann Example,\n\n{ORGANISATION} invites you to a one-way interview for the Tester role. You answer 3 "
        "questions in your browser, when it suits you, before Friday, December 12, 2036, 11:00\u202fAM EST.\n\n"
        "What to expect:\n- 3 questions (1 video, 1 audio, 1 text), about "
    )
    assert "Start here (this link is personal, please do not share it):\nhttp" in queued["body"]


def test_an_interviews_own_wording_stays_as_written_with_its_values_in_its_language(env) -> None:
    _, settings, db = env
    own = (
        "messages:\n  invitation:\n    subject: 'Hallo {{ name }}'\n"
        "    text: 'Bitte bis {{ deadline }} antworten ({{ kinds }}): {{ link }}'\n"
    )
    interview_id = opened(db, spoken("de", "Europe/Berlin", own))
    inv, _ = invitations.invite(
        db,
        interview_id,
        "Jörg Müller",
        "joerg@example.com",
        "t",
        deadline=DEADLINE,
        now=DEADLINE - timedelta(days=5),
        letterhead=Letterhead.from_settings(settings),
    )
    [queued] = db.read(outbox.for_invitation, inv.id)
    assert queued["subject"] == "Hallo Jörg Müller" and queued["language"] == "de"
    assert queued["body"].startswith(
        f"Bitte bis {IN_BERLIN} antworten (1 per Video, 1 als Tonaufnahme, 1 schriftlich): http"
    )


def test_previews_show_every_message_in_the_interviews_language(env, cli) -> None:
    path, _, db = env
    interview = interviews.get(db, opened(db, spoken("de", "Europe/Berlin")))
    shown = wording.previews(interview, ORGANISATION)
    assert len(shown) == len(compose.OWN_WORDING)
    for p in shown:
        assert p.letter.language == "de", p.kind
        assert p.letter.text.startswith("Guten Tag Alex Example,"), p.kind
    by_kind = {p.kind: p.letter for p in shown}
    assert "bis Freitag, 11. Dezember 2026, 18:00 MEZ." in by_kind["invitation"].text  # the sample deadline
    assert "3 per Video, 1 schriftlich" not in by_kind["invitation"].text  # this interview's own kinds
    assert "(1 per Video, 1 als Tonaufnahme, 1 schriftlich)" in by_kind["invitation"].text
    assert "in etwa 24 Stunden endet" in by_kind["reminder"].text
    assert "Sie hören bis zum 18. Dezember 2026 per E-Mail von uns" in by_kind["confirmation"].text
    assert "Ihre Antwort zum Umgang mit Eskalationen" in by_kind["outcome.advance"].text
    out = cli("--config", str(path), "interview", "messages", str(interview.id), "--kind", "nudge").out
    assert "Subject: Ihr Interview für Tester wartet auf Sie" in out
    assert "Sie können bis Freitag, 11. Dezember 2026, 18:00 MEZ dort weitermachen" in out


@pytest.mark.parametrize("kind", sorted(compose.OWN_WORDING))
def test_every_sentence_of_a_candidates_message_is_translatable(kind) -> None:
    """In the pseudo-locale every translatable string is decorated: a line that is not is a string left out."""
    letter = compose.preview(kind, None, "qps")
    values = {"Example Ltd", "https://interviews.example.com/i/sample-personal-link", ""}
    assert "⟦" in letter.subject
    for line in letter.text.splitlines():
        assert "⟦" in line or line in values, line
    for paragraph in letter.html.replace("<li>", "<p>").split("<p>")[1:]:
        assert "⟦" in paragraph or paragraph.startswith("Example Ltd</p>"), paragraph
