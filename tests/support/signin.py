"""Signing in as a browser does: open the sign-in page (it sets the pre-session cookie and its form's token),
then send the form, to the live server with requests or to the in-process app with its test client."""

from __future__ import annotations

import re
from typing import Any

import requests
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient


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


async def form_token_of(client: TestClient, **options: Any) -> str:
    """`form_token` for a client of the in-process app (tests/support/site.py)."""
    page = await client.get("/login", **options)
    text = await page.text()
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found, text
    return found.group(1)


async def sign_in_with(
    client: TestClient, email: str, password: str, next: str | None = None, **options: Any
) -> ClientResponse:
    """`sign_in` for a client of the in-process app."""
    data = {"csrf": await form_token_of(client, **options), "email": email, "password": password}
    if next is not None:
        data["next"] = next
    return await client.post("/login", data=data, **options)
