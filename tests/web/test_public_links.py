"""Every link the product gives out names its configured public address (server.public_url), whatever Host and
X-Forwarded-* headers a request carries: share links, candidates' links, links in messages."""

from __future__ import annotations

import re

from boxinterview.domain import accounts, answers, invitations
from boxinterview.domain.models import Role
from boxinterview.store import outbox as outbox_sql
from tests.conftest import run_cli
from tests.support.flows import record_take
from tests.support.signin import sign_in_with
from tests.support.site import text_of

PUBLIC = "https://interviews.example.com"
FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Port": "8443",
    "Forwarded": "host=evil.example;proto=http",
}


async def test_links_name_the_public_address_whatever_the_request_says(make_site) -> None:
    live = await make_site(server={"public_url": PUBLIC + "/"})
    token = live.candidate()
    inv = invitations.by_token(live.db, token)
    q = live.interview.questions
    for question in q[:2]:
        record_take(live.db, live.settings, token, question.id, 1, b"take")
        answers.submit_take(live.db, inv.id, question.id, 1)
    answers.submit_text(live.db, inv.id, q[2].id, "Written.")
    answers.complete(live.db, inv.id)
    _, password = accounts.create(live.db, "links@example.com", Role.ADMIN, "t")
    s = await live.browser()
    assert (await sign_in_with(s, "links@example.com", password, headers=FORGED)).status == 200
    page = await text_of(s, f"/review/{inv.id}", headers=FORGED)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    made = await s.post(
        f"/review/{inv.id}/share",
        headers=FORGED,
        data={"csrf": csrf, "question": [str(q[2].id)], "days": "3"},
    )
    assert made.status == 200
    made_text = await made.text()
    [link] = set(re.findall(r"\w+://[^\s\"<]+/s/[\w-]+", made_text))
    assert link.startswith(f"{PUBLIC}/s/") and "evil.example" not in made_text
    assert (await (await live.browser()).get(link.removeprefix(PUBLIC))).status == 200  # and it opens

    for path in ("/review", "/api/v1/openapi.json", "/login"):  # relative redirects, no address given out
        r = await (await live.browser()).get(path, headers=FORGED, allow_redirects=False)
        assert "evil.example" not in await r.text(), path
        assert "evil.example" not in r.headers.get("Location", ""), path
        assert r.headers.get("Location", "/").startswith("/"), path

    invited = run_cli(
        "--config", str(live.config), "invite", str(live.interview.id), "Lin", "lin@example.com"
    )
    assert invited.code == 0 and f"{PUBLIC}/i/" in invited.out
    lin = int(re.search(r"invitation (\d+)", invited.out).group(1))
    [message] = live.db.read(outbox_sql.for_invitation, lin)
    assert f"{PUBLIC}/i/" in message["body"]
