"""Finished recordings in an S3-compatible bucket (a real SeaweedFS on loopback): moved once processed, each copy
verified before the local file goes, played by reviewers, share links and API links through short-lived presigned
URLs (with Range), deleted from the bucket on erasure; a bucket that is away or refuses our keys never costs a
recording."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from boxinterview import files, storage
from boxinterview.config.sections import StorageSettings
from boxinterview.domain import (
    accounts,
    answers,
    api,
    documents,
    interview_io,
    interview_media,
    interviews,
    invitations,
    placement,
    recordings,
    retention,
    shares,
)
from boxinterview.domain.models import InterviewStatus, Role
from boxinterview.ops import backup
from boxinterview.pipeline.worker import Worker
from boxinterview.store import Database
from boxinterview.store import audit as audit_sql
from boxinterview.store import jobs as jobs_sql
from tests.conftest import free_port
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.objectstore import ObjectStore, finished_candidate, moved, object_store, paths_of
from tests.support.reviewing import csrf, reviewer
from tests.support.signin import sign_in_with
from tests.support.site import Site


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStore]:
    with object_store(tmp_path_factory.mktemp("objectstore")) as running:
        yield running


async def work_until(site: Site, done: Callable[[], bool], settings: Any = None, seconds: float = 60) -> None:
    """Run the real worker (processing, moving) until `done()`."""
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(site.db, settings or site.settings).run(stop))
    try:
        for _ in range(int(seconds * 10)):
            if done():
                return
            assert not task.done(), task
            await asyncio.sleep(0.1)
        raise AssertionError("the worker did not get there in time")
    finally:
        stop.set()
        await task


def move_job(db: Database, rid: int) -> Any:
    return next(
        (j for j in db.read(jobs_sql.recent, 50) if j.kind == placement.MOVE_JOB and j.subject_id == rid),
        None,
    )


async def fetch(url: str, **headers: str) -> tuple[int, bytes, dict[str, str]]:
    """A GET as the browser makes it after the redirect: straight to the object store, no cookies."""
    async with aiohttp.ClientSession() as plain, plain.get(url, headers=headers) as r:
        return r.status, await r.read(), dict(r.headers)


async def test_a_candidate_watches_a_take_again_once_it_is_in_the_bucket(make_site, store, tmp_path) -> None:
    site = await make_site(storage=store.settings())
    inv, token = invitations.invite(site.db, site.interview.id, "Zoë Ørsted", "zoe@example.com", "t")
    invitations.record_consent(site.db, inv.id, "1")
    video = site.interview.questions[0]
    rid = record_take(site.db, site.settings, token, video.id, 1, b"x")
    shutil.copy(make("vp8_opus.webm", tmp_path), recordings.get(site.db, rid).original_path)
    await work_until(site, lambda: moved(site.db, rid) and move_job(site.db, rid).state == "done")
    assert not any(Path(p).exists() for p in paths_of(site.db, rid))

    # After a reload the page asks for the take again: it is sent to the bucket, not told it is not there yet
    browser = await site.browser()
    r = await browser.get(f"/api/v1/candidate/{token}/takes/{video.id}/1", allow_redirects=False)
    assert r.status == 302 and r.headers["Location"].startswith(store.endpoint)
    status, body, _ = await fetch(r.headers["Location"], Range="bytes=0-99")
    assert status == 206 and len(body) == 100


async def test_a_ready_recording_moves_to_the_bucket_and_plays_from_there(make_site, store, tmp_path) -> None:
    site = await make_site(storage=store.settings())
    invitation_id, rid = finished_candidate(site, tmp_path)
    # Processed while the bucket is not set, so the playback file stays here to be read; then moved as
    # `boxinterview storage move` moves it (a processed recording moving by itself is the test above)
    on_disk = dataclasses.replace(site.settings, storage=StorageSettings())
    await work_until(site, lambda: recordings.get(site.db, rid).state.value == "ready", on_disk)
    expected = hashlib.sha256(Path(recordings.get(site.db, rid).playback_path or "").read_bytes()).digest()
    assert placement.queue_all(site.db)[0] == 1
    await work_until(site, lambda: moved(site.db, rid) and move_job(site.db, rid).state == "done")

    # In the bucket, verified, and gone from this disk
    keys = [site.db.read(placement.located, p) for p in paths_of(site.db, rid)]
    assert set(keys) <= set(store.names())
    assert all(str(k).startswith("test/recordings/") for k in keys)
    assert not any(Path(p).exists() for p in paths_of(site.db, rid))
    assert move_job(site.db, rid).state == "done"

    # A reviewer plays it: authorised and audited here, then sent to a presigned GET that answers ranges
    reviewer, password = accounts.create(site.db, "rev@example.com", Role.REVIEWER, "t")
    accounts.assign(site.db, reviewer.email, site.interview.id, "t")
    browser = await site.browser()
    assert (await sign_in_with(browser, reviewer.email, password)).ok
    r = await browser.get(
        f"/media/recordings/{rid}/playback", headers={"Range": "bytes=0-"}, allow_redirects=False
    )
    assert r.status == 302 and r.headers["Cache-Control"] == "no-store"
    location = r.headers["Location"]
    assert (
        location.startswith(store.endpoint + "/recordings/test/recordings/")
        and "X-Amz-Expires=3600" in location
    )
    assert store.endpoint in r.headers["Content-Security-Policy"]  # the player may load from the bucket
    status, body, headers = await fetch(location, Range="bytes=0-99")
    assert (
        status == 206
        and len(body) == 100
        and headers["Content-Range"].endswith(f"/{len(body) and headers['Content-Range'].split('/')[1]}")
    )
    status, whole, headers = await fetch(location)
    assert status == 200 and headers["Content-Type"] == "video/mp4"
    assert hashlib.sha256(whole).digest() == expected  # the very bytes that were processed
    for _ in range(40):  # viewings are written to the audit log a moment after they happen
        viewed = [e for e in site.db.read(audit_sql.entries, "recording.playback", 20) if e.subject_id == rid]
        if viewed:
            break
        await asyncio.sleep(0.1)
    assert viewed and viewed[0].subject_id == rid

    # Nobody else gets a link
    stranger = await site.browser()
    assert (await stranger.get(f"/media/recordings/{rid}/playback", allow_redirects=False)).status in (
        302,
        303,
        401,
        403,
    )
    assert "X-Amz" not in (
        await stranger.get(f"/media/recordings/{rid}/playback", allow_redirects=False)
    ).headers.get("Location", "")

    # A share link's poster and an API media link lead to the bucket too
    _, share = shares.create(
        site.db, reviewer, [invitation_id], [q.id for q in site.interview.questions[:1]], 3
    )
    r = await stranger.get(f"/s/{share}/media/{rid}/poster", allow_redirects=False)
    assert r.status == 302 and r.headers["Referrer-Policy"] == "no-referrer"
    status, poster, headers = await fetch(r.headers["Location"])
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and poster[:2] == b"\xff\xd8"
    token = api.create_token(site.db, "ats", "t", ("read",))
    found = await (
        await stranger.get(
            f"/api/v1/invitations/{invitation_id}", headers={"Authorization": f"Bearer {token}"}
        )
    ).json()
    link = found["answers"][0]["recording"]["links"]["playback"].removeprefix(site.settings.base_url)
    r = await stranger.get(link, allow_redirects=False)
    assert r.status == 302
    status, body, _ = await fetch(r.headers["Location"], Range="bytes=100-199")
    assert status == 206 and body == whole[100:200]

    # Erasure deletes the objects from the bucket
    bucket = storage.open_bucket(site.settings.storage)
    removed = retention.erase(site.db, site.settings.data_dir, invitation_id, "t", "asked", bucket=bucket)
    assert removed >= 3
    assert not set(keys) & set(store.names())
    assert all(site.db.read(placement.located, k or "") is None for k in keys)


async def test_a_bucket_that_is_away_keeps_the_local_copy_and_the_job_retries(
    make_site, store, tmp_path
) -> None:
    away = store.settings(endpoint_url=f"http://127.0.0.1:{free_port()}")
    site = await make_site(storage=away)
    invitation_id, rid = finished_candidate(site, tmp_path)
    await work_until(
        site,
        lambda: (job := move_job(site.db, rid)) is not None and job.attempts >= 1 and job.state == "queued",
    )
    job = move_job(site.db, rid)
    assert "does not answer" in job.last_error and "storage.endpoint_url" in job.last_error
    paths = paths_of(site.db, rid)
    assert len(paths) == 3 and all(Path(p).exists() for p in paths)
    assert not any(site.db.read(placement.located, p) for p in paths)
    # Meanwhile reviewers play it from this disk, as before
    reviewer, password = accounts.create(site.db, "rev@example.com", Role.ADMIN, "t")
    browser = await site.browser()
    assert (await sign_in_with(browser, reviewer.email, password)).ok
    r = await browser.get(f"/media/recordings/{rid}/playback", headers={"Range": "bytes=0-99"})
    assert r.status == 206 and len(await r.read()) == 100

    # The bucket is back: the retried job moves the files
    back = dataclasses.replace(
        site.settings, storage=dataclasses.replace(site.settings.storage, endpoint_url=store.endpoint)
    )
    await work_until(
        site, lambda: moved(site.db, rid) and move_job(site.db, rid).state == "done", back, seconds=30
    )
    assert not any(Path(p).exists() for p in paths)
    assert move_job(site.db, rid).attempts == 2

    # Erased while the bucket is away: its objects stay marked, and the next purge deletes them
    keys = [site.db.read(placement.located, p) for p in paths]
    assert set(keys) <= set(store.names())
    retention.erase(
        site.db,
        site.settings.data_dir,
        invitation_id,
        "t",
        "asked",
        bucket=storage.open_bucket(site.settings.storage),
    )
    assert set(keys) <= set(store.names())
    assert (
        retention.purge(site.db, site.settings.data_dir, bucket=storage.open_bucket(back.storage)).files == 3
    )
    assert not set(keys) & set(store.names())


async def test_wrong_keys_are_named_at_start_and_in_the_job(make_site, store, tmp_path) -> None:
    wrong = store.settings(secret_key="not-the-secret")
    site = await make_site(storage=wrong)
    bucket = storage.open_bucket(site.settings.storage)
    assert bucket is not None
    with pytest.raises(storage.StorageError, match=r"check storage.access_key and storage.secret_key"):
        bucket.check()
    _, rid = finished_candidate(site, tmp_path)
    await work_until(site, lambda: (job := move_job(site.db, rid)) is not None and job.last_error != "")
    assert "storage.secret_key" in move_job(site.db, rid).last_error
    assert all(Path(p).exists() for p in paths_of(site.db, rid))
    missing = storage.Bucket(
        dataclasses.replace(site.settings.storage, secret_key=store.secret_key, bucket="nope")
    )
    with pytest.raises(storage.StorageError, match="check storage.bucket"):
        missing.check()


def test_config_check_tries_the_bucket_and_names_what_to_fix(store, tmp_path, cli, monkeypatch) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text(store.secret_key + "\n")
    monkeypatch.setenv("BOXINTERVIEW_STORAGE_SECRET_KEY_FILE", str(secret))
    config = tmp_path / "boxinterview.yaml"
    config.write_text(
        yaml.safe_dump({"data_dir": str(tmp_path / "var"), "storage": store.settings(secret_key="")})
    )
    checked = cli("--config", str(config), "config", "check")
    assert checked.code == 0 and f"finished recordings move to bucket {store.bucket}" in checked.out
    shown = cli("--config", str(config), "config", "show")
    assert "storage.secret_key = (hidden)" in shown.out and store.secret_key not in shown.out
    secret.write_text("not-the-secret")
    refused = cli("--config", str(config), "config", "check")
    assert refused.code != 0 and "check storage.access_key and storage.secret_key" in refused.err


async def test_the_teams_videos_move_too_and_leave_the_bucket_when_replaced_or_removed(
    make_site, store, tmp_path
) -> None:
    site = await make_site(storage=store.settings())
    team = await reviewer(site, "lee@example.com")
    page = f"/review/interviews/{site.interview.id}/media"
    token = await csrf(team, page)
    clip = make("vp8_opus.webm", tmp_path, seconds=1.0)
    form = aiohttp.FormData()
    form.add_field("csrf", token)
    form.add_field("file", clip.read_bytes(), filename="hello.webm", content_type="video/webm")
    r = await team.post(page + "/welcome", data=form, headers={"Accept": "application/json"})
    media_id = (await r.json())["media"]

    def media_moved() -> bool:
        media = interview_media.get(site.db, media_id)
        paths = [p for p in (media.original_path, media.playback_path) if p]
        return (
            media.state == "ready"
            and len(paths) == 2
            and all(site.db.read(placement.located, p) for p in paths)
        )

    await work_until(site, media_moved)
    media = interview_media.get(site.db, media_id)
    first_keys = {
        site.db.read(placement.located, p) for p in (media.original_path, media.playback_path or "")
    }
    assert first_keys <= set(store.names()) and not Path(media.playback_path or "").exists()
    candidate = site.candidate(consent=False)
    r = await (await site.browser()).get(f"/i/{candidate}/media/{media_id}/video", allow_redirects=False)
    assert r.status == 302
    status, body, headers = await fetch(r.headers["Location"], Range="bytes=0-9")
    assert status == 206 and len(body) == 10 and headers["Content-Type"] == "video/mp4"

    # Replaced: the new video moves, the old one's objects are deleted
    form = aiohttp.FormData()
    form.add_field("csrf", token)
    form.add_field("file", clip.read_bytes(), filename="again.webm", content_type="video/webm")
    await team.post(page + "/welcome", data=form, headers={"Accept": "application/json"})
    await work_until(site, lambda: media_moved() and not first_keys & set(store.names()))
    # Removed: its objects leave the bucket
    media = interview_media.get(site.db, media_id)
    second_keys = {
        site.db.read(placement.located, p) for p in (media.original_path, media.playback_path or "")
    }
    assert second_keys <= set(store.names())
    assert (await team.post(f"/review/media/{media_id}/remove", data={"csrf": token})).status == 200
    await work_until(site, lambda: not second_keys & set(store.names()))


async def test_local_copies_stay_while_a_backup_runs(make_site, store, tmp_path) -> None:
    """A backup copies the database first, then the files: a local file deleted in between would be missing
    from a backup whose database still names it, so local copies go only when no backup runs."""
    site = await make_site(storage=store.settings())
    _, rid = finished_candidate(site, tmp_path)
    with backup.maintenance(site.settings):
        await work_until(site, lambda: moved(site.db, rid))
        await asyncio.sleep(0.5)
        assert all(Path(p).exists() for p in paths_of(site.db, rid))  # in the bucket, and still here
    await work_until(
        site,
        lambda: (
            not any(Path(p).exists() for p in paths_of(site.db, rid))
            and move_job(site.db, rid).state == "done"
        ),
    )


CV_INTERVIEW = """\
title: CV only
role: Clerk
questions:
  - {prompt: Your CV, kind: file, answer_seconds: 600}
