"""The sections of the settings: every setting with its default, what it does and how it is checked."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from boxinterview.config import colour
from boxinterview.mail import addresses


def setting(
    default: Any,
    doc: str,
    check: Callable[[Any], str | None] | None = None,
    key: str | None = None,
    **kw: Any,
) -> Any:
    """A documented setting; `check` returns what is expected when a value is wrong, else None; `key` is its
    name in the file when that cannot be the attribute's (`from`)."""
    metadata = {"doc": doc, "check": check, **({"key": key} if key else {})}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=metadata, **kw)
    return field(default=default, metadata=metadata, **kw)


def _port(value: int) -> str | None:
    return None if 1 <= value <= 65535 else "a port number from 1 to 65535"


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: str) -> str | None:
        return None if value in choices else "one of " + ", ".join(choices)

    return check


def _url_or_empty(value: str) -> str | None:
    if value == "" or value.startswith(("http://", "https://")):
        return None
    return "an address starting with http:// or https://, or empty"


def _address(optional: bool) -> Callable[[Any], str | None]:
    """An e-mail address as the sender reads it, with or without a display name; what is wrong when it is not
    one, so the operator learns it from `config check` and not from messages that never leave."""

    def check(value: str) -> str | None:
        if optional and not value.strip():
            return None
        wrong = addresses.problem(value)
        if wrong is None:
            return None
        return f"an e-mail address written as {addresses.HOW_TO_WRITE}{' or empty' if optional else ''} ({wrong})"

    return check


def _at_least(low: int) -> Callable[[Any], str | None]:
    def check(value: int) -> str | None:
        return None if value >= low else f"a whole number of at least {low}"

    return check


@dataclass(frozen=True)
class ServerSettings:
    host: str = setting("127.0.0.1", "Address the web server listens on. Keep it on loopback behind Caddy.")
    port: int = setting(8080, "TCP port the web server listens on.", _port)
    accel_redirect: bool = setting(
        False,
        "Let the reverse proxy send recordings: once a request is authorised, the server answers with an "
        "X-Accel-Redirect header naming the file (relative to data_dir) and Caddy's file_server sends the bytes. "
        "Only behind a proxy configured for it (`boxinterview caddy` renders that).",
    )
    public_url: str = setting(
        "",
        "Address candidates and reviewers use to reach the server, e.g. https://interviews.example.com. "
        "Empty means http://HOST:PORT, which is only right for a demo on this machine.",
        _url_or_empty,
    )


@dataclass(frozen=True)
class OrganisationSettings:
    name: str = setting("Our company", "Company name shown to candidates on every page and message.")
    privacy_notice: str = setting(
        "We use your answers only to assess your application for this role. Your recordings and answers are "
        "seen by the hiring team, kept for the period stated below, and then deleted. You may ask us to "
        "delete them earlier or to see what we hold about you by writing to the support contact.",
        "The privacy notice candidates read and accept before anything is recorded.",
    )
    privacy_notice_version: str = setting(
        "1", "Version of the privacy notice candidates consent to; change it when the notice changes."
    )
    logo: str = setting(
        "",
        "The organisation's logo, shown to candidates at the top of every page (its name as the alternative text) "
        "and in their e-mails: a PNG, JPEG, WebP or SVG file of at most 512 KB and 4096 pixels a side. A relative "
        "path is taken from the config file's directory. Checked at start by its contents; an SVG with scripts, "
        "event handlers or references outside the file is refused. E-mails carry a PNG or JPEG logo as an inline "
        "picture (many mail programs show neither WebP nor SVG, so with those they show the name). Empty: none.",
    )
    accent: str = setting(
        "",
        "The organisation's colour, #RRGGBB, on buttons, links, focus rings and progress on candidates' pages and "
        "on the button in their e-mails. Refused at start unless people can read it (WCAG 2.x AA): 4.5:1 against "
        "white button text and the white page, 3:1 as a focus ring; the refusal names a darker shade that passes "
        f"(`boxinterview console`, Settings, tries colours). Empty: the product's own {colour.DEFAULT}.",
        lambda v: None if v == "" or colour.is_hex(v) else "a colour written #RRGGBB, e.g. #0b57d0, or empty",
    )

    @property
    def accent_colour(self) -> str:
        return self.accent.lower() or colour.DEFAULT


@dataclass(frozen=True)
class StoreSettings:
    busy_timeout_ms: int = setting(
        5000, "How long a database connection waits for another writer before giving up.", _at_least(100)
    )
    readers: int = setting(
        2,
        "Threads that read the database for the web server. More than the number of cores makes pages slower, "
        "not faster (Python holds one lock while turning rows into objects; see bench/loop_latency.py).",
        _at_least(1),
    )


