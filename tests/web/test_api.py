"""The JSON API: tokens, what each caller may read, and an OpenAPI document that matches the routes."""

from __future__ import annotations

import re

from boxinterview.config.settings import load_settings
from boxinterview.domain import accounts, answers, interviews, invitations
from boxinterview.domain.models import Role
from boxinterview.web.app import init_app
from boxinterview.web.openapi import spec
from tests.support.flows import record_take
from tests.support.signin import sign_in_with


def test_openapi_lists_exactly_the_api_routes() -> None:
    app = init_app(load_settings(environ={}))
    served = set()
    for route in app.router.routes():
        info = route.resource.get_info()
        path = info.get("formatter") or info.get("path") or ""
        if path.startswith("/api/v1/") and not (route.method == "HEAD" and ("GET", path) in served):
            served.add((route.method, path))
    served = {(m, p) for m, p in served if m != "HEAD" or ("GET", p) not in served}
    documented = {(method.upper(), path) for path, ops in spec()["paths"].items() for method in ops}
    assert served == documented
    for path, ops in spec()["paths"].items():
        for op in ops.values():
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path


async def test_tokens_read_everything_and_sessions_only_their_interviews(site, cli) -> None:
    live = site
    inv, token = invitations.invite(live.db, live.interview.id, "Ann Api", "ann@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    q = live.interview.questions
    for question in q[:2]:
        record_take(live.db, live.settings, token, question.id, 1, b"take")
        answers.submit_take(live.db, inv.id, question.id, 1)
    answers.submit_text(live.db, inv.id, q[2].id, "Text answer.")
    answers.complete(live.db, inv.id)
    result = cli("--config", str(live.config), "token", "add", "ats")
    assert result.code == 0, result.err
    api_token = result.out.strip().rsplit(" ", 1)[1]
    bearer = {"Authorization": f"Bearer {api_token}"}
    caller = await live.browser()

    async def read(path: str, **options):
        return await (await caller.get(path, **options)).json()

    listed = (await read("/api/v1/interviews", headers=bearer))["interviews"]
    assert [i["id"] for i in listed] == [live.interview.id] and listed[0]["completed"] == 1
    detail = await read(f"/api/v1/interviews/{live.interview.id}", headers=bearer)
    assert [x["kind"] for x in detail["questions"]] == ["video", "audio", "text"]
    people = await read(f"/api/v1/interviews/{live.interview.id}/invitations", headers=bearer)
    assert people["invitations"][0]["candidate"]["name"] == "Ann Api"
    one = await read(f"/api/v1/invitations/{inv.id}", headers=bearer)
    assert one["status"] == "completed" and len(one["answers"]) == 3
    assert one["answers"][0]["recording"]["state"] == "uploaded"
    wrong = await caller.get("/api/v1/interviews", headers={"Authorization": "Bearer bxi_wrong"})
    assert wrong.status == 401
    error = await read("/api/v1/interviews")
    assert error["error"]["status"] == 401 and "Bearer" in error["error"]["message"]
    assert cli("--config", str(live.config), "token", "revoke", "ats").code == 0
    assert (await caller.get("/api/v1/interviews", headers=bearer)).status == 401

    _, password = accounts.create(live.db, "rev@example.com", Role.REVIEWER, "t")
    s = await live.browser()
    await sign_in_with(s, "rev@example.com", password)
    assert (await (await s.get("/api/v1/interviews")).json())["interviews"] == []
    assert (await s.get(f"/api/v1/invitations/{inv.id}")).status == 404
    accounts.assign(live.db, "rev@example.com", live.interview.id, "t")
    assert (await (await s.get(f"/api/v1/invitations/{inv.id}")).json())["reviews"] == []
    other = interviews.duplicate(live.db, live.interview.id, "t")
    listed = (await (await s.get("/api/v1/interviews")).json())["interviews"]
    assert [i["id"] for i in listed] == [live.interview.id]
    assert other != live.interview.id
