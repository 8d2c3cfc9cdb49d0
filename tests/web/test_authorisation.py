"""Who may call what: every route of the server × every kind of caller, with the status each should get.

A route that is not in RULES fails the test, so no route is added without deciding who may use it."""

from __future__ import annotations

import base64

import pytest
import pytest_asyncio

from boxinterview.config.settings import load_settings
from boxinterview.web.app import init_app
from tests.support import logos
from tests.support.signin import sign_in_with
from tests.support.site import serving
from tests.support.world import build_world

ACTORS = ("anonymous", "candidate", "share", "unassigned", "assigned", "admin", "api")
SESSIONS = ("unassigned", "assigned", "admin")
BAD_TOKEN = "A" * 43

PUBLIC = {a: {200} for a in ACTORS}
CANDIDATE_ONLY = {a: ({200} if a == "candidate" else {404}) for a in ACTORS}
SHARE_ONLY = {a: ({200} if a == "share" else {404}) for a in ACTORS}


def reviewer_page(unassigned: set[int]) -> dict[str, set[int]]:
    return {
        "anonymous": {303},
        "candidate": {303},
        "share": {303},
        "unassigned": unassigned,
        "assigned": {200},
        "admin": {200},
        "api": {303},
    }


REVIEWER_MEDIA = {
    "anonymous": {401},
    "candidate": {401},
    "share": {401},
    "unassigned": {404},
    "assigned": {307},  # sent on to the viewing's own address (web/viewings.py)
    "admin": {307},
    "api": {401},
}
REVIEWER_POST = {
    a: ({403} if a in SESSIONS else {401}) for a in ACTORS
}  # sessions: refused without the CSRF token
CANDIDATE_POST = {a: ({200, 400, 409, 422} if a == "candidate" else {404}) for a in ACTORS}

API_READ_ALL = {a: ({200} if a in (*SESSIONS, "api") else {401}) for a in ACTORS}
API_READ = {**API_READ_ALL, "unassigned": {404}}
API_CHANGE = {a: ({403} if a == "api" else {401}) for a in ACTORS}
NOT_A_RUNNER = {a: {401} for a in ACTORS}