@dataclass(frozen=True)
class UploadSettings:
    max_bytes: int = setting(
        1024**3,
        "Largest recording or file a candidate may upload, in bytes (advertised as Tus-Max-Size).",
        _at_least(1),
    )
    max_document_bytes: int = setting(
        10 * 1024**2,
        "Largest document (a CV: PDF, DOCX or ODT) a candidate may upload, in bytes.",
        _at_least(1),
    )
    expire_hours: int = setting(
        24, "An unfinished upload with no new bytes for this long is abandoned and deleted.", _at_least(1)
    )
    deadline_grace_minutes: int = setting(
        60,
        "An upload that started before the candidate's deadline may still finish this long after it, so an "
        "answer recorded at the last minute is not lost to a slow connection.",
        _at_least(0),
    )


@dataclass(frozen=True)
class MediaSettings:
    max_ffmpeg: int = setting(
        2,
        "Most ffmpeg processes running at once (a transcode starves a small server: keep it at the cores).",
        _at_least(1),
    )
    ffmpeg_threads: int = setting(2, "Threads each ffmpeg process may use.", _at_least(1))
    ffmpeg: str = setting("ffmpeg", "The ffmpeg program (a name on PATH or a full path).")
    ffprobe: str = setting("ffprobe", "The ffprobe program (a name on PATH or a full path).")
    max_height: int = setting(
        720, "Playback video is scaled down to at most this many lines.", _at_least(144)
    )
    x264_preset: str = setting(
        "veryfast",
        "x264 speed preset when a recording must be re-encoded (faster presets make bigger files).",
        _one_of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium"),
    )
    x264_crf: int = setting(
        23, "x264 quality when re-encoding (lower is better and bigger; 18-28 is sensible)."
    )
    audio_bitrate_kbps: int = setting(96, "AAC bitrate of playback audio.", _at_least(32))
    loudness_lufs: float = setting(
        -16.0, "Integrated loudness every answer is normalised to (EBU R128), so all candidates sound alike."
    )
    duration_tolerance_seconds: float = setting(
        5.0, "How much longer than the question's answer time a recording may be before it is rejected."
    )
    live_transcodes: int = setting(
        4,
        "Most recordings transcoded while they are still being uploaded, so they are playable moments after the "
        "last byte instead of after a full transcode. They take none of max_ffmpeg's processes (each mostly "
        "waits for the candidate's next second) and leave the CPU to jobs first; another starts only while "
        "those running keep up with their uploads. 0 turns this off.",
        _at_least(0),
    )
    live_x264_preset: str = setting(
        "superfast",
        "x264 speed preset of live transcodes that must re-encode (VP8 and VP9 answers, which Firefox records): "
        "faster than x264_preset so that several answers arriving at once are each followed in real time; "
        "the MP4s are about half as big again (32 rather than 22 MB per minute of 720p in "
        "bench/time_to_playable.py).",
        _one_of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium"),
    )
    job_lease_seconds: int = setting(
        60,
        "A worker that stops reporting for this long is presumed dead and its job is taken over.",
        _at_least(5),
    )
    job_max_attempts: int = setting(5, "Attempts before a processing job is marked failed.", _at_least(1))
    local_processing: bool = setting(
        True,
        "Process recordings and the team's videos with ffmpeg on this server. Turn off when remote runners "
        "(`boxinterview runner`) do all of it: the worker then still sends mail and webhooks, moves files to the "
        "bucket and sweeps, but claims no processing job, and live transcodes are off too (docs/scaling.md).",
    )
    worker_in_server: bool = setting(
        True,
        "Run the processing worker inside `boxinterview serve`. Turn off when `boxinterview worker` runs as its "
        "own service.",
    )


@dataclass(frozen=True)
class BackupSettings:
    hourly: int = setting(
        24, "Rotation: keep the newest backup of each of this many recent hours.", _at_least(0)
    )
    daily: int = setting(
        7, "Rotation: keep the newest backup of each of this many recent days.", _at_least(0)
    )
    weekly: int = setting(
        8, "Rotation: keep the newest backup of each of this many recent weeks.", _at_least(0)
    )
    copy_to: str = setting(
        "", "A directory on another mounted disk to copy each backup to (rotated the same way); empty: none."
    )


@dataclass(frozen=True)
class HealthSettings:
    disk_low_percent: int = setting(
        10,
        "Tell the operator when less than this share (%) of the data directory's disk is free.",
        _at_least(0),
    )
    disk_low_gb: int = setting(5, "… or when less than this many GB are free.", _at_least(0))
    backup_max_age_hours: int = setting(
        26, "Tell the operator when the newest backup is older than this (0: never).", _at_least(0)
    )


