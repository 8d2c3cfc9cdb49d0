"""Settings: where they come from, environment overrides, and errors that point at the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from boxinterview.config import settings as config
from boxinterview.config.settings import ConfigError, documented_settings, env_name, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_embedded_default_without_any_file(tmp_path: Path) -> None:
    s = load_settings(environ={})
    assert s.source == "embedded default"
    assert s.data_dir == tmp_path / "var"
    assert (s.server.host, s.server.port) == ("127.0.0.1", 8080)
    assert s.base_url == "http://127.0.0.1:8080"
    moved = load_settings(environ={"BOXINTERVIEW_SERVER_PORT": "18080", "BOXINTERVIEW_NOT_A_SETTING": "x"})
    assert moved.server.port == 18080
    assert moved.source == "embedded default, with BOXINTERVIEW_SERVER_PORT from the environment"


def test_local_file_is_found_and_relative_data_dir_follows_it(tmp_path: Path) -> None:
    (tmp_path / "boxinterview.yaml").write_text("data_dir: data\nserver:\n  port: 9001\n")
    s = load_settings(environ={})
    assert s.source == "boxinterview.yaml"
    assert s.server.port == 9001
    assert s.data_dir == tmp_path / "data"


def test_order_explicit_then_environment_then_local_then_system(tmp_path: Path, monkeypatch) -> None:
    for name, port in (("explicit", 1001), ("env", 1002), ("boxinterview", 1003), ("system", 1004)):
        (tmp_path / f"{name}.yaml").write_text(f"server: {{port: {port}}}\n")
    monkeypatch.setattr(config, "SYSTEM_CONFIG", tmp_path / "system.yaml")
    env = {"BOXINTERVIEW_CONFIG": str(tmp_path / "env.yaml")}
    assert load_settings(tmp_path / "explicit.yaml", environ=env).server.port == 1001
    assert load_settings(environ=env).server.port == 1002
    assert load_settings(environ={}).server.port == 1003
    (tmp_path / "boxinterview.yaml").unlink()
    assert load_settings(environ={}).server.port == 1004


def test_environment_overrides_the_file_and_reads_secrets_from_files(tmp_path: Path) -> None:
    (tmp_path / "boxinterview.yaml").write_text("server:\n  port: 9001\norganisation:\n  name: File Ltd\n")
    secret = tmp_path / "name.txt"
    secret.write_text("Secret Ltd\n")
    s = load_settings(
        environ={"BOXINTERVIEW_SERVER_PORT": "9002", "BOXINTERVIEW_ORGANISATION_NAME_FILE": str(secret)}
    )
    assert s.server.port == 9002
    assert s.organisation.name == "Secret Ltd"


def problems_of(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> list[str]:
    (tmp_path / "boxinterview.yaml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(environ=environ or {})
    return info.value.problems


def test_wrong_value_names_file_line_key_and_expectation(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "log_level: info\nserver:\n  host: 0.0.0.0\n  port: 70000\n")
    assert problems == ["boxinterview.yaml:4: server.port: expected a port number from 1 to 65535, got 70000"]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "sever:\n  port: 1\nlog_level: loud\nserver:\n  port: eighty\n")
    assert len(problems) == 3
    assert problems[0].startswith("boxinterview.yaml:1: unknown setting 'sever'; did you mean 'server'?")
    assert (
        "boxinterview.yaml:3: log_level: expected one of debug, info, warning, error, got 'loud'" in problems
    )
    assert "boxinterview.yaml:5: server.port: expected a whole number, got 'eighty'" in problems


def test_broken_yaml_points_at_the_line(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "server:\n  port: 8080\n  host: [unclosed\n")
    assert len(problems) == 1
    assert re.match(r"boxinterview\.yaml:\d+: not valid YAML", problems[0])


def test_duplicate_key_is_an_error_not_a_silent_override(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "server:\n  port: 1\n  port: 2\n")
    assert problems == ["boxinterview.yaml:3: key 'port' appears twice in the same section; keep one of them"]


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "", environ={"BOXINTERVIEW_SERVER_PORT": "http"})
    assert problems == [
        "environment BOXINTERVIEW_SERVER_PORT: server.port: expected a whole number, got 'http'"
    ]


def test_section_that_is_not_a_mapping(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "server: 8080\n") == [
        "boxinterview.yaml:1: server: expected a section of settings"
    ]


def test_named_file_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(tmp_path / "missing.yaml", environ={})


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    missing = [
        key for key, _, _ in documented_settings() if f"`{key}`" not in docs or env_name(key) not in docs
    ]
    assert missing == [], f"settings missing from docs/configuration.md: {missing}"
    for key, doc, _ in documented_settings():
        assert len(doc) > 10, f"{key} needs a description"


def test_cli_reports_config_errors_one_line_each_and_touches_nothing(tmp_path: Path, cli) -> None:
    (tmp_path / "boxinterview.yaml").write_text("server:\n  port: -1\nbogus: 1\n")
    result = cli("init")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("boxinterview: config error: boxinterview.yaml:") for line in lines)
    assert not (tmp_path / "var").exists()


def test_config_check_says_where_settings_come_from(tmp_path: Path, cli) -> None:
    (tmp_path / "site.yaml").write_text("server:\n  public_url: https://jobs.example.com/\n")
    result = cli("--config", str(tmp_path / "site.yaml"), "config", "check")
    assert result.code == 0
    assert "site.yaml" in result.out and "https://jobs.example.com" in result.out
    assert "server.port = 8080" in cli("config", "show").out


def test_config_check_shows_the_name_and_the_envelope_address(tmp_path: Path, cli) -> None:
    (tmp_path / "site.yaml").write_text("smtp:\n  from: Hiring Team <hiring@example.test>\n")
    result = cli("--config", str(tmp_path / "site.yaml"), "config", "check")
    assert result.code == 0, result.err
    assert "from Hiring Team <hiring@example.test>; envelope sender hiring@example.test" in result.out


@pytest.mark.parametrize("key", ["from", "reply_to", "operator"])
@pytest.mark.parametrize(
    ("value", "wrong"),
    [
        ("Hiring Team hiring@example.test", "the address in angle brackets"),
        ("hiring", "a name before an @ and a domain after it"),
        ("a@example.test, b@example.test", "more than one address"),
        ("Hiring <hiring@example..test>", "example..test is not a domain"),
        ("rh@bücher-.example", "not a valid international domain name"),
    ],
)
def test_config_refuses_an_address_it_cannot_use_saying_what_to_write(
    tmp_path: Path, cli, key: str, value: str, wrong: str
) -> None:
    (tmp_path / "site.yaml").write_text(f"smtp:\n  {key}: '{value}'\n")
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path / "site.yaml", environ={})
    [problem] = refused.value.problems
    assert f"smtp.{key}: expected an e-mail address written as hiring@example.com or " in problem
    assert "Hiring Team <hiring@example.com>" in problem and wrong in problem
    result = cli("--config", str(tmp_path / "site.yaml"), "config", "check")
    assert result.code == 2 and wrong in result.err


def test_config_check_warns_of_an_address_that_needs_smtputf8(tmp_path: Path, cli) -> None:
    (tmp_path / "site.yaml").write_text("smtp:\n  from: Zoë <zoë@bücher.example>\n")
    result = cli("--config", str(tmp_path / "site.yaml"), "config", "check")
    assert result.code == 0, result.err
    assert "envelope sender zoë@xn--bcher-kva.example" in result.out
    assert "warning: smtp.from: zoë@bücher.example has non-ASCII characters before the @" in result.err
