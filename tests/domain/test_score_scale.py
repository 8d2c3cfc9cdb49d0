"""One score scale: the rubric's anchors, the reviewer's choices, the checks on what is saved and the database's
own CHECKs all run over `models.SCORES`."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from boxinterview.domain import interviews
from boxinterview.domain.models import HIGHEST_SCORE, LOWEST_SCORE, RATINGS, SCORES
from boxinterview.store import migrations

SCHEMA = Path(migrations.__file__).parent.parent / "schema.sql"


def test_the_scale_is_whole_numbers_without_gaps() -> None:
    assert tuple(range(LOWEST_SCORE, HIGHEST_SCORE + 1)) == SCORES


def test_the_database_stores_the_same_scale() -> None:
    checks = re.findall(
        r"\bscore INTEGER NOT NULL CHECK \(score BETWEEN (\d+) AND (\d+)\)", SCHEMA.read_text()
    )
    assert len(checks) == 2  # review_scores, rubric_anchors
    assert {(int(low), int(high)) for low, high in checks} == {(LOWEST_SCORE, HIGHEST_SCORE)}


def test_a_rubric_anchors_the_scale_and_nothing_beyond_it(template) -> None:
    comp = template.competencies[0]
    assert set(comp.anchors) == set(SCORES)  # the demo interview anchors every score
    assert not [a for a in interviews.advice(template) if "no anchor" in a]
    beyond = dataclasses.replace(comp, anchors={**comp.anchors, HIGHEST_SCORE + 1: "Beyond"})
    short = dataclasses.replace(comp, anchors={s: t for s, t in comp.anchors.items() if s != LOWEST_SCORE})
    iv = dataclasses.replace(template, competencies=(beyond, short, *template.competencies[2:]))
    problems = [text for _, text in interviews.validate(iv)]
    assert f"score {HIGHEST_SCORE + 1} is not on the {LOWEST_SCORE} to {HIGHEST_SCORE} scale" in problems
    assert [a for a in interviews.advice(iv) if f"no anchor for score {LOWEST_SCORE}:" in a]


def test_the_candidates_rating_has_its_own_scale_stored_alike() -> None:
    assert tuple(range(RATINGS[0], RATINGS[-1] + 1)) == RATINGS
    [check] = re.findall(
        r"\brating INTEGER NOT NULL CHECK \(rating BETWEEN (\d+) AND (\d+)\)", SCHEMA.read_text()
    )
    assert (int(check[0]), int(check[1])) == (RATINGS[0], RATINGS[-1])