"""
CV = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


async def test_documents_of_finished_interviews_move_and_download_under_their_name(
    make_site, store, tmp_path
) -> None:
    site = await make_site(storage=store.settings())
    iv = interviews.create(site.db, interview_io.from_yaml(CV_INTERVIEW), "t")
    interviews.set_status(site.db, iv, InterviewStatus.OPEN, "t")
    question = interviews.get(site.db, iv).questions[0].id
    inv, _ = invitations.invite(site.db, iv, "Zoë", "zoe@example.com", "t")
    invitations.record_consent(site.db, inv.id, "1")
    staged = documents.stage(CV, files.staging_dir(site.settings.data_dir), len(CV))
    path = answers.submit_file(
        site.db, site.settings.data_dir, inv.id, question, staged, name="Lebenslauf Zoë.pdf"
    ).file_path
    assert path
    stop = asyncio.Event()  # before completion a document may still be replaced: it stays here
    worker = asyncio.create_task(Worker(site.db, site.settings).run(stop))
    await asyncio.sleep(1.5)
    stop.set()
    await worker
    assert Path(path).exists() and site.db.read(placement.located, path) is None
    answers.complete(site.db, inv.id)
    await work_until(
        site, lambda: site.db.read(placement.located, path) is not None and not Path(path).exists()
    )

    account, password = accounts.create(site.db, "rev@example.com", Role.ADMIN, "t")
    browser = await site.browser()
    assert (await sign_in_with(browser, account.email, password)).ok
    r = await browser.get(f"/review/{inv.id}/documents/{question}", allow_redirects=False)
    assert r.status == 302
    status, body, headers = await fetch(r.headers["Location"])
    assert status == 200 and body == CV and headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''Lebenslauf%20Zo%C3%AB.pdf" in headers["Content-Disposition"]

    key = site.db.read(placement.located, path)
    retention.erase(
        site.db,
        site.settings.data_dir,
        inv.id,
        "t",
        "asked",
        bucket=storage.open_bucket(site.settings.storage),
    )
    assert key not in store.names()


def test_a_copy_that_differs_from_the_file_is_caught(store, tmp_path) -> None:
    bucket = storage.Bucket(StorageSettings(**store.settings()))
    local = tmp_path / "playback.mp4"
    local.write_bytes(b"recording" * 1000)
    stored = bucket.put(local, bucket.key_for("check/playback.mp4"))
    bucket.verify(stored)
    assert bucket.exists(stored.key) and stored.size == 9000
    # Someone (or a fault) replaces the object with other bytes of the same length
    bucket.client.put_object(Bucket=bucket.name, Key=stored.key, Body=b"recordinG" * 1000)
    with pytest.raises(
        storage.StorageError, match="is not the file that was put: its SHA-256 differs, its MD5"
    ):
        bucket.verify(stored)
    bucket.delete([stored.key, bucket.key_for("check/never-there.mp4")])  # one gone already is no problem
    assert not bucket.exists(stored.key)


async def test_recordings_made_before_the_bucket_move_when_asked(make_site, store, tmp_path, cli) -> None:
    site = await make_site(storage={"kind": "local"})  # local disk, as every firm starts
    _, rid = finished_candidate(site, tmp_path)
    await work_until(site, lambda: recordings.get(site.db, rid).state.value == "ready")
    assert all(Path(p).exists() for p in paths_of(site.db, rid))
    assert move_job(site.db, rid) is None
    refused = cli("--config", str(site.config), "storage", "move")
    assert refused.code == 2 and "storage.kind is local" in refused.err

    config = yaml.safe_load(site.config.read_text())
    site.config.write_text(yaml.safe_dump({**config, "storage": store.settings()}))
    done = cli("--config", str(site.config), "storage", "move")
    assert done.code == 0 and "queued 1 recording(s) and 0 team video(s)" in done.out, done.err
    on_s3 = dataclasses.replace(site.settings, storage=StorageSettings(**store.settings()))
    await work_until(site, lambda: moved(site.db, rid) and move_job(site.db, rid).state == "done", on_s3)
    assert not any(Path(p).exists() for p in paths_of(site.db, rid))
    again = cli("--config", str(site.config), "storage", "move")
    assert "queued 0 recording(s)" in again.out
