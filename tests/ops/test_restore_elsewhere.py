"""A data directory copied to another place (a new disk, another server) and a backup restored there: the
restore touches only the new place, and the restored server finds and serves its own files, never the ones of
the place the data came from."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from boxinterview.config.settings import load_settings
from boxinterview.domain import accounts, answers, invitations, recordings
from boxinterview.domain.models import Role
from boxinterview.ops import backup
from boxinterview.pipeline import processing
from boxinterview.store import Database
from boxinterview.store import uploads as uploads_sql
from boxinterview.web.app import init_app
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import prepare
from tests.support.signin import sign_in_with


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder`: its SHA-256 and when it last changed."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.asyncio
async def test_a_backup_restored_into_a_moved_data_directory_touches_only_that_directory(
    tmp_path, cli
) -> None:
    (tmp_path / "first").mkdir()
    config, settings, db, interview = prepare(tmp_path / "first", storage={"kind": "local"})
    video, audio, text = (q.id for q in interview.questions)
    ann, ann_token = invitations.invite(db, interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(db, ann.id, "1")
    ready = record_take(db, settings, ann_token, video, 1, b"x")
    shutil.copy(make("vp8_opus.webm", tmp_path / "clips"), recordings.get(db, ready).original_path)
    assert (await processing.process(db, settings, ready)).value == "ready"
    answers.submit_take(db, ann.id, video, 1)
    # Her sound answer finished uploading, but the move into recordings/ had not happened when the backup was
    # taken: restoring finishes it, in the directory restored into.
    waiting = record_take(db, settings, ann_token, audio, 1, b"sound " * 100)
    upload_id = db.read(uploads_sql.by_recording, waiting).id
    moved = Path(recordings.get(db, waiting).original_path or "")
    moved.rename(settings.data_dir / "uploads" / f"{upload_id}.part")
    answers.submit_take(db, ann.id, audio, 1)
    answers.submit_text(db, ann.id, text, "An answer.")
    answers.complete(db, ann.id)
    admin, password = accounts.create(db, "admin@example.com", Role.ADMIN, "t")
    made = backup.run(settings)
    db.close()

    # The whole data directory is copied to a new place, and the backup restored there.
    first = settings.data_dir
    second = tmp_path / "second" / "var"
    shutil.copytree(first, second, symlinks=True)
    other_config = second.parent / "boxinterview.yaml"
    other_config.write_text(yaml.safe_dump({**yaml.safe_load(config.read_text()), "data_dir": str(second)}))
    before = snapshot(first)
    restored = cli("--config", str(other_config), "restore", made.name, "--yes")
    assert restored.code == 0, restored.err
    assert snapshot(first) == before  # not a byte, not a time changed in the place the data came from
    assert (second / "recordings" / str(waiting) / "original.webm").read_bytes() == b"sound " * 100
    assert not (second / "uploads" / f"{upload_id}.part").exists()

    # With the first place gone, the restored server plays its own recordings.
    first.rename(tmp_path / "first" / "gone")
    other = load_settings(other_config, environ={})
    other_db = Database.open(other.database_path)
    try:
        for rid in (ready, waiting):
            rec = recordings.get(other_db, rid)
            for path in (rec.original_path, rec.playback_path, rec.poster_path):
                assert path is None or Path(path).is_relative_to(second), path
        playback = Path(recordings.get(other_db, ready).playback_path or "")
        assert playback.is_file()
    finally:
        other_db.close()
    server = TestServer(init_app(other), port=other.server.port)
    client = TestClient(server)
    await client.start_server()
    try:
        assert (await sign_in_with(client, admin.email, password)).ok
        page = await client.get(f"/review/{ann.id}")
        assert page.status == 200
        r = await client.get(f"/media/recordings/{ready}/playback")
        assert r.status == 200 and await r.read() == playback.read_bytes()
    finally:
        await client.close()
