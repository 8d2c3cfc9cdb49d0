"""Signing in as an attacker would try it: where the browser is sent afterwards, a form
posted from another site or from no site at all, guesses sent in parallel, sessions that outlive a new password,
input that is not what a browser sends, and the headers every page carries."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from boxinterview.domain import accounts, invitations
from boxinterview.domain.models import Role
from boxinterview.ops import proxy
from tests.conftest import run_cli
from tests.support.signin import form_token_of, sign_in_with

LIMIT, PER_ADDRESS = 5, 8


@pytest.fixture
async def live(make_site):
    return await make_site(
        reviews={"login_max_failures": LIMIT, "login_max_failures_per_address": PER_ADDRESS}
    )


def account(live, email: str, role: Role = Role.REVIEWER) -> str:
    _, password = accounts.create(live.db, email, role, "t")
    return password


HOSTILE_NEXT = [
    "/\t/evil.example",
    "/%09/evil.example",
    "//evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%252F/evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "\\\\evil.example",
    "/%0D%0ALocation:%20https://evil.example",
    "/\r\n/evil.example",
    "/%00/evil.example",
    "/%E2%80%A8/evil.example",
    "https://evil.example/review",
    "javascript:alert(1)",
    "http:/evil.example",
    " /review",
    "review",
    "",
    "/" + "a" * 10_000,
]


@pytest.mark.parametrize("target", HOSTILE_NEXT, ids=range(len(HOSTILE_NEXT)))
async def test_after_sign_in_only_a_local_path_is_followed(live, target: str) -> None:
    email = f"next{HOSTILE_NEXT.index(target)}@example.com"
    password = account(live, email)
    s = await live.browser()
    r = await sign_in_with(s, email, password, next=target, allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/review", (target, r.headers.get("Location"))
    if len(target) < 4000:  # longer does not fit in a request line
        page = await (await live.browser()).get("/login", params={"next": target})
        assert page.status == 200 and 'name="next" value="/review"' in await page.text()


async def test_a_reviewer_comes_back_to_the_page_they_asked_for(live) -> None:
    password = account(live, "back@example.com", Role.ADMIN)
    s = await live.browser()
    asked = f"/review/interviews/{live.interview.id}/results?sort=score&x=//kept"
    sent = await s.get(asked, allow_redirects=False)
    location = urlsplit(sent.headers["Location"])
    assert sent.status == 303 and location.path == "/login"
    [target] = parse_qs(location.query)["next"]
    assert target == asked
    r = await sign_in_with(s, "back@example.com", password, next=target, allow_redirects=False)
    assert r.headers["Location"] == asked


async def test_the_sign_in_form_is_bound_to_its_own_cookie(live) -> None:
    password = account(live, "bound@example.com")
    mine, theirs = await live.browser(), await live.browser()
    token = await form_token_of(mine)
    cookie = next(c for c in mine.session.cookie_jar if c.key == "boxinterview_signin")
    assert cookie["path"] == "/login" and cookie["httponly"]
    await form_token_of(theirs)
    data = {"email": "bound@example.com", "password": password}
    for who, sent in ((await live.browser(), token), (theirs, token), (mine, ""), (mine, "forged")):
        r = await who.post("/login", data={**data, "csrf": sent}, allow_redirects=False)
        assert r.status == 401 and "form had expired" in await r.text(), sent
        assert "boxinterview_session" not in r.cookies
    assert (await who.get("/review", allow_redirects=False)).status == 303
    r = await mine.post("/login", data={**data, "csrf": token}, allow_redirects=False)
    assert r.status == 303 and "boxinterview_session" in r.cookies


async def test_posts_from_another_site_or_from_no_site_are_refused(live) -> None:
    password = account(live, "origin@example.com", Role.ADMIN)
    token = live.candidate(consent=False)
    s = await live.browser()
    data = {"csrf": await form_token_of(s), "email": "origin@example.com", "password": password}
    routes = [
        ("POST", "/login", data),
        ("POST", f"/i/{token}/consent", {"consent": "yes"}),
        ("POST", "/api/v1/uploads/", None),
        ("PATCH", "/api/v1/uploads/x", b""),
    ]
    elsewhere = [
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Origin": f"https://127.0.0.1:{live.port}"},
        {"Origin": "http://127.0.0.1"},
        {"Origin": "http://["},
        {"Origin": "x"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": live.base, "Sec-Fetch-Site": "cross-site"},
    ]
    for headers in elsewhere:
        for method, url, body in routes:
            r = await s.request(method, url, data=body, headers=headers, allow_redirects=False)
            assert r.status == 403, (headers, method, url, r.status)
    for url, body in (
        ("/login", data),
        ("/api/v1/uploads/", None),
    ):  # no origin, and the browser does not vouch
        assert (await s.post(url, data=body, headers={"Origin": "null"})).status == 403, url
    assert (await s.get("/review", allow_redirects=False)).status == 303  # nobody signed in

    # A candidate's page says no-referrer, so the browser sends Origin: null for its consent form; it vouches
    # for it with Sec-Fetch-Site, and a browser too old to do so needs the candidate's token in the address.
    consent = f"/i/{token}/consent"
    for headers in ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, {"Origin": "null"}):
        r = await s.post(consent, data={"consent": "yes"}, headers=headers, allow_redirects=False)
        assert r.status == 303 and r.headers["Location"].endswith("/check"), headers

    r = await s.post("/login", data=data, headers={"Origin": live.base}, allow_redirects=False)
    assert r.status == 303
    review = await (await s.get("/review")).text()
    csrf = review.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    r = await s.post("/logout", data={"csrf": csrf}, headers={"Origin": "null"}, allow_redirects=False)
    assert r.status == 403 and (await s.get("/review", allow_redirects=False)).status == 200


async def guess_in_parallel(live, emails: list[str], address: str) -> list[int]:
    """One wrong password per e-mail, all sent at once, each from a browser that opened the sign-in page."""
    browsers = [await live.browser() for _ in emails]
    tokens = [await form_token_of(b) for b in browsers]

    async def guess(i: int) -> int:
        r = await browsers[i].post(
            "/login",
            headers={"X-Forwarded-For": address},
            data={"csrf": tokens[i], "email": emails[i], "password": "not the password"},
        )
        return r.status

    return list(await asyncio.gather(*(guess(i) for i in range(len(emails)))))


async def test_parallel_guesses_check_no_more_passwords_than_the_limit(live) -> None:
    password = account(live, "race@example.com")
    got = await guess_in_parallel(live, ["race@example.com"] * 40, "198.51.100.7")
    assert sorted(set(got)) == [401, 429] and got.count(401) == LIMIT, got
    s = await live.browser()
    right = await sign_in_with(s, "race@example.com", password, headers={"X-Forwarded-For": "198.51.100.7"})
    assert right.status == 429  # that address waits, even with the right password
    assert (
        "too many failed sign-ins from here; wait 15 minutes" in await right.text()
    )  # a new password is no help
    # the reviewer, from their own address, is not locked out by a stranger's guesses
    right = await sign_in_with(
        s, "Race@Example.com ", password, headers={"X-Forwarded-For": "198.51.100.9"}, allow_redirects=False
    )
    assert right.status == 303, await right.text()
    got = await guess_in_parallel(live, [f"nobody{i}@example.com" for i in range(40)], "198.51.100.8")
    assert sorted(set(got)) == [401, 429] and got.count(401) == PER_ADDRESS, got


async def test_guesses_from_many_addresses_make_the_account_wait_until_it_gets_a_new_password(live) -> None:
    account(live, "spread@example.com")
    for n in range(10):  # ten addresses, each up to its own limit: the account's limit from everywhere
        got = await guess_in_parallel(live, ["spread@example.com"] * LIMIT, f"203.0.113.{n}")
        assert got == [401] * LIMIT, got
    s = await live.browser()
    fresh = {"X-Forwarded-For": "192.0.2.50"}
    stopped = await sign_in_with(s, "spread@example.com", "any password at all", headers=fresh)
    assert stopped.status == 429 and "ask the operator for a new password" in await stopped.text()
    new = accounts.reset_password(live.db, "spread@example.com", "operator")  # as the console and CLI do
    assert (
        await sign_in_with(s, "spread@example.com", new, headers=fresh, allow_redirects=False)
    ).status == 303


async def test_a_new_password_a_disabled_account_or_a_new_role_ends_every_session(live) -> None:
    password = account(live, "ends@example.com")
    first, second = await live.browser(), await live.browser()
    for s in (first, second):
        assert (await sign_in_with(s, "ends@example.com", password)).status == 200

    async def signed_in(s) -> bool:
        return (await s.get("/review", allow_redirects=False)).status == 200

    assert await signed_in(first) and await signed_in(second)
    password = accounts.reset_password(live.db, "ends@example.com", "console")  # what the console does
    assert not await signed_in(first) and not await signed_in(second)
    assert (await sign_in_with(first, "ends@example.com", password)).status == 200 and await signed_in(first)
    accounts.set_active(live.db, "ends@example.com", False, "console")
    assert not await signed_in(first)
    accounts.set_active(live.db, "ends@example.com", True, "console")
    assert (await sign_in_with(first, "ends@example.com", password)).status == 200 and await signed_in(first)
    result = run_cli("--config", str(live.config), "user", "role", "ends@example.com", "admin")
    assert result.code == 0 and "is now admin" in result.out
    assert not await signed_in(first)
    assert (await sign_in_with(first, "ends@example.com", password)).status == 200
    assert (await first.get(f"/review/interviews/{live.interview.id}")).status == 200  # now an admin


async def test_the_demo_gives_its_reviewer_a_new_password_and_ends_the_old_sessions(live) -> None:
    demo = json.loads(run_cli("--config", str(live.config), "demo", "--json").out)
    s = await live.browser()
    assert (await sign_in_with(s, demo["reviewer_email"], demo["reviewer_password"])).status == 200
    assert run_cli("--config", str(live.config), "demo", "--json").code == 0
    assert (await s.get("/review", allow_redirects=False)).status == 303


async def test_input_no_browser_sends_is_refused_without_a_server_error(live) -> None:
    password = account(live, "odd@example.com")
    s = await live.browser()
    token = await form_token_of(s)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    bodies = [
        (b"csrf=" + token.encode() + b"&email=\xff\xfe&password=x", form),
        (b"email=x", {"Content-Type": "application/x-www-form-urlencoded; charset=no-such-charset"}),
        (
            b'--b\r\nContent-Disposition: form-data; name="email"\r\nContent-Type: text/plain; charset=x-nope'
            b"\r\n\r\nodd\r\n--b--\r\n",
            {"Content-Type": "multipart/form-data; boundary=b"},
        ),
        (b"--b\r\nbroken", {"Content-Type": "multipart/form-data; boundary=b"}),
    ]
    for body, headers in bodies:
        r = await s.post("/login", data=body, headers=headers)
        assert r.status == 400, (body, r.status)
    huge = {
        "csrf": token,
        "email": "x" * 100_000 + "@example.com",
        "password": "p" * 100_000,
        "next": "/" * 10_000,
    }
    assert (await s.post("/login", data=huge)).status == 401
    assert (await s.post("/login", data={"csrf": "é" * 43, "email": "a", "password": "b"})).status == 401
    r = await sign_in_with(s, "odd@example.com", password, next="/review/%ff%fe", allow_redirects=False)
    assert r.status == 303
    csrf = (await (await s.get("/review")).text()).split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert (await s.post("/logout", data=b"csrf=\xff", headers=form)).status == 400
    assert (await s.post("/logout", data={"csrf": "é"})).status == 403
    assert (await s.post("/logout", headers={"X-CSRF-Token": csrf + "\u00e9"})).status in (400, 403)
    inv, candidate = invitations.invite(live.db, live.interview.id, "Odd", "odd-candidate@example.com", "t")
    assert (await s.post(f"/i/{candidate}/consent", data=b"consent=\xff", headers=form)).status == 400
    assert (await s.get("/login", params={"next": "/%ff\u00e9"})).status == 200


async def test_every_page_carries_the_apps_own_headers_and_no_banner(live) -> None:
    token = live.candidate()
    s = await live.browser()
    for path, status in (
        ("/login", 200),
        (f"/i/{token}", 200),
        (f"/i/{token}/nope", 404),
        ("/review", 303),
        ("/no/such/page", 404),
        ("/i/" + "A" * 43, 404),
    ):
        r = await s.get(path, allow_redirects=False)
        assert r.status == status, path
        assert r.headers["Content-Security-Policy"] == proxy.csp(live.settings), path
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Server"] == "boxinterview", path
        if path.startswith("/i/"):  # the address is the candidate's credential
            assert r.headers["Referrer-Policy"] == "no-referrer", path
    reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
    writer.write(b"GET /login HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    answer = (await asyncio.wait_for(reader.read(4096), 5)).decode("latin-1")
    writer.close()
    assert (
        answer.startswith(("HTTP/1.0 400", "HTTP/1.1 400"))
        and "aiohttp" not in answer
        and "Python" not in answer
    )
