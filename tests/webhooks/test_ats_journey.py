"""An applicant tracking system (ATS) drives an interview end to end against the real server: it invites through
the API (a retried call invites once), the candidate answers with a real tus client, the ATS hears of it by a
signed webhook (checked with the Standard Webhooks reference library), reads the answers with a link to the
recording that plays, records its decision — and hears of that too."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import requests
from tusclient import client as tus

from boxinterview.domain import api, invitations, webhooks
from tests.support.clips import make
from tests.support.live import live_server
from tests.support.receiver import receiving, until, verify
from tests.webhooks.test_delivery import FAST

pytestmark = [pytest.mark.slow]


def call(method: str, url: str, token: str, **options) -> requests.Response:
    return requests.request(
        method,
        url,
        headers={"Authorization": f"Bearer {token}", **options.pop("headers", {})},
        timeout=30,
        **options,
    )


async def test_an_ats_invites_hears_reads_and_decides(tmp_path) -> None:
    async with receiving() as receiver:
        with live_server(tmp_path, media={"worker_in_server": True}, webhooks=FAST) as live:
            token = api.create_token(live.db, "Our ATS", "t", ("read", "invite", "decide"))
            _, secret = webhooks.add(live.db, receiver.url(), None, "Our ATS", "t")
            interview = live.interview
            video, audio, text = interview.questions

            # The ATS invites; the network drops the answer, so it sends the same call again
            person = {"name": "Zoë Ångström-Øster", "email": "zoe@example.com", "external_id": "cand-7781"}
            key = {"Idempotency-Key": str(uuid.uuid4())}
            url = f"{live.base}/api/v1/interviews/{interview.id}/invitations"
            first = await asyncio.to_thread(call, "POST", url, token, json=person, headers=key)
            again = await asyncio.to_thread(call, "POST", url, token, json=person, headers=key)
            assert first.status_code == again.status_code == 201, first.text
            assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
            invitation_id = first.json()["id"]
            assert len(invitations.listing(live.db, interview.id)) == 1

            # The candidate follows the link from the e-mail (a fresh one here), consents and answers
            link = invitations.new_link(live.db, invitation_id, "test")
            candidate = requests.Session()
            assert candidate.get(f"{live.base}/i/{link}", timeout=30).status_code == 200
            consent = candidate.post(f"{live.base}/i/{link}/consent", data={"consent": "yes"}, timeout=30)
            assert consent.status_code == 200 and consent.url.endswith("/check")
            clip = make("vp8_opus.webm", tmp_path / "clips")
            for question in (video, audio):
                await asyncio.to_thread(
                    tus.TusClient(live.uploads_url)
                    .uploader(
                        str(clip),
                        chunk_size=64 * 1024,
                        metadata={
                            "token": link,
                            "question": str(question.id),
                            "take": "1",
                            "filetype": "video/webm",
                        },
                    )
                    .upload
                )
            answers = f"{live.base}/api/v1/candidate/{link}/answers"
            for question, body in ((video, {"take": 1}), (audio, {"take": 1}), (text, {"text": "Zuhören."})):
                assert candidate.post(f"{answers}/{question.id}", json=body, timeout=30).status_code == 200
            assert candidate.post(f"{live.base}/api/v1/candidate/{link}/finish", json={}, timeout=30).json()[
                "finished"
            ]

            # The ATS hears, by signed webhooks, that the link was opened and the interview completed
            def types() -> list[str]:
                return [verify(secret, got)["type"] for got in receiver.received]

            await until(lambda: "interview.completed" in types(), timeout=60)
            completed = next(
                verify(secret, got)["data"]
                for got in receiver.received
                if verify(secret, got)["type"] == "interview.completed"
            )
            assert completed["invitation_id"] == invitation_id and "invitation.opened" in types()

            # It reads the answers; once the recordings are ready their links play, with byte ranges
            found: dict = {}

            def ready() -> bool:
                found.update(call("GET", f"{live.base}/api/v1/invitations/{invitation_id}", token).json())
                recorded = [a["recording"] for a in found["answers"] if a["recording"]]
                return len(recorded) == 2 and all(r["state"] == "ready" for r in recorded)

            # Asked once a second, as an ATS within its API rate limit would (120 a minute by default).
            await until(lambda: ready(), timeout=120, step=1)
            assert found["external_id"] == "cand-7781" and found["candidate"]["name"] == person["name"]
            playback = next(
                a["recording"]["links"]["playback"] for a in found["answers"] if a["question_id"] == video.id
            )
            part = requests.get(playback, headers={"Range": "bytes=0-1023"}, timeout=30)
            assert part.status_code == 206 and len(part.content) == 1024

            # It records the decision; the candidate is told, and the ATS hears of it
            decided = await asyncio.to_thread(
                call,
                "POST",
                f"{live.base}/api/v1/invitations/{invitation_id}/decision",
                token,
                json={"outcome": "advance", "feedback": "Klare Antworten — wir melden uns."},
            )
            assert decided.status_code == 201 and decided.json()["decision"]["outcome"] == "advance"
            await until(lambda: "decision.made" in types(), timeout=60)
            made = next(
                verify(secret, got)["data"]
                for got in receiver.received
                if verify(secret, got)["type"] == "decision.made"
            )
            assert made["invitation_id"] == invitation_id
