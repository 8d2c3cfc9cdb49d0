"""Signing in against a real server, as an attacker would try it: where the browser is sent afterwards, a form
posted from another site or from no site at all, guesses sent in parallel, sessions that outlive a new password,
input that is not what a browser sends, and the headers every page carries."""

from __future__ import annotations

import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from boxinterview.domain import accounts, invitations
from boxinterview.domain.models import Role
from boxinterview.ops import proxy
from tests.conftest import run_cli
from tests.support.live import live_server
from tests.support.signin import form_token, sign_in

LIMIT, PER_ADDRESS = 5, 8


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("sign-in")
    limits = {"login_max_failures": LIMIT, "login_max_failures_per_address": PER_ADDRESS}
    with live_server(root, reviews=limits) as server:
        yield server


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
def test_after_sign_in_only_a_local_path_is_followed(live, target: str) -> None:
    email = f"next{HOSTILE_NEXT.index(target)}@example.com"
    password = account(live, email)
    s = requests.Session()
    r = sign_in(s, live.base, email, password, next=target, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/review", (target, r.headers.get("Location"))
    if len(target) < 4000:  # longer does not fit in a request line
        page = requests.get(f"{live.base}/login", params={"next": target})
        assert page.status_code == 200 and 'name="next" value="/review"' in page.text


def test_a_reviewer_comes_back_to_the_page_they_asked_for(live) -> None:
    password = account(live, "back@example.com", Role.ADMIN)
    s = requests.Session()
    asked = f"/review/interviews/{live.interview.id}/results?sort=score&x=//kept"
    sent = s.get(live.base + asked, allow_redirects=False)
    location = urlsplit(sent.headers["Location"])
    assert sent.status_code == 303 and location.path == "/login"
    [target] = parse_qs(location.query)["next"]
    assert target == asked
    r = sign_in(s, live.base, "back@example.com", password, next=target, allow_redirects=False)
    assert r.headers["Location"] == asked


def test_the_sign_in_form_is_bound_to_its_own_cookie(live) -> None:
    password = account(live, "bound@example.com")
    mine, theirs = requests.Session(), requests.Session()
    token = form_token(mine, live.base)
    cookie = next(c for c in mine.cookies if c.name == "boxinterview_signin")
    assert cookie.path == "/login" and cookie.has_nonstandard_attr("HttpOnly")
    form_token(theirs, live.base)
    data = {"email": "bound@example.com", "password": password}
    for who, sent in ((requests.Session(), token), (theirs, token), (mine, ""), (mine, "forged")):
        r = who.post(f"{live.base}/login", data={**data, "csrf": sent}, allow_redirects=False)
        assert r.status_code == 401 and "form had expired" in r.text, sent
        assert "boxinterview_session" not in r.cookies
    assert who.get(f"{live.base}/review", allow_redirects=False).status_code == 303
    r = mine.post(f"{live.base}/login", data={**data, "csrf": token}, allow_redirects=False)
    assert r.status_code == 303 and "boxinterview_session" in r.cookies


def test_posts_from_another_site_or_from_no_site_are_refused(live) -> None:
    password = account(live, "origin@example.com", Role.ADMIN)
    token = live.candidate(consent=False)
    s = requests.Session()
    data = {"csrf": form_token(s, live.base), "email": "origin@example.com", "password": password}
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
            r = s.request(method, live.base + url, data=body, headers=headers, allow_redirects=False)
            assert r.status_code == 403, (headers, method, url, r.status_code)
    for url, body in (
        ("/login", data),
        ("/api/v1/uploads/", None),
    ):  # no origin, and the browser does not vouch
        assert s.post(live.base + url, data=body, headers={"Origin": "null"}).status_code == 403, url
    assert s.get(f"{live.base}/review", allow_redirects=False).status_code == 303  # nobody signed in

    # A candidate's page says no-referrer, so the browser sends Origin: null for its consent form; it vouches
    # for it with Sec-Fetch-Site, and a browser too old to do so needs the candidate's token in the address.
    consent = f"{live.base}/i/{token}/consent"
    for headers in ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, {"Origin": "null"}):
        r = s.post(consent, data={"consent": "yes"}, headers=headers, allow_redirects=False)
        assert r.status_code == 303 and r.headers["Location"].endswith("/check"), headers

    r = s.post(f"{live.base}/login", data=data, headers={"Origin": live.base}, allow_redirects=False)
    assert r.status_code == 303
    review = s.get(f"{live.base}/review").text
    csrf = review.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    r = s.post(f"{live.base}/logout", data={"csrf": csrf}, headers={"Origin": "null"}, allow_redirects=False)
    assert r.status_code == 403 and s.get(f"{live.base}/review", allow_redirects=False).status_code == 200


def guess_in_parallel(live, emails: list[str], address: str) -> list[int]:
    """One wrong password per e-mail, all sent at once, each from a browser that opened the sign-in page."""
    browsers = [requests.Session() for _ in emails]
    tokens = [form_token(b, live.base) for b in browsers]
    start = threading.Barrier(len(emails))

    def guess(i: int) -> int:
        start.wait()
        r = browsers[i].post(
            f"{live.base}/login",
            headers={"X-Forwarded-For": address},
            data={"csrf": tokens[i], "email": emails[i], "password": "not the password"},
        )
        return r.status_code

    with ThreadPoolExecutor(len(emails)) as pool:
        return list(pool.map(guess, range(len(emails))))


