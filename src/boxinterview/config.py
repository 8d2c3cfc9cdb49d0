"""One validated settings object.

Where the settings come from, first match wins: `--config PATH`, `$BOXINTERVIEW_CONFIG`, `./boxinterview.yaml`,
`/etc/boxinterview/config.yaml`, else the embedded default (data in `./var`, server on 127.0.0.1:8080).
Every setting can then be overridden from the environment as `BOXINTERVIEW_<SECTION>_<KEY>` (for example
`BOXINTERVIEW_SERVER_PORT=8081`); a text setting can also be read from a file named by the same variable with
`_FILE` appended, which is how secrets reach the server. Every setting is documented in docs/configuration.md.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boxinterview import yamlsrc

ENV_PREFIX = "BOXINTERVIEW_"
SYSTEM_CONFIG = Path("/etc/boxinterview/config.yaml")
LOCAL_CONFIG = Path("boxinterview.yaml")


class ConfigError(Exception):
    """One or more settings are wrong. `problems` holds one line for each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


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
        1,
        "Recordings transcoded while they are still being uploaded, so they are playable moments after the last "
        "byte instead of after a full transcode. They count against max_ffmpeg, and at most max_ffmpeg - 1 run, "
        "so one process is always free for finished uploads. 0 turns this off.",
        _at_least(0),
    )
    job_lease_seconds: int = setting(
        60,
        "A worker that stops reporting for this long is presumed dead and its job is taken over.",
        _at_least(5),
    )
    job_max_attempts: int = setting(5, "Attempts before a processing job is marked failed.", _at_least(1))
    worker_in_server: bool = setting(
        True,
        "Run the processing worker inside `boxinterview serve`. Turn off when `boxinterview worker` runs as its "
        "own service.",
    )


@dataclass(frozen=True)
class BackupSettings:
    keep: int = setting(7, "How many backups to keep; the oldest beyond this are removed.", _at_least(1))


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
        "Where the operator is told about trouble (recordings that could not be processed); empty for nobody.",
    )
    host: str = setting(
        "", "SMTP server for e-mail to candidates and the team. Empty: messages queue to send by hand."
    )
    port: int = setting(25, "SMTP port (25, 587 for STARTTLS, 465 for implicit TLS).", _port)
    security: str = setting("none", "How to protect the SMTP connection.", _one_of("none", "starttls", "tls"))
    username: str = setting("", "SMTP user name; empty when the server needs no login.")
    password_file: str = setting("", "File holding the SMTP password (kept out of the config file).")
    sender: str = setting("boxinterview@localhost", "The From address of every message.", key="from")
    reply_to: str = setting("", "Reply-To address, e.g. the hiring team's mailbox; empty for none.")
    timeout_seconds: int = setting(
        30, "How long to wait for the SMTP server before trying again later.", _at_least(1)
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
        5, "Failed sign-ins for one account within 15 minutes before it must wait.", _at_least(1)
    )
    login_max_failures_per_address: int = setting(
        20, "Failed sign-ins from one network address within 15 minutes before it must wait.", _at_least(1)
    )


@dataclass(frozen=True)
class Settings:
    data_dir: Path = setting(
        Path("var"),
        "Directory for the database, recordings and backups. A relative path is taken from the directory "
        "of the config file (or the current directory when there is none).",
    )
    log_level: str = setting(
        "info", "How much the server logs.", _one_of("debug", "info", "warning", "error")
    )
    server: ServerSettings = setting(ServerSettings(), "The web server.")
    organisation: OrganisationSettings = setting(OrganisationSettings(), "Who runs the interviews.")
    store: StoreSettings = setting(StoreSettings(), "The SQLite database.")
    uploads: UploadSettings = setting(UploadSettings(), "Resumable uploads (tus).")
    media: MediaSettings = setting(MediaSettings(), "Processing recordings with ffmpeg.")
    reviews: ReviewSettings = setting(ReviewSettings(), "Reviewers' sign-in.")
    smtp: SmtpSettings = setting(SmtpSettings(), "E-mail to candidates and the team.")
    reminders: ReminderSettings = setting(
        ReminderSettings(), "Reminders to candidates before their deadline."
    )
    proxy: ProxySettings = setting(ProxySettings(), "Caddy in front, for HTTPS.")
    backup: BackupSettings = setting(BackupSettings(), "Backups in data_dir/backups.")
    # Where the settings came from; not a setting itself.
    source: str = field(default="embedded default", metadata={"internal": True})

    @property
    def database_path(self) -> Path:
        return self.data_dir / "boxinterview.db"

    @property
    def base_url(self) -> str:
        if self.server.public_url:
            return self.server.public_url.rstrip("/")
        host = self.server.host
        if ":" in host:
            host = f"[{host}]"
        elif host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        return f"http://{host}:{self.server.port}"


def documented_settings(cls: type = Settings, prefix: str = "") -> list[tuple[str, str, Any]]:
    """Every setting as (dotted key, doc, default), for docs and their test."""
    out = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        key = prefix + f.metadata.get("key", f.name)
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        if dataclasses.is_dataclass(default):
            out.extend(documented_settings(type(default), key + "."))
        else:
            out.append((key, f.metadata["doc"], default))
    return out


def env_name(dotted_key: str) -> str:
    return ENV_PREFIX + dotted_key.replace(".", "_").upper()