RULES: dict[tuple[str, str], dict[str, set[int]]] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,  # these requests come from this machine; see test_health for the rest
    ("GET", "/static/{name}"): PUBLIC,
    ("GET", "/brand/logo"): PUBLIC,  # the organisation's face, on pages before anyone is known
    ("GET", "/brand/accent.css"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): {a: {401, 429} for a in ACTORS},  # no password: refused (then throttled) for everyone
    ("POST", "/logout"): REVIEWER_POST,
    ("GET", "/i/{token}"): CANDIDATE_ONLY,
    ("POST", "/i/{token}/consent"): {a: ({303} if a == "candidate" else {404}) for a in ACTORS},
    ("GET", "/i/{token}/{page}"): CANDIDATE_ONLY,
    ("GET", "/api/v1/candidate/{token}/state"): CANDIDATE_ONLY,
    ("POST", "/api/v1/candidate/{token}/answers/{question_id}"): CANDIDATE_POST,
    # The world's candidate has finished: no question's time begins any more (403), for them only.
    ("POST", "/api/v1/candidate/{token}/questions/{question_id}/begin"): {
        a: ({403} if a == "candidate" else {404}) for a in ACTORS
    },
    ("POST", "/api/v1/candidate/{token}/answers/{question_id}/file"): CANDIDATE_POST,
    ("GET", "/api/v1/candidate/{token}/takes/{question_id}/{take}"): CANDIDATE_ONLY,
    ("POST", "/api/v1/candidate/{token}/device-check"): CANDIDATE_POST,
    ("POST", "/api/v1/candidate/{token}/speedtest"): CANDIDATE_POST,
    ("POST", "/api/v1/candidate/{token}/finish"): CANDIDATE_POST,
    ("POST", "/api/v1/candidate/{token}/feedback"): CANDIDATE_POST,
    ("GET", "/review"): reviewer_page({200}),
    ("GET", "/review/{invitation_id}"): reviewer_page({404}),
    ("POST", "/review/{invitation_id}/questions/{question_id}"): REVIEWER_POST,
    ("POST", "/review/{invitation_id}/scores"): REVIEWER_POST,
    ("POST", "/review/{invitation_id}/decision"): REVIEWER_POST,
    ("POST", "/review/{invitation_id}/questions/{question_id}/comments"): REVIEWER_POST,
    ("POST", "/review/{invitation_id}/share"): REVIEWER_POST,
    ("POST", "/review/shares/{share_id}/revoke"): REVIEWER_POST,
    ("GET", "/media/recordings/{recording_id}/{kind}"): REVIEWER_MEDIA,
    ("GET", "/review/{invitation_id}/documents/{question_id}"): reviewer_page({404})
    | {"assigned": {404}, "admin": {404}},
    ("GET", "/review/interviews/{interview_id}"): reviewer_page({404}),
    ("GET", "/review/interviews/{interview_id}/results"): reviewer_page({404}),
    ("GET", "/review/interviews/{interview_id}/export.csv"): reviewer_page({404}),
    ("GET", "/review/interviews/{interview_id}/messages"): reviewer_page({404}),
    ("GET", "/review/compare"): reviewer_page({404}),
    ("GET", "/review/interviews/{interview_id}/media"): reviewer_page({404}),
    ("POST", "/review/interviews/{interview_id}/media/welcome"): REVIEWER_POST,
    ("POST", "/review/interviews/{interview_id}/media/questions/{question_id}"): REVIEWER_POST,
    ("POST", "/review/media/{media_id}/captions"): REVIEWER_POST,
    ("POST", "/review/media/{media_id}/captions/remove"): REVIEWER_POST,
    ("POST", "/review/media/{media_id}/remove"): REVIEWER_POST,
    ("GET", "/review/media/{media_id}/{what}"): reviewer_page({404}),
    ("GET", "/i/{token}/media/{media_id}/{what}"): CANDIDATE_ONLY,
    ("GET", "/review/insight"): reviewer_page({200}),
    ("GET", "/review/insight.csv"): reviewer_page({200}),
    ("GET", "/review/interviews/{interview_id}/insight"): reviewer_page({404}),
    ("GET", "/review/interviews/{interview_id}/insight.csv"): reviewer_page({404}),
    ("POST", "/review/interviews/{interview_id}/bulk"): REVIEWER_POST,
    ("GET", "/s/{token}"): SHARE_ONLY,
    ("GET", "/s/{token}/media/{recording_id}/{kind}"): {
        a: ({307} if a == "share" else {404}) for a in ACTORS
    },
    ("GET", "/v/{token}/{name}"): {a: {404} for a in ACTORS},  # a viewing's address, given to nobody here
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/interviews"): API_READ_ALL,
    ("GET", "/api/v1/interviews/{interview_id}"): API_READ,
    ("GET", "/api/v1/interviews/{interview_id}/invitations"): API_READ,
    ("GET", "/api/v1/invitations/{invitation_id}"): API_READ,
    # Changes need a token with their scope; the world's token may only read
    ("POST", "/api/v1/interviews/{interview_id}/invitations"): API_CHANGE,
    ("POST", "/api/v1/invitations/{invitation_id}/resend"): API_CHANGE,
    ("POST", "/api/v1/invitations/{invitation_id}/extend"): API_CHANGE,
    ("POST", "/api/v1/invitations/{invitation_id}/withdraw"): API_CHANGE,
    ("POST", "/api/v1/invitations/{invitation_id}/decision"): API_CHANGE,
    ("GET", "/api/v1/media/{recording_id}/{kind}"): {a: {403} for a in ACTORS},  # only through a signed link
    ("OPTIONS", "/api/v1/uploads/"): {a: {204} for a in ACTORS},
    ("POST", "/api/v1/uploads/"): {a: ({201} if a == "candidate" else {403}) for a in ACTORS},
    ("OPTIONS", "/api/v1/uploads/{upload_id}"): {a: {204} for a in ACTORS},
    ("HEAD", "/api/v1/uploads/{upload_id}"): {a: {404} for a in ACTORS},  # upload URLs are unguessable
    ("PATCH", "/api/v1/uploads/{upload_id}"): {a: {404} for a in ACTORS},
    ("DELETE", "/api/v1/uploads/{upload_id}"): {a: {404} for a in ACTORS},
    ("POST", "/api/v1/uploads/{upload_id}"): {a: {404} for a in ACTORS},  # X-HTTP-Method-Override: PATCH
    # Remote runners only, each with its own token (tests/runners): nobody else gets past the door
    ("POST", "/api/v1/runners/register"): NOT_A_RUNNER,
    ("POST", "/api/v1/runners/jobs/request"): NOT_A_RUNNER,
    ("POST", "/api/v1/runners/jobs/{job_id}/accept"): NOT_A_RUNNER,
    ("POST", "/api/v1/runners/jobs/{job_id}/update"): NOT_A_RUNNER,
    ("GET", "/api/v1/runners/jobs/{job_id}/input"): NOT_A_RUNNER,
    ("POST", "/api/v1/runners/jobs/{job_id}/success"): NOT_A_RUNNER,
    ("POST", "/api/v1/runners/jobs/{job_id}/reject"): NOT_A_RUNNER,
    ("POST", "/api/v1/runners/jobs/{job_id}/error"): NOT_A_RUNNER,
    ("POST", "/api/v1/runners/jobs/{job_id}/abort"): NOT_A_RUNNER,
}


