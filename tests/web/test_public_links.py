"""Every link the product gives out names its configured public address (server.public_url), whatever Host and
X-Forwarded-* headers a request carries: share links, candidates' links, links in messages."""

from __future__ import annotations

import re

import requests

from boxinterview.domain import accounts, answers, invitations
from boxinterview.domain.models import Role
from boxinterview.store import outbox as outbox_sql
from tests.conftest import run_cli
from tests.support.flows import record_take
from tests.support.live import live_server
from tests.support.signin import sign_in

PUBLIC = "https://interviews.example.com"
FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Port": "8443",
    "Forwarded": "host=evil.example;proto=http",
}


def test_links_name_the_public_address_whatever_the_request_says(tmp_path) -> None:
    with live_server(tmp_path, server={"public_url": PUBLIC + "/"}) as live:
        token = live.candidate()
        inv = invitations.by_token(live.db, token)
        q = live.interview.questions
        for question in q[:2]:
            record_take(live.db, live.settings, token, question.id, 1, b"take")
            answers.submit_take(live.db, inv.id, question.id, 1)
        answers.submit_text(live.db, inv.id, q[2].id, "Written.")
        answers.complete(live.db, inv.id)
        _, password = accounts.create(live.db, "links@example.com", Role.ADMIN, "t")
        s = requests.Session()
        assert sign_in(s, live.base, "links@example.com", password, headers=FORGED).status_code == 200
        page = s.get(f"{live.base}/review/{inv.id}", headers=FORGED).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        made = s.post(
            f"{live.base}/review/{inv.id}/share",
            headers=FORGED,
            data={"csrf": csrf, "question": [str(q[2].id)], "days": "3"},
        )
        assert made.status_code == 200
        [link] = set(re.findall(r"\w+://[^\s\"<]+/s/[\w-]+", made.text))
        assert link.startswith(f"{PUBLIC}/s/") and "evil.example" not in made.text
        assert requests.get(live.base + link.removeprefix(PUBLIC)).status_code == 200  # and it opens

        for path in ("/review", "/api/v1/openapi.json", "/login"):  # relative redirects, no address given out
            r = requests.get(live.base + path, headers=FORGED, allow_redirects=False)
            assert "evil.example" not in r.text and "evil.example" not in r.headers.get("Location", ""), path
            assert r.headers.get("Location", "/").startswith("/"), path

        invited = run_cli(
            "--config", str(live.config), "invite", str(live.interview.id), "Lin", "lin@example.com"
        )
        assert invited.code == 0 and f"{PUBLIC}/i/" in invited.out
        lin = int(re.search(r"invitation (\d+)", invited.out).group(1))
        [message] = live.db.read(outbox_sql.for_invitation, lin)
        assert f"{PUBLIC}/i/" in message["body"]
