"""What the web server itself refuses (a body too large, a method an address does not take, a form posted from
another site) is answered as a page saying what to do, in the candidate's language on their pages, and as the one
JSON error shape on the API; the headers that go with the refusal are kept."""

from __future__ import annotations

from boxinterview.domain import invitations
from tests.web.test_candidate_language import german_candidate, visible


async def test_a_consent_form_too_large_gets_a_page_saying_what_to_do(site) -> None:
    _, token = invitations.invite(site.db, site.interview.id, "Zoë", "zoe@example.com", "t")
    s = await site.browser()
    r = await s.post(f"/i/{token}/consent", data={"consent": "yes", "accommodation": "ü" * 700_000})
    assert r.status == 413 and r.headers["Content-Type"].startswith("text/html")
    page = visible(await r.text())
    assert "What was sent is too large for this page. Shorten what you wrote and send it again." in page
    assert "Maximum request body size" not in page
    assert invitations.by_token(site.db, token).accommodation_request == ""  # nothing kept of it


async def test_a_german_candidate_reads_the_refusal_in_german(make_site) -> None:
    site, _, token = await german_candidate(make_site)
    s = await site.browser()
    r = await s.post(f"/i/{token}/consent", data={"consent": "yes", "accommodation": "x" * 1_100_000})
    assert r.status == 413
    page = visible(await r.text())
    assert "too large" not in page and "zu groß" in page, page


async def test_a_method_an_address_does_not_take_keeps_allow_and_gets_a_page(site) -> None:
    s = await site.browser()
    r = await s.put("/login", data="x")
    assert (
        r.status == 405 and "POST" in r.headers["Allow"] and r.headers["Content-Type"].startswith("text/html")
    )
    assert "This address cannot be used that way." in visible(await r.text())
    api = await s.put("/api/v1/interviews", data="x")
    assert api.status == 405 and "Allow" in api.headers
    assert (await api.json())["error"]["status"] == 405


async def test_a_form_posted_from_another_site_is_refused_with_a_page_and_the_api_with_json(site) -> None:
    _, token = invitations.invite(site.db, site.interview.id, "Bo", "bo@example.com", "t")
    s = await site.browser()
    elsewhere = {"Origin": "https://evil.example"}
    r = await s.post(f"/i/{token}/consent", data={"consent": "yes"}, headers=elsewhere)
    assert r.status == 403 and r.headers["Content-Type"].startswith("text/html")
    assert "open the page on this site and send it from there" in visible(await r.text())
    assert invitations.by_token(site.db, token).consent_at is None
    api = await s.post("/api/v1/interviews", json={}, headers=elsewhere)
    assert api.status == 403 and "another site" in (await api.json())["error"]["message"]


async def test_an_address_with_a_parameter_given_twice_is_refused_saying_which(site) -> None:
    from tests.support.reviewing import reviewer

    s = await reviewer(site, "twice@example.com")
    for path, name in [
        ("/review/insight?period=30&period=90", "period"),
        ("/review/insight.csv?table=interviews&table=questions", "table"),
        (f"/review/interviews/{site.interview.id}?sort=number&sort=name", "sort"),
    ]:
        r = await s.get(path)
        assert r.status == 422, path
        assert f"{name} is given 2 times in the address; give it once" in visible(await r.text())
    assert (await s.get("/review/insight?period=30")).status == 200
