"""Signing in as a browser does: open the sign-in page (it sets the pre-session cookie and its form's token),
then send the form."""

from __future__ import annotations

import re
from typing import Any

import requests


def form_token(session: requests.Session, base: str, **options: Any) -> str:
    page = session.get(base + "/login", **options)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def sign_in(
    session: requests.Session, base: str, email: str, password: str, next: str | None = None, **options: Any
) -> requests.Response:
    data = {"csrf": form_token(session, base, **options), "email": email, "password": password}
    if next is not None:
        data["next"] = next
    return session.post(base + "/login", data=data, **options)
