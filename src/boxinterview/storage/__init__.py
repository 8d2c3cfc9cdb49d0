"""Finished recordings in an S3-compatible bucket: the one module that speaks to the object store.

The rest of the code sees a small interface: `put` a file (checked by the store itself with Content-MD5),
`verify` what arrived (size, MD5 and the SHA-256 we keep beside it), `presign` a short-lived GET for a player,
`delete` and `exists`. boto3 is synchronous: callers on the event loop run `put`, `verify`, `delete` and `exists`
in a thread; `presign` only computes a signature and never touches the network.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import botocore.exceptions
from botocore.config import Config

from boxinterview.config.sections import StorageSettings
from boxinterview.errors import BoxError

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

CHUNK = 1024 * 1024
TYPES = {
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".jpg": "image/jpeg",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
}


class StorageError(BoxError):
    """The bucket could not be used; the message says what to check."""


@dataclass(frozen=True)
class Stored:
    """One object as we put it: what a later check compares with."""

    key: str
    size: int
    sha256: str
    md5: str


def digests(path: Path) -> tuple[int, str, str]:
    """(size, SHA-256 hex, MD5 hex) of a file, read once."""
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            sha.update(block)
            md5.update(block)
            size += len(block)
    return size, sha.hexdigest(), md5.hexdigest()


class Bucket:
    def __init__(self, settings: StorageSettings) -> None:
        self.settings = settings
        self.name = settings.bucket
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path" if settings.path_style else "virtual"},
            # Stores other than AWS's own do not all know the newer default checksums; Content-MD5 is universal.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"max_attempts": 2, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
        )
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=settings.endpoint_url,
            region_name=settings.region,
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key,
            config=config,
        )

    def key_for(self, relative: str) -> str:
        return self.settings.prefix + relative

    def check(self) -> None:
        """Raise StorageError saying what to fix, unless the bucket answers to our keys."""
        self._call("use it", lambda: self.client.head_bucket(Bucket=self.name))

    def put(self, path: Path, key: str) -> Stored:
        """Copy a file to the bucket; the store refuses it unless the bytes match their MD5."""
        size, sha256, md5 = digests(path)
        content_type = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        with path.open("rb") as body:
            self._call(
                f"put {key}",
                lambda: self.client.put_object(
                    Bucket=self.name,
                    Key=key,
                    Body=body,
                    ContentLength=size,
                    ContentMD5=base64.b64encode(bytes.fromhex(md5)).decode(),
                    ContentType=content_type or "application/octet-stream",
                    Metadata={"sha256": sha256},
                ),
            )
        return Stored(key, size, sha256, md5)

    def verify(self, stored: Stored) -> None:
        """Raise StorageError unless the object in the bucket is the one we put: size, SHA-256 and (for a
        single-part upload, whose ETag is its MD5) the MD5."""
        head = self._call(
            f"check {stored.key}", lambda: self.client.head_object(Bucket=self.name, Key=stored.key)
        )
        etag = str(head.get("ETag", "")).strip('"')
        problems = []
        if head.get("ContentLength") != stored.size:
            problems.append(f"{head.get('ContentLength')} bytes, not {stored.size}")
        if head.get("Metadata", {}).get("sha256") != stored.sha256:
            problems.append("its SHA-256 differs")
        if etag and "-" not in etag and etag != stored.md5:
            problems.append("its MD5 differs")
        if problems:
            raise StorageError(
                f"{stored.key} in bucket {self.name} is not the file that was put: {', '.join(problems)}"
            )

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.name, Key=key)
        except botocore.exceptions.ClientError as exc:
            if _status(exc) == 404:
                return False
            raise self._explain(f"check {key}", exc) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise self._explain(f"check {key}", exc) from None
        return True

    def delete(self, keys: list[str]) -> None:
        """Remove objects; one that is gone already is no problem."""
        for start in range(0, len(keys), 1000):
            batch = [{"Key": k} for k in keys[start : start + 1000]]
            answer = self._call(
                "delete objects",
                lambda batch=batch: self.client.delete_objects(
                    Bucket=self.name, Delete={"Objects": batch, "Quiet": True}
                ),
            )
            failed = [e for e in answer.get("Errors", []) if e.get("Code") != "NoSuchKey"]
            if failed:
                raise StorageError(
                    f"bucket {self.name} kept {len(failed)} object(s) it was asked to delete "
                    f"({failed[0].get('Key')}: {failed[0].get('Message')}); check the key may delete"
                )

    def presign(self, key: str, content_type: str | None = None, disposition: str | None = None) -> str:
        """A GET the browser may use for `storage.link_seconds`; the store answers Range requests itself."""
        params: dict[str, Any] = {"Bucket": self.name, "Key": key}
        if content_type:
            params["ResponseContentType"] = content_type
        if disposition:
            params["ResponseContentDisposition"] = disposition
        return self.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.settings.link_seconds
        )

    def _call(self, what: str, call: Any) -> Any:
        try:
            return call()
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise self._explain(what, exc) from None

    def _explain(self, what: str, exc: Exception) -> StorageError:
        where = f"bucket {self.name!r} at {self.settings.endpoint_url}"
        if isinstance(exc, botocore.exceptions.ClientError):
            status, code = _status(exc), exc.response.get("Error", {}).get("Code", "")
            if status == 403 or code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"):
                fix = (
                    "check storage.access_key and storage.secret_key (BOXINTERVIEW_STORAGE_SECRET_KEY_FILE), "
                    "and that this key may read, write and delete in the bucket"
                )
            elif status == 404 or code == "NoSuchBucket":
                fix = "check storage.bucket: the bucket must exist already"
            elif status == 301 or code in ("PermanentRedirect", "AuthorizationHeaderMalformed"):
                fix = "check storage.region and storage.path_style"
            else:
                fix = "look at the object store's own log"
            return StorageError(f"{where}: could not {what} ({code or status}); {fix}")
        if isinstance(
            exc, botocore.exceptions.EndpointConnectionError | botocore.exceptions.ConnectTimeoutError
        ):
            return StorageError(
                f"{where}: could not {what}, the store does not answer; check storage.endpoint_url and that the "
                "store is up"
            )
        return StorageError(f"{where}: could not {what}: {exc}")


def _status(exc: botocore.exceptions.ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def open_bucket(settings: StorageSettings) -> Bucket | None:
    """The bucket finished recordings go to, or None when they stay on this disk."""
    return Bucket(settings) if settings.kind == "s3" else None
