"""Bad input on every route answers 4xx with a message, never 5xx: numbers too big for SQLite, digits that are not
ASCII, JSON's non-numbers, bodies of the wrong kind or encoding, ids of the wrong thing (a real server, every
route of its router, as each kind of caller)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from boxinterview.domain import interview_io, interviews, runners
from boxinterview.domain.interview_media import MEDIA_JOB
from boxinterview.pipeline import remote
from tests.media.test_team_media_jobs import added
from tests.support.live import UPLOAD_INTERVIEW, live_server
from tests.support.signin import sign_in
from tests.support.world import build_world
from tests.web.test_authorisation import BAD_TOKEN, routes

NUMBERS = [
    "9223372036854775808",
    "99999999999999999999999999",
    "-1",
    "0",
    "²",
    "١٢",
    "1e3",
    "0x10",
    "1.5",
    "NaN",
    "Infinity",
    " 7",
    "7 ",
    "+7",
    "",
    "%00",
    "%ff",
    "a" * 300,
    "..",
    "%2e%2e",
    "ﬁ",
    "𝟕",
]
TEXT = ["", "x" * 20_000, "\x00", "Zoë Ångström-Øster", "محمد", "李雷", "=1+1", "[/]", "\u202e", "%ff"]
READERS = 4  # GET requests of one route in flight at once
QUERY_KEYS = ["page", "question", "c", "days", "period", "sort", "stage", "table", "v", "interview", "next"]
FORM_KEYS = [
    "accommodation",
    "action",
    "at_ms",
    "body",
    "comment",
    "consent",
    "csrf",
    "days",
    "email",
    "feedback",
    "invitation",
    "label",
    "next",
    "notes",
    "outcome",
    "password",
    "question",
    "rating",
    "score-1",
    "score-99999999999999999999",
    "score-²",
    "take",
]
JSON_BODIES = [
    b'{"take": Infinity}',
    b'{"take": -Infinity}',
    b'{"take": NaN}',
    b'{"take": 1e300}',
    b'{"take": 99999999999999999999999}',
    b'{"take": -1}',
    b'{"take": "1"}',
    b'{"take": true}',
    b'{"choice": 1e300}',
    b'{"choice": [1]}',
    b'{"text": null}',
    b'{"text": {"a": 1}}',
    b'{"rating": 1e999}',
    b'{"rating": "\xc2\xb2"}',
    b'{"upload_kbps": 1e300, "camera": "yes"}',
    b"[]",
    b'"x"',
    b"null",
    b"1",
    b"{",
    b"\xff\xfe{}",
    b'{"take": 1, "take": 2}',
    b"[" * 5000 + b"]" * 5000,
]
BODIES = [  # (content type, body) of the wrong kind, for forms and uploads
    ("application/x-www-form-urlencoded", b"email=\xff\xfe&password=\xc3"),
    ("application/x-www-form-urlencoded", b"%ff%fe=%c3%28"),
    ("multipart/form-data", b"no boundary here"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\nbroken"),
    ("text/plain", b"just text"),
    ("application/json", b'{"file": 1}'),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The authorisation tests' world on a real server, whose log shows any traceback a request caused."""
    root = tmp_path_factory.mktemp("fuzz")
    with live_server(root) as live:
        world, credentials = asyncio.run(build_world(live, root / "clips"))
        world.update(runner_world(live))
        sessions = {}
        for name, (email, password) in credentials.items():
            s = requests.Session()
            assert sign_in(s, live.base, email, password).status_code == 200
            sessions[name] = s
        yield {**world, "sessions": sessions}


def status(session: requests.Session, method: str, url: str, **kwargs) -> int:
    return session.request(method, url, allow_redirects=False, timeout=15, **kwargs).status_code


