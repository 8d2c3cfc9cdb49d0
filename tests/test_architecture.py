"""The shape of the code: SQL only in the store, the core free of its faces, files kept small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "src" / "boxinterview"
STORE = CORE / "store"
SOURCES = [*CORE.rglob("*.py"), *(ROOT / "web").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I | re.S
)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _imports(tree: ast.AST, top_level_only: bool) -> list[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out = []
    for node in nodes:
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append(node.module)
    return out


def test_no_sql_outside_the_store() -> None:
    offenders = []
    for path in SOURCES:
        if STORE in path.parents:
            continue
        for line, text in _strings(ast.parse(path.read_text())):
            if SQL.search(text):
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == []


def test_sqlite_only_through_apsw() -> None:
    for path in SOURCES:
        assert "sqlite3" not in _imports(ast.parse(path.read_text()), top_level_only=False), path


def _module(path: Path) -> str:
    """The dotted name a file is imported as (`web/app.py` is `boxinterview.web.app`)."""
    rel = path.relative_to(CORE) if CORE in path.parents else path.relative_to(ROOT)
    parts = [*rel.parts[:-1], rel.stem]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["boxinterview", *parts])


def _imported(path: Path, top_level_only: bool = False) -> list[str]:
    """Every boxinterview module a file imports (`from boxinterview import clock` counts as the module)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "boxinterview":
            # `from boxinterview.mail import addresses` imports the module mail.addresses
            out += [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                for a in node.names
            ]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("boxinterview.")]
    return out


MODULES = {_module(p) for p in SOURCES}


def _part(module: str) -> str:
    """The package a module belongs to: `boxinterview.store.jobs` → `store`, `boxinterview.clock` → `clock`."""
    return module.split(".")[1] if "." in module else ""


# What each part of the house may import, besides itself and the shared base (clock, errors, files).
BASE = {"clock", "errors", "files"}
MAY_IMPORT = {
    "config": {"mail.addresses"},
    "i18n": set(),
    "store": {"domain.models"},
    "media": set(),
    "storage": {"config.sections"},
    "domain": {"config", "i18n", "store", "mail", "storage"},
    "mail": {"config", "i18n", "store", "domain"},
    "ops": {"config", "i18n", "store", "domain", "mail", "media"},
    "pipeline": {"config", "i18n", "store", "domain", "mail", "media", "ops", "storage"},
    "runner": {"media", "pipeline.playable"},
    "cli": {"config", "i18n", "store", "domain", "mail", "media", "ops", "pipeline", "storage", "runner"},
    "web": {"config", "i18n", "store", "domain", "mail", "media", "ops", "pipeline", "storage"},
    "tui": {"config", "i18n", "store", "domain", "mail", "media", "ops", "pipeline", "storage"},
    "__main__": {"cli"},
}


def _allowed(part: str, target: str) -> bool:
    other = _part(target)
    if other in (part, "") or other in BASE:  # "" is the package itself (its version)
        return True
    rest = target.split(".", 1)[1]
    return any(rest == rule or rest.startswith(rule + ".") for rule in MAY_IMPORT[part])


def test_the_core_is_packages_and_a_shared_base() -> None:
    loose = sorted(p.name for p in CORE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "clock.py", "errors.py", "files.py"]


def test_every_part_imports_only_the_parts_beneath_it() -> None:
    """store sees only the domain's models; domain and mail never ops, pipeline, cli or a face;
    media nothing but the base; a face the core but not the other face."""
    wrong = []
    for path in SOURCES:
        module = _module(path)
        part = _part(module)
        if part in BASE or part in ("", "__init__"):
            assert all(_part(m) in BASE | {""} for m in _imported(path)), path
            continue
        for target in _imported(path, top_level_only=part == "cli"):
            if not _allowed(part, target):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_only_the_command_line_loads_a_face_and_only_inside_a_command() -> None:
    for path in CORE.rglob("*.py"):
        faces = [m for m in _imported(path) if _part(m) in ("web", "tui")]
        if path == CORE / "cli" / "main.py":
            assert not [m for m in _imported(path, top_level_only=True) if _part(m) in ("web", "tui")]
            assert sorted(set(faces)) == ["boxinterview.tui.app", "boxinterview.web.app"]
        else:
            assert faces == [], f"{path.relative_to(ROOT)} imports {faces}"


def test_faces_do_not_reach_into_the_store_for_writes() -> None:
    for path in [*(ROOT / "web").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]:
        imported = _imports(ast.parse(path.read_text()), top_level_only=False)
        assert not [
            m
            for m in imported
            if m.startswith("boxinterview.store.") and m != "boxinterview.store.migrations"
        ], path


def test_files_stay_under_500_lines() -> None:
    long = [f"{p.relative_to(ROOT)}: {n}" for p in SOURCES if (n := len(p.read_text().splitlines())) > 500]
    assert long == []


def test_every_package_ships_in_the_wheel() -> None:
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"boxinterview." + ".".join(p.parent.relative_to(CORE).parts) for p in CORE.rglob("__init__.py")}
    found = {name.rstrip(".") for name in found}
    for face in ("web", "tui"):
        found |= {
            ".".join(["boxinterview", face, *p.parent.relative_to(ROOT / face).parts])
            for p in (ROOT / face).rglob("__init__.py")
        }
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"


def test_ffmpeg_only_in_media() -> None:
    for path in SOURCES:
        if CORE / "media" in path.parents:
            continue
        imported = _imports(ast.parse(path.read_text()), top_level_only=False)
        assert "ffmpeg" not in imported, path
        text = path.read_text()
        assert "create_subprocess_exec" not in text and "subprocess" not in imported, path


def test_the_object_store_only_in_storage() -> None:
    for path in SOURCES:
        if CORE / "storage" in path.parents:
            continue
        imported = _imports(ast.parse(path.read_text()), top_level_only=False)
        assert not {m for m in imported if m.split(".")[0] in ("boto3", "botocore", "aiobotocore")}, path


def test_forms_are_read_where_unreadable_ones_are_refused() -> None:
    """`request.post()` fails with bare ValueError and the like on a body that is not the form it claims."""
    for path in (ROOT / "web").rglob("*.py"):
        if path.name != "forms.py":
            assert "request.post()" not in path.read_text(), (
                f"{path.relative_to(ROOT)}: use forms.read(request)"
            )


def test_every_csv_is_written_through_one_helper() -> None:
    """A CSV written any other way would skip the guard against spreadsheet formulas in names."""
    writers = []
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                writers.append(str(path.relative_to(ROOT)))
    assert writers == ["src/boxinterview/domain/csv_write.py"]


def test_no_code_that_nothing_uses() -> None:
    """Functions, classes, constants and modules nothing calls go; what only a framework or a template reads is
    named in pyproject.toml's [tool.vulture]."""
    import subprocess
    import sys

    import pytest

    pytest.importorskip("vulture", reason="install the test extras: scripts/bootstrap --test")
    found = subprocess.run(
        [sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, found.stdout + found.stderr