def find_config_file(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> Path | None:
    """The file to read, or None for the embedded default. An explicitly named file must exist."""
    named = explicit or environ.get(ENV_PREFIX + "CONFIG")
    if named:
        path = Path(named)
        how = "--config" if explicit else f"{ENV_PREFIX}CONFIG"
        if not path.is_file():
            raise ConfigError([f"{path}: no such config file (named by {how}); check the path"])
        return path
    for candidate in (LOCAL_CONFIG, SYSTEM_CONFIG):
        if candidate.is_file():
            return candidate
    return None


def load_settings(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read, override and validate the settings; raise ConfigError listing every problem."""
    environ = os.environ if environ is None else environ
    path = find_config_file(explicit, environ)
    problems: list[str] = []
    if path is None:
        doc = yamlsrc.YamlDoc(source="embedded default", value={})
        base_dir = Path.cwd()
    else:
        try:
            doc = yamlsrc.load_file(path)
        except yamlsrc.YamlSyntaxError as exc:
            raise ConfigError([str(exc)]) from None
        except OSError as exc:
            raise ConfigError([f"{path}: cannot read the config file: {exc.strerror}"]) from None
        base_dir = path.resolve().parent
        if doc.value is None:
            doc.value = {}
        if not isinstance(doc.value, dict):
            raise ConfigError([f"{path}:{doc.line_of(())}: expected a mapping of settings at the top level"])
    values = _build(Settings, doc.value, (), doc, environ, problems)
    if problems:
        raise ConfigError(problems)
    settings = dataclasses.replace(values, source=str(path) if path else "embedded default")
    if not settings.data_dir.is_absolute():
        settings = dataclasses.replace(settings, data_dir=(base_dir / settings.data_dir))
    return settings


def _build(
    cls: type,
    raw: dict[str, Any],
    path: yamlsrc.PathKey,
    doc: yamlsrc.YamlDoc,
    environ: Mapping[str, str],
    problems: list[str],
) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {
        f.metadata.get("key", f.name): f for f in dataclasses.fields(cls) if not f.metadata.get("internal")
    }
    for key in raw:
        if key not in fields:
            near = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known keys here: {', '.join(fields)}"
            problems.append(
                _where(doc, (*path, key)) + f"unknown setting {yamlsrc.dotted((*path, key))!r}{hint}"
            )
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        key_path = (*path, name)
        dotted_key = yamlsrc.dotted(key_path)
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            section = raw.get(name, {})
            if section is None:
                section = {}
            if not isinstance(section, dict):
                problems.append(_where(doc, key_path) + f"{dotted_key}: expected a section of settings")
                continue
            kwargs[f.name] = _build(kind, section, key_path, doc, environ, problems)
            continue
        env_key = env_name(dotted_key)
        if env_key in environ or env_key + "_FILE" in environ:
            value, where = _from_env(env_key, environ, problems)
            if value is None:
                continue
        elif name in raw:
            value, where = raw[name], _where(doc, key_path)
        else:
            continue
        converted, expected = _convert(value, kind, from_env=where.startswith("environment"))
        check = f.metadata.get("check")
        if expected is None and check is not None:
            expected = check(converted)
        if expected is not None:
            problems.append(f"{where}{dotted_key}: expected {expected}, got {value!r}")
            continue
        kwargs[f.name] = converted
    return cls(**kwargs)


def _from_env(env_key: str, environ: Mapping[str, str], problems: list[str]) -> tuple[Any, str]:
    if env_key + "_FILE" in environ:
        file_path = Path(environ[env_key + "_FILE"])
        try:
            return file_path.read_text(encoding="utf-8").strip(), f"environment {env_key}_FILE: "
        except OSError as exc:
            problems.append(f"environment {env_key}_FILE: cannot read {file_path}: {exc.strerror}")
            return None, ""
    return environ[env_key], f"environment {env_key}: "


def _where(doc: yamlsrc.YamlDoc, path: yamlsrc.PathKey) -> str:
    line = doc.line_of(path)
    return f"{doc.source}:{line}: " if line else f"{doc.source}: "


def _convert(value: Any, kind: Any, from_env: bool) -> tuple[Any, str | None]:
    """Convert a YAML or environment value to `kind`; return (value, None) or (None, what was expected)."""
    if isinstance(kind, types.UnionType):  # `str | None`
        if value is None:
            return None, None
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
    if kind is bool:
        if isinstance(value, bool):
            return value, None
        if from_env and str(value).lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return str(value).lower() in ("1", "true", "yes", "on"), None
        return None, "true or false"
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        if from_env:
            try:
                return int(value), None
            except ValueError:
                pass
        return None, "a whole number"
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value), None
        if from_env:
            try:
                return float(value), None
            except ValueError:
                pass
        return None, "a number"
    if kind is str:
        if isinstance(value, str):
            return value, None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value), None
        return None, "text"
    if kind is Path:
        if isinstance(value, str) and value.strip():
            return Path(value), None
        return None, "a path"
    if typing.get_origin(kind) is list:
        item_kind = typing.get_args(kind)[0]
        if from_env and isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            return None, "a list"
        items = []
        for item in value:
            converted, expected = _convert(item, item_kind, from_env)
            if expected is not None:
                return None, f"a list of {expected}"
            items.append(converted)
        return items, None
    raise TypeError(f"setting type {kind!r} is not supported")
