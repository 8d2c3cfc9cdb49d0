"""Interview rules: validation, advice, the lock once a candidate starts, new versions, status moves."""

from __future__ import annotations

import dataclasses

import apsw
import pytest

from boxinterview import clock
from boxinterview.domain import interviews, invitations
from boxinterview.domain.models import (
    Choice,
    Interview,
    InterviewStatus,
    InvitationStatus,
    Question,
    QuestionCategory,
    QuestionKind,
)
from boxinterview.errors import Conflict, Invalid, NotFound
from boxinterview.store import connect
from boxinterview.store import interviews as interviews_sql


def test_create_and_read_back(db, template) -> None:
    interview_id = interviews.create(db, template, "test")
    got = interviews.get(db, interview_id)
    assert got.status is InterviewStatus.DRAFT
    assert got.title == template.title
    assert [c.name for c in got.competencies] == ["Communication", "Customer focus", "Ownership"]
    assert got.competencies[0].anchors[5].startswith("Exceptionally clear")
    assert [q.kind for q in got.questions] == ["video", "video", "text", "choice", "choice"]
    assert got.questions[0].competencies == ("Communication", "Customer focus")
    assert got.questions[3].choices == (Choice("Yes"), Choice("No", knockout=True))
    assert [q.position for q in got.questions] == [1, 2, 3, 4, 5]


def test_an_interview_is_read_in_the_same_few_queries_however_many_questions_it_has(
    db, settings, template
) -> None:
    small = interviews.create(db, dataclasses.replace(template, questions=template.questions[:2]), "test")
    large = interviews.create(db, dataclasses.replace(template, questions=template.questions * 4), "test")
    statements = []
    con = connect(settings.database_path)
    con.exec_trace = lambda _cursor, sql, _bindings: statements.append(sql) or True
    try:
        read = {}
        for interview_id in (small, large):
            statements.clear()
            read[interview_id] = (interviews_sql.get(con, interview_id), len(statements))
    finally:
        con.close()
    assert read[small][1] == read[large][1]
    got = read[large][0]
    assert len(got.questions) == 20
    assert [q.competencies for q in got.questions] == [q.competencies for q in template.questions] * 4
    assert [q.choices for q in got.questions] == [q.choices for q in template.questions] * 4
    assert [c.anchors for c in got.competencies] == [c.anchors for c in template.competencies]


def _question(**kw) -> Question:
    base = dict(
        prompt="Why us?", kind=QuestionKind.VIDEO, category=QuestionCategory.BEHAVIOURAL, answer_seconds=60
    )
    base.update(kw)
    return Question(**base)


def test_validation_reports_every_problem(template) -> None:
    bad = dataclasses.replace(
        template,
        title=" ",
        questions=(
            _question(takes=0),
            _question(kind=QuestionKind.CHOICE, choices=(Choice("Only"),)),
            _question(kind=QuestionKind.TEXT, takes=2, competencies=("Charisma",)),
            _question(answer_seconds=0, choices=(Choice("a"), Choice("b"))),
        ),
    )
    problems = dict(interviews.validate(bad))
    assert problems["title"] == "must not be empty"
    assert "from 1 to 10" in problems["questions[0].takes"]
    assert "at least two choices" in problems["questions[1].choices"]
    assert "only video and audio questions have takes" in problems["questions[2].takes"]
    assert "no competency named 'Charisma'" in problems["questions[2].competencies[0]"]
    assert "only choice questions have choices" in problems["questions[3].choices"]
    assert "from 1 to 600 seconds" in problems["questions[3].answer_seconds"]
    with pytest.raises(Invalid) as info:
        interviews.create(None, bad, "test")  # refused before the database
    assert len(info.value.problems) == len(problems)


def test_advice_for_long_or_unanchored_interviews(template) -> None:
    assert interviews.advice(template) == [
        "question 4 assesses no competency: reviewers will have nothing to score it against"
    ]
    long = dataclasses.replace(
        template,
        questions=tuple(_question(answer_seconds=180, think_seconds=0) for _ in range(9)),
        competencies=(dataclasses.replace(template.competencies[0], anchors={3: "ok"}),),
    )
    advice = interviews.advice(long)
    assert any("9 questions" in a for a in advice)
    assert any("about 27 minutes" in a for a in advice)
    assert any("no think time" in a for a in advice)
    assert any("no anchor for score 1, 2, 4, 5" in a for a in advice)
    empty = interviews.advice(dataclasses.replace(template, questions=(), competencies=()))
    assert any(a.startswith("no questions yet") for a in empty) and any(
        a.startswith("no competencies yet") for a in empty
    )


