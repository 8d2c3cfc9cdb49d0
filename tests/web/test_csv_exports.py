"""Every CSV the product writes opens in a spreadsheet as text and numbers: a name that looks like a formula
(`=HYPERLINK(…)`, `+1+1`, `-2+3`, `@SUM(A1)`, a leading tab or carriage return) arrives with a leading quote and
never runs; a number, negative or not, stays a number."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest_asyncio
from aiohttp import ClientResponse

from boxinterview import clock
from boxinterview.domain import (
    accounts,
    answers,
    csv_write,
    decisions,
    interview_io,
    interviews,
    invitations,
    reviews,
)
from boxinterview.domain.models import InterviewStatus, InvitationStatus, Outcome, Role
from boxinterview.mail.letters import Letterhead
from tests.support.signin import sign_in_with
from tests.support.site import serving

LINK = '=HYPERLINK("http://evil.example","x")'
PEOPLE = [LINK, "+1+1", "-2+3", "@SUM(A1)"]
INTERVIEW = """\
title: '=HYPERLINK("http://evil.example","x")'
role: Tester
competencies:
  - name: "\\tClarity"
    anchors: {1: Unclear, 3: Clear, 5: Very clear}
  - name: "@Depth"
    anchors: {1: Shallow, 3: Some, 5: Deep}
questions:
  - {prompt: Say it in writing, kind: text, answer_seconds: 60, competencies: ["\\tClarity", "@Depth"]}
"""
# Reviewer A scores lower than B on every item, so A's leniency is a negative number
SCORES = {"A": [2, 3, 1, 2], "B": [4, 4, 3, 5]}


async def rows_of(response: ClientResponse) -> list[list[str]]:
    body = await response.read()
    assert response.status == 200, body
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf"), "spreadsheets read a CSV without its byte order mark as ANSI"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def neutral(text: str) -> str:
    return "'" + text


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def exports(tmp_path_factory):
    async with serving(tmp_path_factory.mktemp("exports")) as live:
        db, now, head = live.db, clock.now(), Letterhead.from_settings(live.settings)
        iv_id = interviews.create(db, interview_io.from_yaml(INTERVIEW), "test")
        interviews.set_status(db, iv_id, InterviewStatus.OPEN, "test")
        for title in ("\tTabbed title", "\rReturned title"):  # titles as a YAML import can give them
            yaml = INTERVIEW.replace(f"'{LINK}'", json.dumps(title))  # JSON's string is YAML's too
            other = interviews.create(db, interview_io.from_yaml(yaml), "test")
            interviews.set_status(db, other, InterviewStatus.OPEN, "test")
        iv = interviews.get(db, iv_id)
        question = iv.questions[0]
        reviewer = {}
        for key, name in (("A", "-2+3"), ("B", "@Reviewer")):
            reviewer[key], _ = accounts.create(
                db, f"{key.lower()}@example.com", Role.REVIEWER, "t", name=name
            )
            accounts.assign(db, f"{key.lower()}@example.com", iv_id, "t")
        for n, name in enumerate(PEOPLE):
            inv, _ = invitations.invite(db, iv_id, name, f"p{n}@example.com", "t")
            invitations.move(db, inv.id, InvitationStatus.OPENED, "candidate")
            invitations.record_consent(db, inv.id, "1")
            answers.submit_text(db, inv.id, question.id, "words")
            answers.complete(db, inv.id, now)
            for key, who in reviewer.items():
                score = SCORES[key][n]
                scores = {c.id: score for c in iv.competencies}
                reviews.save(db, who, inv.id, question.id, scores, "", True, now + timedelta(hours=1))
            if n == 0:
                decisions.decide(
                    db, reviewer["A"], inv.id, Outcome.ADVANCE, "", head, now + timedelta(hours=2)
                )
        s = await live.browser()
        _, password = accounts.create(db, "boss@example.com", Role.ADMIN, "t")
        assert (await sign_in_with(s, "boss@example.com", password, next="/review")).ok
        base = f"/review/interviews/{iv_id}"
        yield {
            "results": await rows_of(await s.get(f"{base}/export.csv")),
            **{
                t: await rows_of(await s.get(f"{base}/insight.csv?period=all&table={t}"))
                for t in ("funnel", "questions", "competencies", "reviewers")
            },
            "interviews": await rows_of(await s.get("/review/insight.csv?period=all&table=interviews")),
        }


def test_the_results_export_neutralises_names_and_keeps_numbers(exports) -> None:
    header, *rows = exports["results"]
    assert header[3:5] == [neutral("\tClarity mean"), neutral("@Depth mean")]
    by_name = {r[1]: r for r in rows}
    assert set(by_name) == {neutral(p) for p in PEOPLE}
    first = by_name[neutral(LINK)]
    assert first[0] == "3" and first[2] == "3.0" and first[-1] == "advance"  # numbers as they were
    assert all(not r[2].startswith("'") and float(r[2]) > 0 for r in rows)


def test_the_insight_tables_neutralise_names_and_keep_negative_numbers(exports) -> None:
    reviewers = {r[0]: r for r in exports["reviewers"][1:]}
    assert {neutral("-2+3"), neutral("@Reviewer")} <= set(reviewers)
    leniency = float(reviewers[neutral("-2+3")][2])
    assert leniency < 0 and reviewers[neutral("-2+3")][2] == str(round(leniency, 4))  # a number, not text
    assert {r[0] for r in exports["competencies"][1:]} == {neutral("\tClarity"), neutral("@Depth")}
    assert exports["funnel"][1][:2] == ["invited", "4"]
    assert exports["questions"][1][:2] == ["1", "text"]


def test_the_overview_of_interviews_neutralises_titles(exports) -> None:
    titles = {r[1] for r in exports["interviews"][1:]}
    assert {neutral(LINK), neutral("\tTabbed title"), neutral("\rReturned title")} <= titles
    assert "Upload test" in titles  # an ordinary title is left as it is


def test_a_cell_is_neutralised_only_when_it_is_text_that_a_spreadsheet_would_run() -> None:
    assert [csv_write.cell(v) for v in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1",
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert [csv_write.cell(v) for v in (-3, -0.25, 0, 4.5, True, None, "Ann", "a=b", "")] == [
        -3,
        -0.25,
        0,
        4.5,
        True,
        "",
        "Ann",
        "a=b",
        "",
    ]
    assert csv_write.write(["name", "score"], [["-2+3", -1.5]]) == "name,score\r\n'-2+3,-1.5\r\n"