@dataclass(frozen=True)
class ApiSettings:
    requests_per_minute: int = setting(
        120,
        "Requests each API token may make per minute (with bursts of as many); more get 429 and Retry-After.",
        _at_least(1),
    )
    media_link_minutes: int = setting(
        60, "How long the links to recordings the API hands out keep working, in minutes.", _at_least(1)
    )
    wrong_tokens_per_minute: int = setting(
        20,
        "Wrong Bearer tokens (API, runner, registration) one address may send per minute; after that it gets 429 "
        "and Retry-After, whatever it sends.",
        _at_least(1),
    )
    runner_requests_per_minute: int = setting(
        600, "Requests each remote runner may make per minute; more get 429 and Retry-After.", _at_least(1)
    )


@dataclass(frozen=True)
class ProxySettings:
    hostname: str = setting(
        "", "The name people use to reach the server, e.g. interviews.example.com (for Caddy)."
    )
    tls: str = setting(
        "auto",
        "auto: certificates from Let's Encrypt (the name must be public); internal: Caddy's own CA, for a LAN.",
        _one_of("auto", "internal"),
    )
    acme_email: str = setting("", "E-mail address for the certificate authority (with tls: auto).")
    http_port: int = setting(80, "Port Caddy listens on for plain HTTP (it redirects to HTTPS).", _port)
    https_port: int = setting(443, "Port Caddy listens on for HTTPS.", _port)
    admin: str = setting("off", "Caddy's admin endpoint: off, or an address such as localhost:2019.")
    storage: str = setting("", "Where Caddy keeps certificates; empty for Caddy's default.")


@dataclass(frozen=True)
class SmtpSettings:
    operator: str = setting(
        "",
        "Where the operator is told about trouble (recordings that could not be processed, messages that could "
        "not be sent); empty for nobody. An address, optionally with a name: `Ops <ops@example.com>`.",
        _address(optional=True),
    )
    host: str = setting(
        "", "SMTP server for e-mail to candidates and the team. Empty: messages queue to send by hand."
    )
    port: int = setting(25, "SMTP port (25, 587 for STARTTLS, 465 for implicit TLS).", _port)
    security: str = setting("none", "How to protect the SMTP connection.", _one_of("none", "starttls", "tls"))
    username: str = setting("", "SMTP user name; empty when the server needs no login.")
    password_file: str = setting("", "File holding the SMTP password (kept out of the config file).")
    sender: str = setting(
        "boxinterview@localhost",
        "The From address of every message, optionally with a name: `Hiring Team <hiring@example.com>`. Without "
        "a name, messages show `organisation.name`. The address alone is the envelope sender.",
        _address(optional=False),
        key="from",
    )
    reply_to: str = setting(
        "",
        "Reply-To address, e.g. the hiring team's mailbox, optionally with a name; empty for none.",
        _address(optional=True),
    )
    timeout_seconds: int = setting(
        30, "How long to wait for the SMTP server before trying again later.", _at_least(1)
    )
    max_attempts: int = setting(
        80,
        "Attempts to send a message that keeps failing for a temporary reason (the server away, a 4xx reply) "
        "before it is marked failed and the operator told; with the backoff (30 s, doubling up to 1 h) 80 "
        "attempts span about three days.",
        _at_least(1),
    )


@dataclass(frozen=True)
class ReminderSettings:
    before_deadline_hours: list[int] = setting(
        [72, 24],
        "Remind candidates who have not completed this many hours before their deadline (one per entry).",
    )
    nudge_after_hours: int = setting(
        24,
        "Nudge a candidate who started but has not finished after this many hours (0: never).",
        _at_least(0),
    )
    team_hour_utc: int = setting(
        8,
        "Hour of the day (UTC) after which reviewers get their daily digest of newly completed interviews and "
        "their overdue reviews.",
        lambda h: None if 0 <= h <= 23 else "an hour from 0 to 23",
    )


@dataclass(frozen=True)
class ReviewSettings:
    session_idle_minutes: int = setting(
        60, "A reviewer is signed out after this long without a request.", _at_least(1)
    )
    session_max_hours: int = setting(
        12, "A reviewer signs in again after this long, however active.", _at_least(1)
    )
    login_max_failures: int = setting(
        5,
        "Failed sign-ins for one account from one network address within 15 minutes before that address must "
        "wait for it; ten times as many from all addresses together make the account wait for everyone, until "
        "the 15 minutes pass or it is given a new password.",
        _at_least(1),
    )
    login_max_failures_per_address: int = setting(
        20, "Failed sign-ins from one network address within 15 minutes before it must wait.", _at_least(1)
    )


def _networks(value: list[str]) -> str | None:
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            return f"a list of networks such as 10.0.5.0/24 or fd00::/8 ({item!r} is not one)"
    return None