def routes() -> set[tuple[str, str]]:
    """Every (method, path) the server answers; HEAD beside GET is the same rule."""
    app = init_app(load_settings(environ={}))
    found = {(r.method, _path(r)) for r in app.router.routes()}
    return {(m, p) for m, p in found if m != "HEAD" or ("GET", p) not in found}


def _path(route) -> str:
    info = route.resource.get_info()
    return info.get("formatter") or info.get("path") or info.get("prefix")


def test_every_route_has_a_rule() -> None:
    missing = routes() - set(RULES)
    assert missing == set(), f"routes without an authorisation rule: {sorted(missing)}"
    assert set(RULES) - routes() == set(), "rules for routes that no longer exist"


@pytest_asyncio.fixture(scope="module", loop_scope="module")  # one site for every route, built once
async def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("authz")
    brand = {"logo": str(logos.png(root / "logo.png")), "accent": "#8a1c7c"}
    # Every route is asked with a wrong token from this one address: the limit on those is tested on its own.
    async with serving(root, organisation=brand, api={"wrong_tokens_per_minute": 100_000}) as live:
        world, credentials = await build_world(live, root / "clips")
        sessions = {}
        for name, (email, password) in credentials.items():
            s = await live.browser()
            assert (await sign_in_with(s, email, password)).status == 200
            sessions[name] = s
        yield {**world, "sessions": sessions}


def url_for(world: dict, method: str, path: str, actor: str) -> str:
    token = BAD_TOKEN
    if path.startswith("/s/") and actor == "share":
        token = world["share_token"]
    elif not path.startswith("/s/") and actor == "candidate":
        token = world["candidate_token"]
    filled = path.replace("{name}", "app.css").format(
        token=token,
        page="done",
        question_id=world["question_id"],
        take=world["take"],
        invitation_id=world["invitation_id"],
        recording_id=world["recording_id"],
        kind="playback",
        share_id=world["share_id"],
        interview_id=world["interview_id"],
        upload_id="0" * 32,
        media_id=world["media_id"],
        what="video",
        job_id=1,
    )
    if filled == "/review/compare":
        filled += f"?question={world['question_id']}&c={world['invitation_id']}"
    return filled


async def call(world: dict, method: str, path: str, actor: str) -> int:
    session = world["sessions"].get(actor) or await world["live"].browser()
    url = url_for(world, method, path, actor)
    headers = {"Authorization": f"Bearer {world['api_token']}"} if actor == "api" else {}
    data: object = None
    if path.startswith("/api/v1/uploads"):
        headers["Tus-Resumable"] = "1.0.0"
        if method == "POST" and path.endswith("/"):
            token = world["uploading_token"] if actor == "candidate" else BAD_TOKEN
            meta = {"token": token, "question": str(world["live"].interview.questions[0].id), "take": "1"}
            headers["Upload-Metadata"] = ",".join(
                f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items()
            )
            headers["Upload-Length"] = "10"
        if method in ("PATCH", "POST") and not path.endswith("/"):
            headers.update(
                {
                    "Upload-Offset": "0",
                    "Content-Type": "application/offset+octet-stream",
                    "X-HTTP-Method-Override": "PATCH",
                }
            )
            data = b"x"
    elif path.endswith("/consent"):
        data = {"consent": "yes"}
    elif method == "POST" and "/api/v1/candidate/" in path:
        headers["Content-Type"] = "application/json"
        data = "{}"
    return (await session.request(method, url, headers=headers, data=data, allow_redirects=False)).status


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("method", "path"), sorted(RULES))
async def test_each_caller_gets_what_the_rule_says(world, method: str, path: str) -> None:
    got = {actor: await call(world, method, path, actor) for actor in ACTORS}
    wrong = {a: s for a, s in got.items() if s not in RULES[(method, path)][a]}
    assert wrong == {}, f"{method} {path}: {wrong} (expected {RULES[(method, path)]})"
