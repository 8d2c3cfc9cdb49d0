"""Shared fixtures: a real data directory with a real database (APSW on disk), and the CLI in-process."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from boxinterview.cli.demo import demo_interview_yaml
from boxinterview.cli.main import main
from boxinterview.config.settings import Settings, load_settings
from boxinterview.domain import interview_io, interviews
from boxinterview.domain.models import Interview, InterviewStatus
from boxinterview.ops import datadir
from boxinterview.store import Database
from tests.support import storage_mode

ROOT = Path(__file__).resolve().parent.parent

# The web app in this process for handler tests: the `site` and `make_site` fixtures.
pytest_plugins = ["tests.support.site"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order the test processes take files in (scripts/test runs them a file at a time, in this order): the
    files that drive a browser, the longest, early and each followed by one of the others (the other slow ones
    first, then those with most tests), so that a browser's work runs beside lighter work rather than beside
    another browser, and no process is left running a long browser file at the end while the other idles."""
    files: dict[Path, list[pytest.Item]] = {}
    rank: dict[Path, int] = {}
    for item in items:
        kind = 0 if item.get_closest_marker("browser") else 1 if item.get_closest_marker("slow") else 2
        files.setdefault(item.path, []).append(item)
        rank[item.path] = min(rank.get(item.path, kind), kind)
    browsers = sorted((path for path in files if rank[path] == 0), key=lambda path: -len(files[path]))
    others = sorted(
        (path for path in files if rank[path] > 0), key=lambda path: (rank[path], -len(files[path]))
    )
    order = [path for pair in itertools.zip_longest(browsers, others) for path in pair if path is not None]
    items[:] = [item for path in order for item in files[path]]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--storage",
        choices=storage_mode.CHOICES,
        default="disk",
        help="where the servers and workers under test keep finished recordings (seaweedfs: a real S3 bucket)",
    )


@pytest.fixture(scope="session", autouse=True)
def _storage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if request.config.getoption("storage") == "disk":
        yield
        return
    from tests.support.objectstore import object_store  # it needs this module loaded first

    with object_store(tmp_path_factory.mktemp("objectstore")) as store:
        storage_mode.use(store)
        try:
            yield
        finally:
            storage_mode.use(None)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the machine's own config or writes outside its temporary directory."""
    for key in list(os.environ):
        if key.startswith("BOXINTERVIEW_"):
            monkeypatch.delenv(key)
    monkeypatch.setattr("boxinterview.config.settings.SYSTEM_CONFIG", tmp_path / "no-such-system-config.yaml")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(environ=storage_mode.environ())


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    datadir.init(settings.data_dir)
    database = Database.open(settings.database_path)
    yield database
    database.close()


@pytest.fixture
def template() -> Interview:
    return interview_io.from_yaml(demo_interview_yaml(), "demo-interview.yaml")


@pytest.fixture
def open_interview(db: Database, template: Interview) -> Interview:
    interview_id = interviews.create(db, template, "test")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "test")
    return interviews.get(db, interview_id)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> Result:
    """Run `boxinterview ARGS` in this process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse exits on bad usage
            code = int(exc.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def boxinterview_cmd() -> list[str]:
    """The installed command of the Python running the tests."""
    return [sys.executable, "-m", "boxinterview"]