def _delays(value: list[float]) -> str | None:
    if not value or any(d < 0 for d in value):
        return "a list of one or more delays in seconds, none negative"
    return None


def _positive(value: float) -> str | None:
    return None if value > 0 else "a number above 0"


# The schedule the Standard Webhooks specification gives as its example, after the first attempt (which is
# immediate): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h — ten attempts over 75 h 35 min.
SPEC_RETRY_DELAYS = [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 50400.0, 72000.0, 86400.0]


@dataclass(frozen=True)
class WebhookSettings:
    timeout_seconds: float = setting(
        15.0,
        "How long a receiver has to answer a webhook before the attempt counts as failed (the specification "
        "recommends 15 to 30 s).",
        _positive,
    )
    retry_delays_seconds: list[float] = setting(
        SPEC_RETRY_DELAYS,
        "Delays before each retry of a webhook that failed; the first attempt is immediate, and after the last "
        "retry the delivery is marked failed. The default is the Standard Webhooks schedule (5 s, 5 min, 30 min, "
        "2 h, 5 h, 10 h, 14 h, 20 h, 24 h): ten attempts over about three days (75 h 35 min).",
        _delays,
    )
    retry_jitter: float = setting(
        0.1,
        "Each retry delay is lengthened by a random share up to this (0.1: up to 10 %), so that receivers that "
        "failed together are not all retried at the same moment.",
        lambda v: None if 0 <= v <= 1 else "a share from 0 to 1",
    )
    concurrency: int = setting(8, "Webhook deliveries in flight at once, over all endpoints.", _at_least(1))
    per_endpoint: int = setting(
        4,
        "Webhook deliveries in flight at once to one endpoint, so that a slow receiver cannot take every slot.",
        _at_least(1),
    )
    allow_private_targets: bool = setting(
        False,
        "Deliver to endpoints on loopback, private, link-local, shared, multicast or reserved addresses (checked "
        "on the address actually connected to). Off, such endpoints are refused, so a webhook cannot be aimed at "
        "the appliance itself or the office network (server-side request forgery). Turn on only for tests.",
    )
    allowed_networks: list[str] = setting(
        [],
        "Networks that may be delivered to even though they are private, e.g. [10.0.5.20/32] for an applicant "
        "tracking system on the office network; everything else private stays refused.",
        _networks,
    )
    secret_grace_hours: float = setting(
        24.0,
        "After a secret is rotated, the old one still signs every webhook (beside the new one) for this long, so "
        "that the receiver can switch without missing one.",
        lambda v: None if v >= 0 else "a number of hours, 0 or more",
    )
    poll_seconds: float = setting(
        1.0, "How often the worker looks for webhooks due; an event waits at most this long.", _positive
    )


@dataclass(frozen=True)
class StorageSettings:
    kind: str = setting(
        "local",
        "Where finished recordings live: local (in data_dir, as always) or s3 (an S3-compatible bucket; uploads "
        "still arrive in data_dir and are moved once processed). See docs/scaling.md.",
        _one_of("local", "s3"),
    )
    endpoint_url: str = setting(
        "",
        "With kind s3: the address of the object store, e.g. https://s3.eu-central-1.amazonaws.com or "
        "https://minio.example.com:9000. Reviewers' browsers fetch recordings from it, so they must reach it.",
        _url_or_empty,
    )
    region: str = setting("us-east-1", "With kind s3: the bucket's region (signatures name it).")
    bucket: str = setting("", "With kind s3: the bucket's name; it must exist already.")
    access_key: str = setting("", "With kind s3: the access key id allowed to read, write and delete.")
    secret_key: str = setting(
        "",
        "With kind s3: the secret key. Keep it out of the config file: give it in a file named by "
        "BOXINTERVIEW_STORAGE_SECRET_KEY_FILE.",
    )
    path_style: bool = setting(
        True,
        "Address the bucket in the path (https://host/bucket/key), as MinIO, SeaweedFS and most self-hosted "
        "stores need; false for virtual-hosted names (https://bucket.host/key).",
    )
    prefix: str = setting(
        "boxinterview/",
        "Every object's key starts with this, so one bucket can serve several things; may be empty.",
    )
    link_seconds: int = setting(
        3600,
        "How long a link to a file in the bucket (a presigned GET a player is sent to) keeps working, in "
        "seconds. A player may keep using it while a reviewer pauses and seeks, so not much less than an hour.",
        lambda v: (
            None if 10 <= v <= 604800 else "10 to 604800 seconds (7 days, the longest a presigned link lasts)"
        ),
    )
    keep_local_copy: bool = setting(
        False,
        "Keep the local file after it has been copied and verified (only while trying the bucket out: the disk "
        "then fills as before).",
    )
