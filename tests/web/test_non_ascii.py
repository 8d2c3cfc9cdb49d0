"""Names as people write them: organisations, interview titles and candidates in Latin with diacritics, Arabic
and Chinese reach every page, the CSV export and the console exactly as written, and safely escaped."""

from __future__ import annotations

import csv
import html
import io

import pytest

from boxinterview.domain import accounts, interview_io, interviews, invitations, reviews
from boxinterview.domain.models import InterviewStatus
from tests.support.reviewing import completed_candidate, reviewer
from tests.support.site import text_of

NAMES = ["Zoë Ångström-Øster", "Jörg Müller", "محمد", "李雷"]
ORGANISATIONS = ["Müller & Söhne GmbH", "株式会社テスト <株>", "شركة الأمل"]
TITLE = "Kundenberater:in (m/w/d) — Zürich"
ROLE = "客服工程师 / مهندس دعم"


def visible(page: str) -> str:
    """The page's text as a reader sees it: entities decoded, white space collapsed."""
    return " ".join(html.unescape(page).split())


@pytest.mark.parametrize("organisation", ORGANISATIONS)
async def test_every_page_shows_names_as_written(make_site, organisation: str) -> None:
    live = await make_site(organisation={"name": organisation})
    ids = {name: completed_candidate(live, name) for name in NAMES}
    other = interviews.create(
        live.db,
        interview_io.from_yaml(
            f"title: '{TITLE}'\nrole: '{ROLE}'\nquestions:\n  - {{prompt: Schreiben Sie, kind: text, answer_seconds: 300}}\n"
        ),
        "t",
    )
    interviews.set_status(live.db, other, InterviewStatus.OPEN, "t")
    _, token = invitations.invite(live.db, other, NAMES[0], "zoe@example.com", "t")

    candidate = await live.browser()
    page = await text_of(candidate, f"/i/{token}")
    assert html.escape(organisation, quote=False) in page  # escaped, never markup
    assert f"<title>{html.escape(ROLE, quote=False)} " in page or html.escape(ROLE, quote=False) in page
    assert organisation in visible(page) and ROLE in visible(page)

    boss = await reviewer(live, "lea@example.com", assign=True)
    queue = visible(await text_of(boss, "/review"))  # before reviewing: the queue lists who waits
    lea = next(a for a in accounts.listing(live.db) if a.email == "lea@example.com")
    for invitation_id in ids.values():
        for q in live.interview.questions:
            if q.competencies:
                scores = {c.id: 3 for c in live.interview.competencies if c.name in q.competencies}
                reviews.save(live.db, lea, invitation_id, q.id, scores, "Gut — 很好", True)
    pipeline = visible(await text_of(boss, f"/review/interviews/{live.interview.id}"))
    for name, invitation_id in ids.items():
        assert name in queue and name in pipeline
        assert name in visible(await text_of(boss, f"/review/{invitation_id}"))

    export = await boss.get(f"/review/interviews/{live.interview.id}/export.csv")
    body = await export.read()
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} == set(NAMES)


async def test_a_title_that_looks_like_markup_is_text_everywhere(make_site) -> None:
    live = await make_site(organisation={"name": '<img src=x onerror="alert(1)"> & Co'})
    invitation_id = completed_candidate(live, '<script>alert("李")</script>')
    boss = await reviewer(live, "lea@example.com", assign=True)
    for path in ("/review", f"/review/{invitation_id}"):
        page = await text_of(boss, path)
        assert '<img src=x onerror="alert(1)">' not in page
        assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;李&#34;)&lt;/script&gt;" in page
