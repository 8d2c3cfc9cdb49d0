"""A candidate reads every page of their interview in its language, with dates in its time zone; the team's pages
stay in English."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from boxinterview.domain import accounts, interview_io, interviews, invitations
from boxinterview.domain.models import InterviewStatus, QuestionKind, Role
from boxinterview.domain.recordings import FAILED_ON_OUR_SIDE
from boxinterview.media.probe import AudioStream, MediaInfo, VideoStream
from boxinterview.pipeline import processing
from boxinterview.pipeline.playable import DAMAGED, UNREADABLE, Expectation, Rejected, validate
from tests.support.flows import meta_header, record_take
from tests.support.signin import sign_in_with
from tests.support.site import text_of

GERMAN = """\
title: Vertrieb Innendienst
role: Vertriebsmitarbeiterin (m/w/d)
language: de
time_zone: Europe/Berlin
allow_audio_only: true
deadline: "2037-12-11T16:00:00+00:00"
intro: Willkommen zu unserem Video-Interview.
support_contact: bewerbung@mueller-soehne.example
competencies:
  - name: Klarheit
    anchors: {1: Unklar, 3: Klar, 5: Sehr klar}
questions:
  - {prompt: Erzählen Sie uns von sich., kind: text, answer_seconds: 300, max_chars: 1500, competencies: [Klarheit]}
  - prompt: Wie viele Jahre Erfahrung haben Sie?
    kind: choice
    answer_seconds: 60
    competencies: [Klarheit]
    choices: [{label: Weniger als zwei}, {label: Zwei oder mehr}]
"""
DEADLINE = datetime(2037, 12, 11, 16, 0, tzinfo=UTC)  # 17:00 in Berlin


def visible(html: str) -> str:
    """The page's text as a reader sees it: no scripts, no tags, white space collapsed."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    html = re.sub(r"</?(strong|time|a|small|span|label)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def german_candidate(make_site):
    site = await make_site(organisation={"name": "Müller & Söhne GmbH"})
    iv = interviews.create(site.db, interview_io.from_yaml(GERMAN), "t")
    interviews.set_status(site.db, iv, InterviewStatus.OPEN, "t")
    inv, token = invitations.invite(site.db, iv, "Jana", "jana@example.com", "t", deadline=DEADLINE)
    return site, inv, token


async def test_a_german_interview_is_shown_in_german_with_its_deadline_in_berlin_time(make_site) -> None:
    site, inv, token = await german_candidate(make_site)
    browser = await site.browser()

    page = await text_of(browser, f"/i/{token}")
    assert '<html lang="de" dir="ltr">' in page
    text = visible(page)
    assert "Müller & Söhne GmbH lädt Sie zu einem zeitversetzten Video-Interview ein." in text
    assert "Frist: Freitag, 11. Dezember 2037, 17:00 MEZ" in text
    assert "2 Fragen: 1 schriftliche Frage, 1 Multiple-Choice-Frage" in text
    assert (
        "Es wird nichts aufgenommen: Kamera und Mikrofon brauchen Sie nicht." in text
    )  # nothing is recorded
    assert "mit Kamera" not in text and "Eine langsame Verbindung ist kein Problem" not in text
    assert "Ich habe die Datenschutzhinweise gelesen" in text
    assert "Zustimmen und fortfahren" in text
    assert "Erzählen Sie uns von sich." not in text  # prompts are shown only once the interview starts
    assert "What to expect" not in text and "Deadline" not in text
    assert not re.findall(r"\w+[.!?][A-ZÄÖÜ]\w*", text)  # every sentence apart from the next

    refused = await browser.post(f"/i/{token}/consent", data={})
    assert refused.status == 400
    assert "Bitte setzen Sie das Häkchen" in visible(await refused.text())

    await browser.post(f"/i/{token}/consent", data={"consent": "yes"})
    check = await text_of(browser, f"/i/{token}/check")
    assert '<html lang="de"' in check
    assert "Kamera und Mikrofon prüfen" in visible(check)
    assert (
        '"Camera: working \\u2713": "Kamera: funktioniert \\u2713"' in check
    )  # the script's words come along

    interview = await text_of(browser, f"/i/{token}/interview")
    assert '<html lang="de"' in interview
    assert "Frist: Freitag, 11. Dezember 2037, 17:00 MEZ" in visible(interview)
    assert "Aufnahme jetzt starten" in visible(interview)

    iv = interviews.get(site.db, inv.interview_id)
    api = f"/api/v1/candidate/{token}"
    for q, body in zip(iv.questions, [{"text": "Ich bin Jana."}, {"choice": 2}], strict=True):
        assert (await browser.post(f"{api}/answers/{q.id}", json=body)).status == 200
    refused = await browser.post(f"{api}/feedback", json={"rating": 9}, headers={"Accept-Language": "de"})
    assert (await refused.json())["error"][
        "message"
    ] == "Bitte beenden Sie zuerst das Interview; danach können Sie uns sagen, wie es war."
    assert (await browser.post(f"{api}/finish", json={})).status == 200
    done = await text_of(browser, f"/i/{token}/done")
    assert '<html lang="de"' in done
    text = visible(done)
    assert "Vielen Dank!" in text
    assert "nach Ablauf der Frist am Freitag, 11. Dezember 2037, 17:00 MEZ" in text
    assert "Das Recruiting-Team von Müller & Söhne GmbH" in text
    assert not re.findall(r"\w+[.!?][A-ZÄÖÜ]\w*", text)  # every sentence apart from the next