def csrf_of(session: requests.Session, base: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', session.get(base + "/review").text)
    return found.group(1) if found else ""


def fill(world: dict, path: str, actor: str, **override: str) -> str:
    token = BAD_TOKEN
    if path.startswith("/s/"):
        token = world["share_token"]
    elif "/candidate/" in path or path.startswith("/i/"):
        token = world["candidate_token"]
    values = {
        "token": token,
        "page": "done",
        "question_id": str(world["question_id"]),
        "take": "1",
        "invitation_id": str(world["invitation_id"]),
        "recording_id": str(world["recording_id"]),
        "kind": "playback",
        "share_id": str(world["share_id"]),
        "interview_id": str(world["interview_id"]),
        "upload_id": "0" * 32,
        "name": "app.css",
        "media_id": str(world["media_id"]),
        "job_id": str(world["job_id"]),
        "what": "video",
        **override,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def runner_world(live) -> dict:
    """A registered runner holding a job (a team video's), so its calls reach past the tokens' checks."""
    registered, runner_token = runners.register(
        live.db, runners.create_registration_token(live.db, "", "test"), "fuzz", "127.0.0.1"
    )
    # A question's video in an interview of its own: the world's has candidates, so its questions are fixed
    other = interviews.get(
        live.db, interviews.create(live.db, interview_io.from_yaml(UPLOAD_INTERVIEW), "test")
    )
    question = other.questions[1].id
    media_id = added(live.settings, live.db, other, b"a video, as far as the runner knows", question)
    [job] = [j for j in remote.available(live.db) if j.subject_id == media_id and j.kind == MEDIA_JOB]
    given = remote.accept(live.db, live.settings, registered, job.id)
    return {"job_id": job.id, "runner_token": runner_token, "job_token": given.token}


def actor_for(path: str) -> str:
    if path.startswith("/api/v1/runners"):
        return "runner"
    if path.startswith(("/review", "/media", "/logout")):
        return "admin"
    if path.startswith("/api/v1/interviews") or path.startswith("/api/v1/invitations"):
        return "api"
    return "candidate"


def session_for(world: dict, actor: str) -> requests.Session:
    session = world["sessions"].get(actor) or requests.Session()
    if actor == "api":
        session.headers["Authorization"] = f"Bearer {world['api_token']}"
    if actor == "runner":
        session.headers["Authorization"] = f"Bearer {world['runner_token']}"
        session.headers["X-Job-Token"] = world["job_token"]
    return session


def log_size(world: dict) -> int:
    return (world["live"].root / "server.log").stat().st_size


def logged_since(world: dict, since: int) -> str:
    with (world["live"].root / "server.log").open("rb") as f:
        f.seek(since)
        return f.read().decode("utf-8", "replace")


def new_failures(world: dict, since: int) -> str:
    """Tracebacks the server logged since `since`."""
    records = re.split(r"\n(?=\d{4}-\d\d-\d\d )", logged_since(world, since))
    return "\n".join(r for r in records if "Traceback" in r)


def test_requests_the_server_cannot_read_are_logged_in_one_line(world) -> None:
    base, since = world["live"].base, log_size(world)
    bad_gzip = requests.post(
        base + "/login",
        data=b"email=a&password=b",
        headers={"Content-Encoding": "gzip", "Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert bad_gzip.status_code == 415 and "send the body as it is" in bad_gzip.text
    assert requests.get(base + "/i/" + "x" * 9000, timeout=10).status_code == 400
    assert requests.get(base + "/healthz", headers={"X-Long": "y" * 9000}, timeout=10).status_code == 400
    deadline = time.monotonic() + 5
    while logged_since(world, since).count("refused a request it could not read") < 3:
        assert time.monotonic() < deadline, logged_since(world, since)
        time.sleep(0.05)
    logged = logged_since(world, since)
    assert "WARNING aiohttp.server: refused a request it could not read (ContentEncodingError" in logged
    assert logged.count("(LineTooLong: ") == 2 and "ERROR" not in logged
    assert new_failures(world, since) == ""


@pytest.mark.parametrize(("method", "path"), sorted(routes()))
def test_no_request_on_any_route_fails_on_the_servers_side(world, method: str, path: str) -> None:
    base = world["live"].base
    actor = actor_for(path)
    session = session_for(world, actor)
    token = csrf_of(world["sessions"]["admin"], base) if actor == "admin" else ""
    before = log_size(world)
    calls: list[tuple[str, str, dict]] = []

    def check(label: str, url: str, **kwargs) -> None:
        calls.append((label, url, kwargs))

    # every path parameter, one at a time, with every bad number or text
    for name in re.findall(r"\{(\w+)\}", path):
        for value in NUMBERS + TEXT[:2] + TEXT[3:]:
            check(f"{name}={value[:20]!r}", base + fill(world, path, actor, **{name: value}))
    url = base + fill(world, path, actor)
    # every query parameter the pages read
    for key, value in itertools.product(QUERY_KEYS, NUMBERS + TEXT):
        if method == "GET":
            check(f"?{key}={value[:20]!r}", url, params={key: value})
    if method in ("POST", "PATCH", "DELETE"):
        # forms with every field at once set to each bad value, with a valid CSRF token where one is needed
        for value in NUMBERS + TEXT:
            check(f"form {value[:20]!r}", url, data={k: (token if k == "csrf" else value) for k in FORM_KEYS})
        for body in JSON_BODIES:
            check(f"json {body[:30]!r}", url, data=body, headers={"Content-Type": "application/json"})
        for kind, body in BODIES:
            check(
                f"{kind} body",
                url,
                data=body + (f"&csrf={token}".encode() if "urlencoded" in kind else b""),
                headers={"Content-Type": kind},
            )
    if path.startswith("/api/v1/uploads"):
        for header, value in itertools.product(
            ["Upload-Length", "Upload-Offset", "Upload-Metadata", "Upload-Checksum", "Upload-Defer-Length"],
            NUMBERS + ["token " + base64.b64encode("²".encode()).decode(), "question", "take \xff"],
        ):
            check(
                f"{header}: {value[:20]!r}",
                url,
                headers={"Tus-Resumable": "1.0.0", header: value.strip().encode() or b"x"},
            )

    def send(call: tuple[str, str, dict]) -> tuple[str, str, int]:
        label, url, kwargs = call
        return label, url[len(base) :][:120], status(session, method, url, **kwargs)

    # Reads go several at a time (the server answers each on its own); whatever may change something, one by one.
    if method == "GET":
        with ThreadPoolExecutor(READERS) as pool:
            answered = list(pool.map(send, calls))
    else:
        answered = [send(call) for call in calls]
    wrong = [(label, url, got) for label, url, got in answered if got >= 500]
    assert wrong == [], wrong[:20]
    assert new_failures(world, before) == ""


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("9999-12-31T23:00-05:00", "too far in the future"),
        ("9999-12-31T23:00+00:00", "more than a hundred years away"),
        ("2131-01-01T00:00+00:00", "more than a hundred years away"),
        ("2020-01-01T00:00+00:00", "already passed"),
        ("tomorrow", "not a date this reads"),
        ("03/04/2027", "could be 3 April or 4 March"),
    ],
)
def test_a_deadline_that_cannot_be_counted_from_is_refused_everywhere(
    tmp_path, cli, value: str, why: str
) -> None:
    from boxinterview.domain import invitations
    from boxinterview.errors import Invalid
    from tests.support.flows import record_take
    from tests.support.live import prepare

    path, settings, db, interview = prepare(tmp_path)
    result = cli(
        "--config", str(path), "invite", str(interview.id), "Ann", "ann@example.com", "--deadline", value
    )
    assert result.code != 0 and why in result.err
    if value[0].isdigit() and "+" in value:
        when = invitations.parse_deadline(value) if "too far" not in why else None
        if when is not None:
            with pytest.raises(Invalid, match=why):
                invitations.invite(db, interview.id, "Bo", "bo@example.com", "t", deadline=when)
    # a deadline stored before they were bounded does not stop uploads from working
    inv, token = invitations.invite(db, interview.id, "Cy", f"cy{len(value)}@example.com", "t")
    invitations.record_consent(db, inv.id, "1")
    db.write(
        lambda con: con.execute(
            "UPDATE invitations SET deadline = '9999-12-31T23:59:59.000000+00:00' WHERE id = ?", (inv.id,)
        )
    )
    assert record_take(db, settings, token, interview.questions[0].id, 1, b"x") > 0
    db.close()


@pytest.mark.parametrize("digits", ["²", "١٢", "𝟕", "99999999999999999999"])
def test_numbers_are_ascii_digits_within_bounds(digits: str) -> None:
    from boxinterview.domain import numbers
    from boxinterview.errors import Invalid

    with pytest.raises(Invalid, match="must be a whole number"):
        numbers.whole(digits, "page", low=1, high=1000)
    assert numbers.whole("12", "page", low=1, high=1000) == 12


def test_an_id_too_big_for_the_database_is_refused_by_the_cli(tmp_path, cli) -> None:
    from tests.support.live import prepare

    path, _, db, _ = prepare(tmp_path)
    db.close()
    for args in (
        ["invite", "99999999999999999999", "Ann", "ann@example.com"],
        ["interview", "open", "١٢"],
        ["jobs", "--retry", "99999999999999999999"],
        ["purge", "--invitation", "²"],
    ):
        result = cli("--config", str(path), *args)
        assert result.code == 2 and "must be a whole number" in result.err, (args, result.err)
        assert "Traceback" not in result.err


def test_tus_numbers_are_ascii_and_any_length_beyond_the_limit_is_too_large(world) -> None:
    from tests.support.flows import meta_header

    base = world["live"].base
    headers = {"Tus-Resumable": "1.0.0"}
    meta = {"token": world["uploading_token"], "question": "٢", "take": "1"}
    r = requests.post(
        base + "/api/v1/uploads/",
        headers={**headers, "Upload-Metadata": meta_header(meta), "Upload-Length": "10"},
    )
    assert (
        r.status_code == 400
        and "question must be a whole number from 1, written with the digits 0 to 9" in r.text
    )
    meta["question"] = str(world["live"].interview.questions[0].id)
    for take in ("0", "1001"):  # ASCII, but out of range: the message says the range
        r = requests.post(
            base + "/api/v1/uploads/",
            headers={
                **headers,
                "Upload-Metadata": meta_header({**meta, "take": take}),
                "Upload-Length": "10",
            },
        )
        assert r.status_code == 400 and "take must be a whole number from 1 to 1000" in r.text, r.text
    for length in ("18446744073709551616", "9" * 40):
        r = requests.post(
            base + "/api/v1/uploads/",
            headers={**headers, "Upload-Metadata": meta_header(meta), "Upload-Length": length},
        )
        assert r.status_code == 413, (length, r.status_code, r.text)
    missing = requests.post(
        f"{base}/api/v1/candidate/{world['candidate_token']}/answers/99999999999999999999", json={"take": 1}
    )
    assert missing.status_code == 404 and "nothing at this address" in missing.json()["error"]["message"]


def test_feedback_waits_for_the_finish_and_tus_refuses_compressed_bodies_in_plain_text(world) -> None:
    base = world["live"].base
    early = requests.post(f"{base}/api/v1/candidate/{world['uploading_token']}/feedback", json={"rating": 5})
    assert early.status_code == 409 and "finish the interview first" in early.json()["error"]["message"]
    r = requests.patch(
        f"{base}/api/v1/uploads/{'0' * 32}",
        data=b"x",
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
            "Content-Encoding": "gzip",
        },
    )
    assert (
        r.status_code == 415 and r.headers["Content-Type"].startswith("text/plain") and "compressed" in r.text
    )