def test_advice_when_the_text_gives_a_length_other_than_the_estimate(template) -> None:
    told = template.estimated_minutes()
    assert told != 20
    stated = dataclasses.replace(
        template, instructions="Find a quiet place; the whole interview takes about 20 minutes."
    )
    assert any(
        f"takes 20 minutes, but candidates are told about {told} minutes in all" in a
        for a in interviews.advice(stated)
    )
    for fine in (f"It takes about {told} minutes.", "You get up to 2 minutes to answer each question."):
        assert not any(
            "candidates are told" in a for a in interviews.advice(dataclasses.replace(template, intro=fine))
        )
    assert not any("candidates are told" in a for a in interviews.advice(template))  # the demo's own text


def _start_one(db, interview: Interview) -> int:
    invitation, _ = invitations.invite(db, interview.id, "Ann Example", "ann@example.com", "test")
    invitations.record_consent(db, invitation.id, "1")
    invitations.move(db, invitation.id, InvitationStatus.OPENED, "test")
    invitations.move(db, invitation.id, InvitationStatus.STARTED, "test")
    return invitation.id


def test_questions_can_change_until_a_candidate_starts(db, open_interview) -> None:
    changed = dataclasses.replace(open_interview, questions=open_interview.questions[:2])
    interviews.update(db, open_interview.id, changed, "test")
    assert len(interviews.get(db, open_interview.id).questions) == 2
    invitations.invite(db, open_interview.id, "Bo", "bo@example.com", "test")  # invited, not started
    interviews.update(db, open_interview.id, open_interview, "test")
    assert len(interviews.get(db, open_interview.id).questions) == 5


def test_started_interview_refuses_question_changes_with_the_way_forward(db, open_interview) -> None:
    _start_one(db, open_interview)
    q0 = dataclasses.replace(open_interview.questions[0], takes=1)
    changed = dataclasses.replace(open_interview, questions=(q0, *open_interview.questions[1:]))
    with pytest.raises(Conflict) as info:
        interviews.update(db, open_interview.id, changed, "test")
    assert f"boxinterview interview duplicate {open_interview.id}" in str(info.value)
    assert interviews.get(db, open_interview.id).questions[0].takes == 3
    # Settings that do not change what is asked may still change.
    retitled = dataclasses.replace(open_interview, title="Support pre-screen (spring)", retention_days=90)
    interviews.update(db, open_interview.id, retitled, "test")
    got = interviews.get(db, open_interview.id)
    assert (got.title, got.retention_days) == ("Support pre-screen (spring)", 90)


def test_the_database_itself_guards_started_interviews(db, open_interview) -> None:
    _start_one(db, open_interview)
    with pytest.raises(apsw.ConstraintError, match="interview locked"):
        db.write(interviews_sql.replace, open_interview.id, open_interview, clock.now())
    with pytest.raises(apsw.ConstraintError, match="interview locked"):
        db.write(
            lambda con: con.execute(
                "UPDATE questions SET takes = 9 WHERE interview_id = ?", (open_interview.id,)
            )
        )
    assert interviews.get(db, open_interview.id) == open_interview


def test_duplicate_makes_a_new_editable_version(db, open_interview) -> None:
    _start_one(db, open_interview)
    copy_id = interviews.duplicate(db, open_interview.id, "test")
    copy = interviews.get(db, copy_id)
    assert (copy.version, copy.previous_id, copy.status) == (2, open_interview.id, InterviewStatus.DRAFT)
    assert [q.prompt for q in copy.questions] == [q.prompt for q in open_interview.questions]
    shorter = dataclasses.replace(copy, questions=copy.questions[:3])
    interviews.update(db, copy_id, shorter, "test")
    assert len(interviews.get(db, copy_id).questions) == 3
    assert interviews.get(db, interviews.duplicate(db, copy_id, "test")).version == 3
    assert interviews.get(db, interviews.duplicate(db, open_interview.id, "test")).version == 4


def test_status_moves_follow_the_lifecycle(db, template) -> None:
    interview_id = interviews.create(db, template, "test")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "test")
    interviews.set_status(db, interview_id, InterviewStatus.CLOSED, "test")
    interviews.set_status(db, interview_id, InterviewStatus.OPEN, "test")
    with pytest.raises(Conflict, match="cannot become draft"):
        interviews.set_status(db, interview_id, InterviewStatus.DRAFT, "test")
    with pytest.raises(NotFound):
        interviews.set_status(db, 999, InterviewStatus.OPEN, "test")


def test_summaries_count_candidates(db, open_interview) -> None:
    _start_one(db, open_interview)
    invitations.invite(db, open_interview.id, "Bo", "bo@example.com", "test")
    [summary] = interviews.summaries(db)
    assert (summary.invited, summary.started, summary.completed, summary.locked) == (2, 1, 0, True)
    assert summary.questions == 5
