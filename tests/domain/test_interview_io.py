"""Interview templates as YAML: round trip, and errors that point at the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from boxinterview.domain import interview_io, interviews
from boxinterview.errors import Invalid


def test_export_then_import_gives_the_same_interview(db, open_interview) -> None:
    text = interview_io.to_yaml(open_interview)
    again = interview_io.from_yaml(text, "exported.yaml")
    assert interviews._content(again) == interviews._content(open_interview)
    for field in (
        "title",
        "objectives",
        "instructions",
        "intro",
        "support_contact",
        "retention_days",
        "blind_review",
    ):
        assert getattr(again, field) == getattr(open_interview, field)


def problems(text: str) -> list[tuple[str, str]]:
    with pytest.raises(Invalid) as info:
        interview_io.from_yaml(text, "t.yaml")
    return info.value.problems


BAD = """\
format: boxinterview/interview-1
title: Support
role: Support agent
retention_days: many
competencies:
  - name: Communication
    anchors:
      1: Unclear
      7: Better than perfect
questions:
  - prompt: Tell us about yourself
    kind: hologram
    answer_seconds: 60
  - prompt: Why us?
    kind: video
    category: behavioural
    answer_seconds: 90
    competencies: [Communication, Charm]
    colour: blue
"""


def test_shape_errors_each_name_their_line() -> None:
    found = problems(BAD)
    assert ("t.yaml:4", "retention_days: expected a whole number, got 'many'") in found
    assert (
        "t.yaml:12",
        "questions[0].kind: expected one of video, audio, text, choice, file, got 'hologram'",
    ) in found
    assert any(where == "t.yaml:19" and "unknown key 'colour'" in msg for where, msg in found)
    assert [w for w, _ in found] == sorted((w for w, _ in found), key=lambda w: int(w.split(":")[1]))


def test_rule_errors_name_their_line_once_the_shape_is_right() -> None:
    text = BAD.replace("retention_days: many", "retention_days: 30").replace("hologram", "audio")
    text = text.replace("    colour: blue\n", "")
    found = problems(text)
    assert ("t.yaml:9", "competencies[0].anchors.7: score 7 is not on the 1 to 5 scale") in found
    assert any(w == "t.yaml:18" and "no competency named 'Charm'" in m for w, m in found)


def test_syntax_error_and_empty_file() -> None:
    [(where, message)] = problems("title: x\nquestions:\n  - prompt: [oops\n")
    assert where.startswith("t.yaml:") and "not valid YAML" in message
    assert problems("") == [("t.yaml", "the file is empty")]
    assert problems("- just\n- a list\n")[0][1].startswith("(top level): expected a mapping")


def test_deadline_needs_a_time_zone() -> None:
    base = "title: T\nrole: R\nquestions:\n  - {prompt: P, kind: video, answer_seconds: 30}\n"
    assert (
        "t.yaml:5",
        "deadline: needs a time zone, e.g. 2026-12-31T17:00:00+01:00 or ...Z for UTC",
    ) in problems(base + "deadline: 2026-12-31T17:00:00\n")
    ok = interview_io.from_yaml(base + "deadline: 2026-12-31T17:00:00+01:00\n")
    assert ok.deadline.isoformat() == "2026-12-31T16:00:00+00:00"


def test_cli_export_import_round_trip(tmp_path: Path, cli) -> None:
    demo = cli("demo", "--json")
    assert demo.code == 0
    assert cli("interview", "export", "1", "-o", str(tmp_path / "iv.yaml")).code == 0
    text = (tmp_path / "iv.yaml").read_text()
    assert text.startswith("# Customer Support Specialist pre-screen")
    result = cli("interview", "import", str(tmp_path / "iv.yaml"))
    assert result.code == 0, result.err
    assert "imported interview 2" in result.out
    assert "advice: question 4 assesses no competency" in result.err
    assert cli("interview", "export", "2").out.splitlines()[1:] == text.splitlines()[1:]


def test_cli_import_of_a_bad_file_lists_problems_and_creates_nothing(tmp_path: Path, cli) -> None:
    assert cli("init").code == 0
    (tmp_path / "bad.yaml").write_text(BAD)
    result = cli("interview", "import", str(tmp_path / "bad.yaml"))
    assert result.code == 1
    assert f"{tmp_path / 'bad.yaml'}:12: questions[0].kind" in result.err
    assert "no interviews yet" in cli("interview", "list").out
    missing = cli("interview", "import", str(tmp_path / "nope.yaml"))
    assert missing.code == 1 and "no such file" in missing.err