async def test_the_team_reads_errors_in_english_and_the_candidate_in_their_language(make_site) -> None:
    site, inv, token = await german_candidate(make_site)
    browser = await site.browser()
    english = await browser.post(f"/api/v1/candidate/{token}/feedback", json={"rating": 3})
    assert (await english.json())["error"][
        "message"
    ] == "finish the interview first; then you can tell us how it was"
    missing = await browser.get(f"/i/{token}/nothing-here")
    assert missing.status == 404
    page = await missing.text()
    assert '<html lang="de"' in page and "Fehler 404" in visible(page)


async def test_the_team_sees_which_language_and_time_zone_candidates_get(make_site) -> None:
    site, inv, token = await german_candidate(make_site)
    _, password = accounts.create(site.db, "lee@example.com", Role.ADMIN, "t")
    team = await site.browser()
    await sign_in_with(team, "lee@example.com", password)
    page = await text_of(team, f"/review/interviews/{inv.interview_id}")
    assert '<html lang="en"' in page
    assert "Candidates read it in Deutsch (de); their dates and times are given in Europe/Berlin." in visible(
        page
    )


async def test_a_link_that_leads_nowhere_is_explained_in_the_browsers_language(site) -> None:
    browser = await site.browser()
    german = await browser.get("/i/" + "x" * 43, headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert german.status == 404
    page = await german.text()
    assert '<html lang="de"' in page
    assert "Dieser Interview-Link ist ungültig." in visible(page)
    english = await browser.get("/i/" + "x" * 43, headers={"Accept-Language": "it-IT"})
    assert "this interview link is not valid" in visible(await english.text())


async def test_an_upload_refused_is_explained_in_the_pages_language(site) -> None:
    token = site.candidate(consent=False)  # nothing may be recorded before the privacy notice is accepted
    meta = {**site.metadata(token), "filetype": "video/webm"}
    headers = {"Tus-Resumable": "1.0.0", "Upload-Defer-Length": "1", "Upload-Metadata": meta_header(meta)}
    browser = await site.browser()
    german = await browser.post("/api/v1/uploads/", headers={**headers, "Accept-Language": "de"})
    assert german.status == 403
    assert (
        await german.text()
    ).strip() == "Bitte stimmen Sie zuerst den Datenschutzhinweisen zu; vorher wird nichts aufgenommen."
    english = await browser.post("/api/v1/uploads/", headers=headers)
    assert "privacy notice has not been accepted" in await english.text()


FRENCH = """\
title: Support client — Lyon
role: Conseillère clientèle
language: fr
time_zone: Europe/Paris
competencies:
  - name: Clarté
    anchors: {1: Confus, 3: Clair, 5: Très clair}
questions:
  - {prompt: Présentez-vous., kind: video, answer_seconds: 60, takes: 3, competencies: [Clarté]}
"""


def every_reason_processing_gives() -> list[str]:
    """What processing says of each kind of take it cannot use, made by the code that says it."""
    sound = AudioStream("opus", 1, 48000)
    picture = VideoStream("vp8", 640, 480, "yuv420p")
    expected = Expectation(QuestionKind.VIDEO, 60)
    takes = [
        MediaInfo("image2", 1.0, picture, None, 10),
        MediaInfo("avi", 5.0, picture, sound, 10),
        MediaInfo("matroska,webm", 5.0, None, sound, 10),
        MediaInfo("matroska,webm", 5.0, picture, None, 10),
        MediaInfo("matroska,webm", 0.0, picture, sound, 10),
        MediaInfo("matroska,webm", 0.3, picture, sound, 10),
        MediaInfo("matroska,webm", 12.0, picture, sound, 10, header_duration_s=58.0),
        MediaInfo("matroska,webm", 75.4, picture, sound, 10),
    ]
    said = []
    for info in takes:
        with pytest.raises(Rejected) as rejected:
            validate(info, expected)
        said.append(str(rejected.value))
    assert UNREADABLE in said  # a container no browser records into
    return [*said, DAMAGED, FAILED_ON_OUR_SIDE]


async def test_why_a_take_could_not_be_used_is_said_in_the_interview_s_language(make_site) -> None:
    site = await make_site()
    iv = interviews.create(site.db, interview_io.from_yaml(FRENCH), "t")
    interviews.set_status(site.db, iv, InterviewStatus.OPEN, "t")
    question = interviews.get(site.db, iv).questions[0]
    reasons = [*every_reason_processing_gives(), "the runner's own words about a take"]
    browser = await site.browser()
    said = []
    for n, why in enumerate(reasons):  # a candidate each (a question has at most 10 takes)
        inv, token = invitations.invite(site.db, iv, f"Loïc Lefèvre {n}", f"loic{n}@example.com", "t")
        invitations.record_consent(site.db, inv.id, "1")
        processing.reject(site.db, record_take(site.db, site.settings, token, question.id, 1, b"take"), why)
        state = await (await browser.get(f"/api/v1/candidate/{token}/state")).json()
        said.append(state["questions"][0]["takes"][0]["reason"])
    fallback = "Cet enregistrement n’a pas pu être utilisé. Enregistrez à nouveau cette réponse."
    assert len(said) == len(reasons)
    assert all(fallback != s for s in said[:-1]), said  # each kind has its own words
    assert said[-1] == fallback  # words nobody wrote a translation for
    assert len(set(said)) == len(said)
    assert said[5].startswith("L’enregistrement ne dure que 0,3 secondes")  # numbers as French writes them
    assert "seules 12 de ses 58 secondes" in said[6] and "(60\u00a0s)" in said[7]
    assert "équipe de recrutement" in said[-2]
    english = interviews.create(
        site.db, interview_io.from_yaml(FRENCH.replace("language: fr", "language: en")), "t"
    )
    interviews.set_status(site.db, english, InterviewStatus.OPEN, "t")
    inv, token = invitations.invite(site.db, english, "Ann Lee", "ann@example.com", "t")
    invitations.record_consent(site.db, inv.id, "1")
    question = interviews.get(site.db, english).questions[0]
    processing.reject(
        site.db, record_take(site.db, site.settings, token, question.id, 1, b"take"), reasons[5]
    )
    state = await (await browser.get(f"/api/v1/candidate/{token}/state")).json()
    assert state["questions"][0]["takes"][0]["reason"] == reasons[5]  # in English, the core's own words


async def test_a_take_still_arriving_cannot_be_submitted(make_site) -> None:
    """Submitted, a take that never arrives would hold the interview up for good ("still uploading" at Finish,
    with nothing on this device to send it): the candidate is told to let it arrive or record again."""
    site = await make_site()
    said = {
        "en": "take 1 is still arriving: let the device it was recorded on finish sending it, or record the "
        "answer again",
        "fr": "La prise 1 est encore en route vers nous. Laissez l’appareil sur lequel elle a été enregistrée "
        "finir de l’envoyer, ou enregistrez à nouveau la réponse.",
    }
    browser = await site.browser()
    for code, message in said.items():
        spec = FRENCH.replace("language: fr", f"language: {code}")
        iv = interviews.create(site.db, interview_io.from_yaml(spec), "t")
        interviews.set_status(site.db, iv, InterviewStatus.OPEN, "t")
        inv, token = invitations.invite(site.db, iv, "Zoé Brontë", f"zoe-{code}@example.com", "t")
        invitations.record_consent(site.db, inv.id, "1")
        question = interviews.get(site.db, iv).questions[0]
        meta = {"token": token, "question": str(question.id), "take": "1"}
        started = await browser.post(
            "/api/v1/uploads/",
            data=b"x" * 100,
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Length": "1000",
                "Upload-Metadata": meta_header(meta),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert started.status == 201 and started.headers["Upload-Offset"] == "100"
        api = f"/api/v1/candidate/{token}"
        r = await browser.post(
            f"{api}/answers/{question.id}", json={"take": 1}, headers={"Accept-Language": code}
        )
        assert r.status == 409 and (await r.json())["error"]["message"] == message
        state = await (await browser.get(f"{api}/state")).json()
        assert state["questions"][0]["submitted"] is False and state["current"] == 0


async def test_an_interview_heard_not_seen_asks_for_no_camera(make_site) -> None:
    site = await make_site()
    spec = FRENCH.replace("language: fr", "language: en").replace("kind: video", "kind: audio")
    iv = interviews.create(site.db, interview_io.from_yaml(spec), "t")
    interviews.set_status(site.db, iv, InterviewStatus.OPEN, "t")
    _, token = invitations.invite(site.db, iv, "Ada", "ada@example.com", "t")
    text = visible(await text_of(await site.browser(), f"/i/{token}"))
    assert (
        "A phone or computer with a microphone, a recent browser, and a quiet place. No camera is needed."
        in text
    )
    assert "with a camera" not in text
    assert "A slow connection is fine" in text
