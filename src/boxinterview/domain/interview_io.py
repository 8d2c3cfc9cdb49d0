"""An interview as one YAML document, so operators can keep, share and reuse interview templates.

Export writes everything that defines an interview (not its candidates, status or ids). Import checks everything
and reports each problem with the line it is on, then creates a new draft interview.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import yaml

from boxinterview.config import yamlsrc
from boxinterview.domain import interviews
from boxinterview.domain.models import (
    SCORE_RANGE,
    Choice,
    Competency,
    Interview,
    Question,
    QuestionCategory,
    QuestionKind,
    Wording,
)
from boxinterview.errors import Invalid

FORMAT = "boxinterview/interview-1"

_TOP = {
    "format": "format marker, always " + FORMAT,
    "title": "text",
    "role": "text",
    "objectives": "text",
    "instructions": "text",
    "intro": "text",
    "deadline": "a date and time with a time zone",
    "support_contact": "text",
    "retention_days": "a whole number",
    "blind_review": "true or false",
    "allow_accommodations": "true or false",
    "allow_audio_only": "true or false",
    "review_target_days": "a whole number of days",
    "language": "the language candidates read, a code such as en, de, fr, es or nl",
    "time_zone": "where candidates' dates and times are given, such as Europe/Berlin",
    "competencies": "a list",
    "questions": "a list",
    "messages": "the interview's own wording of candidate messages, by kind",
}
_COMPETENCY = {"name", "description", "anchors"}
_QUESTION = {
    "prompt",
    "kind",
    "category",
    "think_seconds",
    "answer_seconds",
    "takes",
    "max_chars",
    "choices",
    "competencies",
}
_CHOICE = {"label", "knockout"}
_WORDING = {"subject", "text"}


class _Literal(str):
    """A string YAML writes as a `|` block, so long texts stay readable in the file."""


def _literal_representer(dumper: yaml.SafeDumper, data: _Literal) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal_representer)


def _text(value: str) -> str:
    return _Literal(value) if "\n" in value else value


def to_dict(iv: Interview) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "title": iv.title,
        "role": iv.role,
        "objectives": _text(iv.objectives),
        "instructions": _text(iv.instructions),
        "intro": _text(iv.intro),
    }
    if iv.deadline is not None:
        doc["deadline"] = iv.deadline.isoformat()
    doc.update(
        support_contact=iv.support_contact,
        retention_days=iv.retention_days,
        blind_review=iv.blind_review,
        allow_accommodations=iv.allow_accommodations,
        allow_audio_only=iv.allow_audio_only,
        review_target_days=iv.review_target_days,
        language=iv.language,
        time_zone=iv.time_zone,
        competencies=[
            {
                "name": c.name,
                "description": _text(c.description),
                "anchors": {score: _text(text) for score, text in sorted(c.anchors.items())},
            }
            for c in iv.competencies
        ],
        questions=[],
    )
    for q in iv.questions:
        item: dict[str, Any] = {
            "prompt": _text(q.prompt),
            "kind": q.kind.value,
            "category": q.category.value,
            "think_seconds": q.think_seconds,
            "answer_seconds": q.answer_seconds,
            "takes": q.takes,
        }
        if q.max_chars is not None:
            item["max_chars"] = q.max_chars
        if q.choices:
            item["choices"] = [
                {"label": c.label, "knockout": True} if c.knockout else {"label": c.label} for c in q.choices
            ]
        item["competencies"] = list(q.competencies)
        doc["questions"].append(item)
    if iv.messages:
        doc["messages"] = {w.kind: {"subject": w.subject, "text": _text(w.text)} for w in iv.messages}
    return doc


def to_yaml(iv: Interview) -> str:
    header = (
        f"# {iv.title} ({iv.role}), version {iv.version}: import with `boxinterview interview import FILE`\n"
    )
    return header + yaml.dump(to_dict(iv), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Reader:
    """Turns the parsed document into an Interview, collecting (path, message) for everything wrong."""

    def __init__(self, doc: yamlsrc.YamlDoc) -> None:
        self.doc = doc
        self.problems: list[tuple[yamlsrc.PathKey, str]] = []

    def problem(self, path: yamlsrc.PathKey, message: str) -> None:
        self.problems.append((path, message))

    def mapping(self, value: Any, path: yamlsrc.PathKey, known: set[str] | dict[str, str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, "expected a mapping of keys and values")
            return {}
        for key in value:
            if key not in known:
                self.problem((*path, key), f"unknown key {key!r}; expected one of: {', '.join(known)}")
        return value

    def text(self, m: dict[str, Any], path: yamlsrc.PathKey, key: str, default: str | None = "") -> str:
        value = m.get(key, default)
        if value is None:
            if default is None:
                self.problem((*path, key) if path else (key,), "is required")
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.problem((*path, key), "expected text")
            return ""
        return value

    def integer(self, m: dict[str, Any], path: yamlsrc.PathKey, key: str, default: int | None) -> int:
        value = m.get(key, default)
        if value is None:
            self.problem((*path, key) if path else (key,), "is required (a whole number)")
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem((*path, key), f"expected a whole number, got {value!r}")
            return 0
        return value

    def boolean(self, m: dict[str, Any], path: yamlsrc.PathKey, key: str, default: bool) -> bool:
        value = m.get(key, default)
        if not isinstance(value, bool):
            self.problem((*path, key), f"expected true or false, got {value!r}")
            return default
        return value

    def listing(self, m: dict[str, Any], path: yamlsrc.PathKey, key: str) -> list[Any]:
        value = m.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem((*path, key), "expected a list")
            return []
        return value

    def choice(
        self, m: dict[str, Any], path: yamlsrc.PathKey, key: str, enum: Any, default: str | None
    ) -> Any:
        value = m.get(key, default)
        options = ", ".join(e.value for e in enum)
        if value is None:
            self.problem((*path, key), f"is required: one of {options}")
            return next(iter(enum))
        try:
            return enum(value)
        except ValueError:
            self.problem((*path, key), f"expected one of {options}, got {value!r}")
            return next(iter(enum))

    def deadline(self, m: dict[str, Any]) -> datetime | None:
        value = m.get("deadline")
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self.problem(
                    ("deadline",), f"expected a date and time like 2026-12-31T17:00:00+01:00, got {value!r}"
                )
                return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.problem(
                    ("deadline",), "needs a time zone, e.g. 2026-12-31T17:00:00+01:00 or ...Z for UTC"
                )
                return None
            try:
                return value.astimezone(UTC)
            except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 in UTC
                self.problem(("deadline",), "is too far in the future; check the year")
                return None
        if isinstance(value, date):
            self.problem(("deadline",), "give a time and a time zone too, e.g. 2026-12-31T17:00:00+01:00")
            return None
        self.problem(("deadline",), f"expected a date and time, got {value!r}")
        return None

    def read(self) -> Interview:
        top = self.mapping(self.doc.value, (), _TOP)
        fmt = top.get("format", FORMAT)
        if fmt != FORMAT:
            self.problem(("format",), f"this file is in format {fmt!r}; this boxinterview reads {FORMAT!r}")
        competencies = []
        for i, raw in enumerate(self.listing(top, (), "competencies")):
            path = ("competencies", i)
            m = self.mapping(raw, path, _COMPETENCY)
            anchors: dict[int, str] = {}
            raw_anchors = m.get("anchors") or {}
            if not isinstance(raw_anchors, dict):
                self.problem(
                    (*path, "anchors"), f"expected scores {SCORE_RANGE}, each with what that score looks like"
                )
                raw_anchors = {}
            for score, text in raw_anchors.items():
                if isinstance(score, bool) or not (str(score).isascii() and str(score).isdigit()):
                    self.problem((*path, "anchors", score), f"{score!r} is not a score; use {SCORE_RANGE}")
                    continue
                anchors[int(score)] = text if isinstance(text, str) else str(text)
            competencies.append(
                Competency(
                    name=self.text(m, path, "name", None),
                    description=self.text(m, path, "description"),
                    anchors=anchors,
                )
            )
        questions = []
        for i, raw in enumerate(self.listing(top, (), "questions")):
            path = ("questions", i)
            m = self.mapping(raw, path, _QUESTION)
            kind = self.choice(m, path, "kind", QuestionKind, None)
            choices = []
            for j, c in enumerate(self.listing(m, path, "choices")):
                cpath = (*path, "choices", j)
                if isinstance(c, str):
                    choices.append(Choice(label=c))
                    continue
                cm = self.mapping(c, cpath, _CHOICE)
                choices.append(
                    Choice(
                        label=self.text(cm, cpath, "label", None),
                        knockout=self.boolean(cm, cpath, "knockout", False),
                    )
                )
            assessed = []
            for j, name in enumerate(self.listing(m, path, "competencies")):
                if not isinstance(name, str):
                    self.problem((*path, "competencies", j), "expected the name of a competency")
                    continue
                assessed.append(name)
            max_chars = m.get("max_chars")
            questions.append(
                Question(
                    prompt=self.text(m, path, "prompt", None),
                    kind=kind,
                    category=self.choice(m, path, "category", QuestionCategory, "behavioural"),
                    answer_seconds=self.integer(m, path, "answer_seconds", None),
                    think_seconds=self.integer(m, path, "think_seconds", 0),
                    takes=self.integer(m, path, "takes", 1),
                    max_chars=None if max_chars is None else self.integer(m, path, "max_chars", None),
                    choices=tuple(choices),
                    competencies=tuple(assessed),
                )
            )
        messages = []
        raw_messages = top.get("messages") or {}
        if not isinstance(raw_messages, dict):
            self.problem(
                ("messages",), "expected message kinds (e.g. invitation:), each with a subject and text"
            )
            raw_messages = {}
        for kind, raw in raw_messages.items():
            path = ("messages", kind)
            m = self.mapping(raw, path, _WORDING)
            messages.append(
                Wording(str(kind), self.text(m, path, "subject", None), self.text(m, path, "text", None))
            )
        return Interview(
            title=self.text(top, (), "title", None),
            role=self.text(top, (), "role", None),
            objectives=self.text(top, (), "objectives"),
            instructions=self.text(top, (), "instructions"),
            intro=self.text(top, (), "intro"),
            deadline=self.deadline(top),
            support_contact=self.text(top, (), "support_contact"),
            retention_days=self.integer(top, (), "retention_days", 180),
            blind_review=self.boolean(top, (), "blind_review", False),
            allow_accommodations=self.boolean(top, (), "allow_accommodations", True),
            allow_audio_only=self.boolean(top, (), "allow_audio_only", False),
            review_target_days=self.integer(top, (), "review_target_days", 5),
            language=self.text(top, (), "language", "en").strip(),
            time_zone=self.text(top, (), "time_zone", "UTC").strip(),
            competencies=tuple(competencies),
            questions=tuple(questions),
            messages=tuple(sorted(messages, key=lambda w: w.kind)),
        )


def _path_key(dotted_path: str) -> yamlsrc.PathKey:
    """`questions[1].choices[0].label` -> ("questions", 1, "choices", 0, "label")."""
    out: list[str | int] = []
    if dotted_path.startswith("messages."):  # message kinds have dots of their own: outcome.reject
        kind, _, field = dotted_path.removeprefix("messages.").rpartition(".")
        if field in _WORDING:
            return ("messages", kind, field)
        return ("messages", dotted_path.removeprefix("messages."))
    for part in dotted_path.replace("]", "").split("."):
        name, *indexes = part.split("[")
        if name:
            out.append(name)
        out.extend(int(i) for i in indexes)
    return tuple(out)


def from_yaml(text: str, source: str = "<interview>") -> Interview:
    """Parse and validate an interview document; raise Invalid whose problems read `FILE:LINE: path: message`."""
    try:
        doc = yamlsrc.parse(text, source)
    except yamlsrc.YamlSyntaxError as exc:
        raise Invalid(str(exc), problems=[(f"{source}:{exc.line or '?'}", exc.message)]) from None
    if doc.value is None:
        raise Invalid(f"{source}: the file is empty", problems=[(source, "the file is empty")])
    reader = _Reader(doc)
    iv = reader.read()
    found = list(reader.problems)
    if not found:  # shape is right: now the domain's rules
        found = [(_path_key(p), m) for p, m in interviews.validate(iv)]
    if found:
        lines = [
            (f"{source}:{doc.line_of(path) or '?'}", f"{yamlsrc.dotted(path)}: {message}")
            for path, message in found
        ]
        lines.sort(key=lambda pm: int(pm[0].rsplit(":", 1)[1]) if pm[0].rsplit(":", 1)[1].isdigit() else 0)
        raise Invalid(
            f"{source}: {len(lines)} problem(s) in the interview:\n"
            + "\n".join(f"{w}: {m}" for w, m in lines),
            problems=lines,
        )
    return interviews.normalised(iv)


def from_yaml_draft(text: str, source: str = "<draft>") -> Interview | None:
    """What a draft holds, even when it is not yet a valid interview; None when it cannot be read at all."""
    try:
        doc = yamlsrc.parse(text, source)
    except yamlsrc.YamlSyntaxError:
        return None
    if not isinstance(doc.value, dict):
        return None
    return _Reader(doc).read()