def test_parallel_guesses_check_no_more_passwords_than_the_limit(live) -> None:
    password = account(live, "race@example.com")
    got = guess_in_parallel(live, ["race@example.com"] * 40, "198.51.100.7")
    assert sorted(set(got)) == [401, 429] and got.count(401) == LIMIT, got
    s = requests.Session()
    right = sign_in(s, live.base, "race@example.com", password, headers={"X-Forwarded-For": "198.51.100.9"})
    assert right.status_code == 429  # the account waits, even for the right password
    got = guess_in_parallel(live, [f"nobody{i}@example.com" for i in range(40)], "198.51.100.8")
    assert sorted(set(got)) == [401, 429] and got.count(401) == PER_ADDRESS, got


def test_a_new_password_a_disabled_account_or_a_new_role_ends_every_session(live) -> None:
    password = account(live, "ends@example.com")
    first, second = requests.Session(), requests.Session()
    for s in (first, second):
        assert sign_in(s, live.base, "ends@example.com", password).status_code == 200

    def signed_in(s: requests.Session) -> bool:
        return s.get(f"{live.base}/review", allow_redirects=False).status_code == 200

    assert signed_in(first) and signed_in(second)
    password = accounts.reset_password(live.db, "ends@example.com", "console")  # what the console does
    assert not signed_in(first) and not signed_in(second)
    assert sign_in(first, live.base, "ends@example.com", password).status_code == 200 and signed_in(first)
    accounts.set_active(live.db, "ends@example.com", False, "console")
    assert not signed_in(first)
    accounts.set_active(live.db, "ends@example.com", True, "console")
    assert sign_in(first, live.base, "ends@example.com", password).status_code == 200 and signed_in(first)
    result = run_cli("--config", str(live.config), "user", "role", "ends@example.com", "admin")
    assert result.code == 0 and "is now admin" in result.out
    assert not signed_in(first)
    assert sign_in(first, live.base, "ends@example.com", password).status_code == 200
    assert first.get(f"{live.base}/review/interviews/{live.interview.id}").status_code == 200  # now an admin


def test_the_demo_gives_its_reviewer_a_new_password_and_ends_the_old_sessions(live) -> None:
    demo = json.loads(run_cli("--config", str(live.config), "demo", "--json").out)
    s = requests.Session()
    assert sign_in(s, live.base, demo["reviewer_email"], demo["reviewer_password"]).status_code == 200
    assert run_cli("--config", str(live.config), "demo", "--json").code == 0
    assert s.get(f"{live.base}/review", allow_redirects=False).status_code == 303


def test_input_no_browser_sends_is_refused_without_a_server_error(live) -> None:
    password = account(live, "odd@example.com")
    s = requests.Session()
    token = form_token(s, live.base)
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
        r = s.post(f"{live.base}/login", data=body, headers=headers)
        assert r.status_code == 400, (body, r.status_code)
    huge = {
        "csrf": token,
        "email": "x" * 100_000 + "@example.com",
        "password": "p" * 100_000,
        "next": "/" * 10_000,
    }
    assert s.post(f"{live.base}/login", data=huge).status_code == 401
    assert (
        s.post(f"{live.base}/login", data={"csrf": "é" * 43, "email": "a", "password": "b"}).status_code
        == 401
    )
    r = sign_in(s, live.base, "odd@example.com", password, next="/review/%ff%fe", allow_redirects=False)
    assert r.status_code == 303
    csrf = s.get(f"{live.base}/review").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    assert s.post(f"{live.base}/logout", data=b"csrf=\xff", headers=form).status_code == 400
    assert s.post(f"{live.base}/logout", data={"csrf": "é"}).status_code == 403
    assert s.post(f"{live.base}/logout", headers={"X-CSRF-Token": csrf + "\u00e9"}).status_code in (400, 403)
    inv, candidate = invitations.invite(live.db, live.interview.id, "Odd", "odd-candidate@example.com", "t")
    assert s.post(f"{live.base}/i/{candidate}/consent", data=b"consent=\xff", headers=form).status_code == 400
    assert s.get(f"{live.base}/login", params={"next": "/%ff\u00e9"}).status_code == 200


def test_every_page_carries_the_apps_own_headers_and_no_banner(live) -> None:
    token = live.candidate()
    for path, status in (
        ("/login", 200),
        (f"/i/{token}", 200),
        (f"/i/{token}/nope", 404),
        ("/review", 303),
        ("/no/such/page", 404),
        ("/i/" + "A" * 43, 404),
    ):
        r = requests.get(live.base + path, allow_redirects=False)
        assert r.status_code == status, path
        assert r.headers["Content-Security-Policy"] == proxy.CSP, path
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Server"] == "boxinterview", path
        if path.startswith("/i/"):  # the address is the candidate's credential
            assert r.headers["Referrer-Policy"] == "no-referrer", path
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as raw:
        raw.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        answer = raw.recv(4096).decode("latin-1")
    assert (
        answer.startswith(("HTTP/1.0 400", "HTTP/1.1 400"))
        and "aiohttp" not in answer
        and "Python" not in answer
    )
