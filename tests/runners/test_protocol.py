"""The runners' protocol on the real app (in this process): registration, accepting, leases, errors, outputs."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import FormData

from boxinterview import clock
from boxinterview.domain import interview_media, recordings, runners
from boxinterview.domain.models import RecordingState
from boxinterview.ops import dashboard
from boxinterview.pipeline import outcomes
from boxinterview.pipeline.worker import Worker
from boxinterview.store import jobs as jobs_sql
from boxinterview.store import outbox as outbox_sql
from tests.media.test_processing import uploaded
from tests.media.test_team_media_jobs import added
from tests.media.test_worker import job_of
from tests.support.clips import make
from tests.support.site import Site

RUNS = "/api/v1/runners"


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("clips")


async def register(site: Site, client, name: str = "r1") -> str:
    token = runners.create_registration_token(site.db, "for a test", "test")
    answer = await client.post(
        RUNS + "/register", json={"name": name}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 201, await answer.text()
    return (await answer.json())["runner_token"]


def bearer(token: str, job_token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **({"X-Job-Token": job_token} if job_token else {})}


async def accept(client, token: str, job_id: int) -> dict:
    answer = await client.post(f"{RUNS}/jobs/{job_id}/accept", headers=bearer(token))
    assert answer.status == 200, await answer.text()
    return await answer.json()


def recording(site: Site, clip: Path) -> int:
    return uploaded((site.settings, site.db, site.interview), clip)


async def test_a_registration_token_works_once(site: Site) -> None:
    client = await site.browser()
    token = runners.create_registration_token(site.db, "gpu box", "test")
    first = await client.post(RUNS + "/register", json={"name": "gpu-1"}, headers=bearer(token))
    assert first.status == 201
    again = await client.post(RUNS + "/register", json={"name": "gpu-2"}, headers=bearer(token))
    assert again.status == 403
    assert "used already" in (await again.json())["error"]["message"]
    [listed] = runners.listing(site.db)
    assert listed[0].name == "gpu-1"
    [made] = runners.registration_tokens(site.db)
    assert made["used_at"] is not None and made["runner_id"] == listed[0].id
    assert token not in str(made)


async def test_bad_revoked_and_removed_tokens_are_refused(site: Site, clips) -> None:
    client = await site.browser()
    revoked = runners.create_registration_token(site.db, "", "test")
    runners.revoke_registration_token(site.db, runners.registration_tokens(site.db)[0]["id"], "test")
    answer = await client.post(RUNS + "/register", json={"name": "x"}, headers=bearer(revoked))
    assert answer.status == 403
    answer = await client.post(RUNS + "/register", json={"name": "x"}, headers=bearer("bxreg_nonsense"))
    assert answer.status == 403
    answer = await client.post(RUNS + "/jobs/request", headers=bearer("bxrun_nonsense"))
    assert answer.status == 401
    assert "runner-token add" in (await answer.json())["error"]["message"]

    token = await register(site, client)
    rid = recording(site, make("vp8_opus.webm", clips, seconds=1))
    job = job_of(site.db, rid)
    given = await accept(client, token, job.id)
    [(runner, held)] = runners.listing(site.db)
    assert [j.id for j in held] == [job.id]
    assert runners.remove(site.db, runner.id, "test") == 1
    answer = await client.post(RUNS + "/jobs/request", headers=bearer(token))
    assert answer.status == 401  # at once
    assert job_of(site.db, rid).state == "queued"  # its job is back in the queue, not waiting for the lease
    answer = await client.post(
        f"{RUNS}/jobs/{job.id}/update", json={"progress": 0.5}, headers=bearer(token, given["job_token"])
    )
    assert answer.status == 401


async def test_a_taken_job_answers_409(site: Site, clips) -> None:
    client = await site.browser()
    first, second = await register(site, client, "a"), await register(site, client, "b")
    rid = recording(site, make("vp8_opus.webm", clips, seconds=1))
    job = job_of(site.db, rid)
    listed = await (await client.post(RUNS + "/jobs/request", headers=bearer(second))).json()
    assert [j["id"] for j in listed["jobs"]] == [job.id]
    given = await accept(client, first, job.id)
    assert given["expectation"] == {"kind": "video", "max_seconds": 15.0, "audio_only_ok": False}
    [(runner_a, _), _] = runners.listing(site.db)
    assert job_of(site.db, rid).lease_owner.startswith(f"runner:{runner_a.id}:")
    taken = await client.post(f"{RUNS}/jobs/{job.id}/accept", headers=bearer(second))
    assert taken.status == 409
    assert "taken" in (await taken.json())["error"]["message"]
    assert (await (await client.post(RUNS + "/jobs/request", headers=bearer(second))).json())["jobs"] == []
    # The server's own worker took the next one: a runner cannot have it either.
    other = recording(site, make("vp8_opus.webm", clips, seconds=1.2))
    other_job = job_of(site.db, other)
    worker = Worker(site.db, site.settings, name="local")
    assert (await worker._claim()).id == other_job.id
    assert (await client.post(f"{RUNS}/jobs/{other_job.id}/accept", headers=bearer(second))).status == 409
    unknown = await client.post(f"{RUNS}/jobs/999999/accept", headers=bearer(second))
    assert unknown.status == 404


async def test_the_lease_is_renewed_and_a_lost_lease_answers_410(make_site, clips) -> None:
    site = await make_site(media={"job_lease_seconds": 5})
    client = await site.browser()
    token = await register(site, client)
    rid = recording(site, make("vp8_opus.webm", clips, seconds=1))
    job = job_of(site.db, rid)
    given = await accept(client, token, job.id)
    headers = bearer(token, given["job_token"])
    before = job_of(site.db, rid).lease_expires_at
    await asyncio.sleep(0.05)
    answer = await client.post(f"{RUNS}/jobs/{job.id}/update", json={"progress": 0.25}, headers=headers)
    assert answer.status == 200
    renewed = job_of(site.db, rid)
    assert renewed.lease_expires_at > before and renewed.progress == 0.25
    bad = await client.post(f"{RUNS}/jobs/{job.id}/update", json={"progress": 7}, headers=headers)
    assert bad.status == 422
    wrong = await client.post(
        f"{RUNS}/jobs/{job.id}/update", json={"progress": 0.5}, headers=bearer(token, "bxjob_wrong")
    )
    assert wrong.status == 410
    # The lease runs out and another runner takes the job over: the first one is told to drop it.
    site.db.write(
        jobs_sql.heartbeat, job.id, renewed.lease_owner, renewed.created_at, 0.25, renewed.created_at
    )
    other = await register(site, client, "r2")
    await accept(client, other, job.id)
    lost = await client.post(f"{RUNS}/jobs/{job.id}/update", json={"progress": 0.5}, headers=headers)
    assert lost.status == 410
    assert "no longer yours" in (await lost.json())["error"]["message"]
    assert (await client.get(f"{RUNS}/jobs/{job.id}/input", headers=headers)).status == 410


async def test_errors_follow_the_retry_rules(make_site, clips) -> None:
    site = await make_site(media={"job_max_attempts": 2}, smtp={"operator": "ops@example.com"})
    client = await site.browser()
    token = await register(site, client)
    rid = recording(site, make("vp8_opus.webm", clips, seconds=1))
    job = job_of(site.db, rid)
    given = await accept(client, token, job.id)
    answer = await client.post(
        f"{RUNS}/jobs/{job.id}/error",
        json={"message": "ffmpeg crashed"},
        headers=bearer(token, given["job_token"]),
    )
    assert answer.status == 200
    retried = job_of(site.db, rid)
    assert (retried.state, retried.attempts) == ("queued", 1)
    assert retried.last_error == "runner r1: ffmpeg crashed"
    wait = retried.run_after - clock.now()
    assert outcomes.backoff(1) - timedelta(seconds=2) < wait <= outcomes.backoff(1)
    # Due again (as after the backoff): the second failure is the last.
    site.db.write(lambda con: con.execute("UPDATE jobs SET run_after = created_at WHERE id = ?", (job.id,)))
    given = await accept(client, token, job.id)
    await client.post(
        f"{RUNS}/jobs/{job.id}/error", json={"message": "again"}, headers=bearer(token, given["job_token"])
    )
    failed = job_of(site.db, rid)
    assert (failed.state, failed.attempts) == ("failed", 2)
    assert recordings.get(site.db, rid).state is RecordingState.FAILED
    assert any("could not be processed" in m["subject"] for m in site.db.read(outbox_sql.recent, 10))


async def test_outputs_that_do_not_match_the_recording_are_refused_and_retried(
    site: Site, clips, tmp_path
) -> None:
    client = await site.browser()
    token = await register(site, client)
    clip = make("vp8_opus.webm", clips, seconds=3)
    rid = recording(site, clip)
    job = job_of(site.db, rid)
    given = await accept(client, token, job.id)
    headers = bearer(token, given["job_token"])
    fetched = await client.get(f"{RUNS}/jobs/{job.id}/input", headers=headers)
    assert fetched.status == 200 and await fetched.read() == clip.read_bytes()
    ranged = await client.get(f"{RUNS}/jobs/{job.id}/input", headers={**headers, "Range": "bytes=0-9"})
    assert ranged.status == 206 and len(await ranged.read()) == 10
    short = tmp_path / "short.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(clip), "-t", "1", "-c:v", "libx264", "-c:a", "aac", str(short)],
        check=True,
    )
    poster = tmp_path / "poster.jpg"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(clip), "-frames:v", "1", str(poster)], check=True)
    form = FormData()
    form.add_field("loudness_lufs", "-20.5")
    form.add_field("playback", short.read_bytes(), filename="playback.mp4", content_type="video/mp4")
    form.add_field("poster", poster.read_bytes(), filename="poster.jpg", content_type="image/jpeg")
    answer = await client.post(f"{RUNS}/jobs/{job.id}/success", data=form, headers=headers)
    assert answer.status == 422
    assert "does not match its recording" in (await answer.json())["error"]["message"]
    again = job_of(site.db, rid)
    assert (again.state, again.attempts) == ("queued", 1) and "does not match" in again.last_error
    assert recordings.get(site.db, rid).state is RecordingState.PROCESSING
    folder = Path(recordings.get(site.db, rid).original_path).parent
    assert not list(folder.glob("runner-*")) and not list(folder.glob("playback*"))


async def test_bad_bodies_get_clear_refusals(site: Site, clips) -> None:
    client = await site.browser()
    token = await register(site, client)
    rid = recording(site, make("vp8_opus.webm", clips, seconds=1))
    job = job_of(site.db, rid)
    given = await accept(client, token, job.id)
    headers = bearer(token, given["job_token"])
    no_job_token = await client.post(f"{RUNS}/jobs/{job.id}/update", json={}, headers=bearer(token))
    assert no_job_token.status == 401 and "X-Job-Token" in (await no_job_token.json())["error"]["message"]
    not_multipart = await client.post(f"{RUNS}/jobs/{job.id}/success", json={}, headers=headers)
    assert not_multipart.status == 422
    form = FormData()
    form.add_field("playback", b"x" * 10, filename="p.mp4", content_type="video/mp4")
    missing = await client.post(f"{RUNS}/jobs/{job.id}/success", data=form, headers=headers)
    assert missing.status == 422 and "poster" in (await missing.json())["error"]["message"]
    not_json = await client.post(f"{RUNS}/jobs/{job.id}/error", data=b"{", headers=headers)
    assert not_json.status == 422
    empty_reason = await client.post(f"{RUNS}/jobs/{job.id}/reject", json={"reason": " "}, headers=headers)
    assert empty_reason.status == 422
    no_name = await client.post(
        RUNS + "/register",
        json={"name": ""},
        headers=bearer(runners.create_registration_token(site.db, "", "t")),
    )
    assert no_name.status == 422
    for parts, refusal in [
        ([("loudness_lufs", "nan")], "between -200 and 50"),
        ([("loudness_lufs", "-Infinity")], "between -200 and 50"),
        ([("loudness_lufs", "1e999")], "between -200 and 50"),
        ([("loudness_lufs", "-20"), ("loudness_lufs", "-30")], "'loudness_lufs' is sent more than once"),
        ([("playback", b"x"), ("playback", b"y")], "'playback' is sent more than once"),
    ]:
        form = FormData(default_to_multipart=True)
        for name, value in parts:
            form.add_field(name, value, filename="p.mp4" if isinstance(value, bytes) else None)
        odd = await client.post(f"{RUNS}/jobs/{job.id}/success", data=form, headers=headers)
        assert odd.status == 422 and refusal in (await odd.json())["error"]["message"], parts
    assert job_of(site.db, rid).state == "running"  # none of that touched the job
    rejected = await client.post(
        f"{RUNS}/jobs/{job.id}/reject", json={"reason": "no sound was recorded"}, headers=headers
    )
    assert rejected.status == 200
    rec = recordings.get(site.db, rid)
    assert (rec.state, rec.reason) == (RecordingState.REJECTED, "no sound was recorded")
    assert job_of(site.db, rid).state == "done"


async def test_a_team_video_replaced_while_a_runner_made_it_is_queued_again(
    site: Site, clips, tmp_path
) -> None:
    client = await site.browser()
    token = await register(site, client)
    clip = make("vp8_opus.webm", clips, seconds=1)
    media_id = added(site.settings, site.db, site.interview, clip.read_bytes())
    [job] = [j for j in site.db.read(jobs_sql.recent, 10) if j.kind == interview_media.MEDIA_JOB]
    given = await accept(client, token, job.id)
    assert (given["make"], given["expectation"]) == ("team_video", None)
    assert given["source"] == Path(interview_media.get(site.db, media_id).original_path).name
    headers = bearer(token, given["job_token"])
    fetched = await client.get(f"{RUNS}/jobs/{job.id}/input", headers=headers)
    assert await fetched.read() == clip.read_bytes()
    added(site.settings, site.db, site.interview, make("vp8_opus.webm", clips, seconds=1.5).read_bytes())
    played = tmp_path / "played.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(clip), "-c:v", "libx264", "-c:a", "aac", str(played)], check=True
    )
    form = FormData()
    form.add_field("source", given["source"])
    form.add_field("playback", played.read_bytes(), filename="playback.mp4", content_type="video/mp4")
    answer = await client.post(f"{RUNS}/jobs/{job.id}/success", data=form, headers=headers)
    assert answer.status == 410 and "replaced" in (await answer.json())["error"]["message"]
    again = site.db.read(jobs_sql.get, job.id)
    assert (again.state, again.attempts) == ("queued", 0)  # for the new video, at once
    assert interview_media.get(site.db, media_id).state == "processing"
    given = await accept(client, token, job.id)
    assert given["source"] == Path(interview_media.get(site.db, media_id).original_path).name


async def test_the_dashboard_names_the_runner_working_on_a_job(site: Site, clips) -> None:
    client = await site.browser()
    token = await register(site, client, "encoder-7")
    first = recording(site, make("vp8_opus.webm", clips, seconds=1))
    second = recording(site, make("vp8_opus.webm", clips, seconds=1.2))
    await accept(client, token, job_of(site.db, first).id)
    assert await Worker(site.db, site.settings, name="local")._claim() is not None
    shown = dashboard.dashboard(site.db, site.settings)
    assert shown.runners == 1
    by_recording = {j.recording_id: j.held_by for j in shown.jobs}
    assert by_recording == {first: "encoder-7", second: "server"}


async def test_an_address_sending_wrong_tokens_is_slowed_down_and_a_runner_is_held_to_its_rate(
    make_site,
) -> None:
    from boxinterview.domain import api

    site = await make_site(api={"wrong_tokens_per_minute": 3, "runner_requests_per_minute": 4})
    client = await site.browser()
    runner_token = await register(site, client)
    api_token = api.create_token(site.db, "ats", "t", ("read",))
    guesses = [
        ("GET", "/api/v1/interviews", "Bearer bxapi_guess"),
        ("POST", RUNS + "/jobs/request", "Bearer bxrun_guess"),
        ("POST", RUNS + "/register", "Bearer bxreg_guess"),
    ]
    for method, path, header in guesses:
        wrong = await client.request(method, path, headers={"Authorization": header}, json={"name": "x"})
        assert wrong.status in (401, 403), (path, wrong.status)
    for method, path, header in [*guesses, ("GET", "/api/v1/interviews", f"Bearer {api_token}")]:
        slowed = await client.request(method, path, headers={"Authorization": header}, json={"name": "x"})
        message = (await slowed.json())["error"]["message"]
        assert slowed.status == 429 and int(slowed.headers["Retry-After"]) >= 1, path
        assert message.startswith("too many wrong tokens from this address; wait"), message
    elsewhere = {"X-Forwarded-For": "203.0.113.9"}  # another address, through the proxy on this machine
    right = await client.get(
        "/api/v1/interviews", headers={"Authorization": f"Bearer {api_token}", **elsewhere}
    )
    assert right.status == 200
    signed_out = await client.get("/api/v1/interviews")  # no token at all: not a guess
    assert signed_out.status == 401

    other = await site.browser()
    for _ in range(4):
        asked = await other.post(RUNS + "/jobs/request", headers={**bearer(runner_token), **elsewhere})
        assert asked.status == 200
    held = await other.post(RUNS + "/jobs/request", headers={**bearer(runner_token), **elsewhere})
    assert (
        held.status == 429
        and "too many requests from the runner 'r1'" in (await held.json())["error"]["message"]
    )
    assert held.headers["RateLimit-Remaining"] == "0"
