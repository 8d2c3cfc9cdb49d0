"""The storage settings: local by default, and a bucket that is missing any of its address or keys is refused
when the settings are read, naming each setting to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from boxinterview import storage
from boxinterview.config.settings import ConfigError, load_settings
from boxinterview.ops.proxy import caddyfile, csp


def test_local_disk_is_the_default(tmp_path: Path) -> None:
    settings = load_settings(None, environ={})
    assert settings.storage.kind == "local" and storage.open_bucket(settings.storage) is None
    assert "media-src 'self' blob:" in csp(settings)


def test_a_bucket_without_its_address_or_keys_is_refused_naming_each(tmp_path: Path) -> None:
    config = tmp_path / "boxinterview.yaml"
    config.write_text("storage:\n  kind: s3\n  endpoint_url: https://s3.example.com\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    problems = caught.value.problems
    assert [p.split("storage.kind is s3, so ")[1].split(" ")[0] for p in problems] == [
        "storage.bucket",
        "storage.access_key",
        "storage.secret_key",
    ]
    assert all(p.startswith(f"{config}:2: ") for p in problems)
    assert "BOXINTERVIEW_STORAGE_SECRET_KEY_FILE" in problems[-1]


def test_the_secret_key_comes_from_a_file_and_the_policy_names_the_bucket(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    config = tmp_path / "boxinterview.yaml"
    config.write_text(
        "storage:\n  kind: s3\n  endpoint_url: https://s3.example.com\n  bucket: b\n  access_key: k\n"
        "  path_style: false\nproxy:\n  hostname: interviews.example.com\n"
    )
    settings = load_settings(config, environ={"BOXINTERVIEW_STORAGE_SECRET_KEY_FILE": str(secret)})
    assert settings.storage.secret_key == "s3cr3t"
    assert "media-src 'self' https://b.s3.example.com blob:" in csp(settings)
    assert "img-src 'self' https://b.s3.example.com" in caddyfile(settings)
    wrong = tmp_path / "bad.yaml"
    wrong.write_text("storage:\n  kind: s3\n  endpoint_url: s3.example.com\n")
    with pytest.raises(ConfigError, match="storage.endpoint_url: expected an address starting with http"):
        load_settings(wrong, environ={})
    with pytest.raises(ConfigError, match="storage.link_seconds: expected 10 to 604800 seconds"):
        load_settings(None, environ={"BOXINTERVIEW_STORAGE_LINK_SECONDS": "864000"})
