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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boxinterview.config import colour, logo, yamlsrc
from boxinterview.config.sections import (  # noqa: F401 - the sections are part of this module's interface
    ApiSettings,
    BackupSettings,
    HealthSettings,
    MediaSettings,
    OrganisationSettings,
    ProxySettings,
    ReminderSettings,
    ReviewSettings,
    ServerSettings,
    SmtpSettings,
    StorageSettings,
    StoreSettings,
    UploadSettings,
    WebhookSettings,
    _at_least,
    _one_of,
    _port,
    _url_or_empty,
    setting,
)

ENV_PREFIX = "BOXINTERVIEW_"
SYSTEM_CONFIG = Path("/etc/boxinterview/config.yaml")
LOCAL_CONFIG = Path("boxinterview.yaml")


class ConfigError(Exception):
    """One or more settings are wrong. `problems` holds one line for each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


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
    health: HealthSettings = setting(HealthSettings(), "What the operator is told about, and when.")
    api: ApiSettings = setting(ApiSettings(), "The API for integrations (/api/v1/).")
    webhooks: WebhookSettings = setting(
        WebhookSettings(), "Webhooks to an applicant tracking system (docs/integrations.md)."
    )
    storage: StorageSettings = setting(
        StorageSettings(), "Where finished recordings live: this disk or an S3-compatible bucket."
    )
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
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            raise TypeError(f"the setting {key} has no default")
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
    values: Settings = _build(Settings, doc.value, (), doc, environ, problems)
    source = str(path) if path else "embedded default"
    overridden = [env_name(k) for k, _, _ in documented_settings() if env_name(k) in environ]
    if overridden:
        source += f", with {', '.join(overridden)} from the environment"
    settings = dataclasses.replace(values, source=source)
    if not settings.data_dir.is_absolute():
        settings = dataclasses.replace(settings, data_dir=(base_dir / settings.data_dir))
    org = settings.organisation
    if org.logo and not Path(org.logo).is_absolute():
        org = dataclasses.replace(org, logo=str(base_dir / org.logo))
        settings = dataclasses.replace(settings, organisation=org)
    problems += _brand_problems(org, doc, environ)
    problems += _storage_problems(settings.storage, doc, environ)
    if problems:
        raise ConfigError(problems)
    return settings


def _brand_problems(org: OrganisationSettings, doc: yamlsrc.YamlDoc, environ: Mapping[str, str]) -> list[str]:
    """The logo and the accent are checked once their values are known: the file by its contents, the colour
    by its contrast in each role it has."""

    def where(key: str) -> str:
        env_key = env_name(f"organisation.{key}")
        if env_key + "_FILE" in environ:
            return f"environment {env_key}_FILE: "
        if env_key in environ:
            return f"environment {env_key}: "
        return _where(doc, ("organisation", key))

    problems = []
    if org.logo:
        try:
            logo.read(Path(org.logo))
        except logo.LogoProblem as exc:
            problems.append(f"{where('logo')}organisation.logo: {exc}")
    if org.accent and (why := colour.problem(org.accent)):
        problems.append(f"{where('accent')}organisation.accent {why}")
    return problems


def _storage_problems(s: StorageSettings, doc: yamlsrc.YamlDoc, environ: Mapping[str, str]) -> list[str]:
    """A bucket needs all of its address and keys; name each one that is missing, and where to set it."""
    if s.kind != "s3":
        return []
    where = _where(doc, ("storage", "kind"))
    if env_name("storage.kind") in environ:
        where = f"environment {env_name('storage.kind')}: "
    needed = {
        "endpoint_url": "the object store's address",
        "bucket": "the bucket's name",
        "access_key": "the access key id",
        "secret_key": f"the secret key (best in a file named by {env_name('storage.secret_key')}_FILE)",
    }
    return [
        f"{where}storage.kind is s3, so storage.{key} must be set: {what}"
        for key, what in needed.items()
        if not str(getattr(s, key)).strip()
    ]


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
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
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
