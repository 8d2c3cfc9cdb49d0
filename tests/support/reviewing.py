"""A reviewer's side of the in-process app: a candidate who finished, a signed-in reviewer, a form's token."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

from boxinterview.domain import accounts, answers, invitations
from boxinterview.domain.models import Role
from tests.support.flows import record_take
from tests.support.signin import sign_in_with
from tests.support.site import Site


def completed_candidate(live: Site, name: str = "Ann Example") -> int:
    """A candidate who answered everything (small takes, processed to 'uploaded' only)."""
    live.count += 1
    inv, token = invitations.invite(live.db, live.interview.id, name, f"c{live.count}@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    q = live.interview.questions
    for question in q[:2]:
        record_take(live.db, live.settings, token, question.id, 1, b"take")
        answers.submit_take(live.db, inv.id, question.id, 1)
    answers.submit_text(live.db, inv.id, q[2].id, "Listening first.")
    answers.complete(live.db, inv.id)
    return inv.id


async def reviewer(live: Site, email: str, assign: bool = True, role: Role = Role.REVIEWER) -> TestClient:
    _, password = accounts.create(live.db, email, role, "t", name=email.split("@")[0])
    if assign:
        accounts.assign(live.db, email, live.interview.id, "t")
    s = await live.browser()
    r = await sign_in_with(s, email, password, next="/review")
    text = await r.text()
    assert r.status == 200 and str(r.url).endswith("/review"), text
    return s


async def csrf(session: TestClient, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', await (await session.get(path)).text()).group(1)
