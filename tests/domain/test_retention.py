"""Retention: candidates' data and media are erased when their interview's retention runs out, audited, and
kept out of backups made afterwards; the bare facts (dates, scores) stay for the team's figures."""

from __future__ import annotations

from datetime import timedelta

from boxinterview import clock
from boxinterview.domain import accounts, answers, decisions, invitations, retention, reviews
from boxinterview.domain.models import Outcome, Role
from boxinterview.mail.letters import Letterhead
from boxinterview.ops import backup
from boxinterview.store import audit, candidates, connect
from tests.support.flows import record_take
from tests.support.live import prepare


def test_purge_erases_expired_candidates_only_and_backups_after_it_hold_nothing_of_them(
    tmp_path, cli
) -> None:
    path, settings, db, interview = prepare(tmp_path)  # retention: 180 days
    admin, _ = accounts.create(db, "admin@example.com", Role.ADMIN, "t")
    q = interview.questions

    def completed(name: str, days_later: int = 0) -> tuple[int, int]:
        inv, token = invitations.invite(db, interview.id, name, f"{name.lower()}@example.com", "t")
        invitations.record_consent(db, inv.id, "1")
        rid = record_take(db, settings, token, q[0].id, 1, f"{name} on camera".encode() * 50)
        answers.submit_take(db, inv.id, q[0].id, 1)
        record_take(db, settings, token, q[1].id, 1, b"sound")
        answers.submit_take(db, inv.id, q[1].id, 1)
        answers.submit_text(db, inv.id, q[2].id, f"{name} wrote this")
        answers.complete(db, inv.id, clock.now() + timedelta(days=days_later))
        return inv.id, rid

    old, old_recording = completed("Olga")
    reviews.save(db, admin, old, q[0].id, {interview.competencies[0].id: 4}, "Olga was clear", submit=True)
    decisions.decide(db, admin, old, Outcome.REJECT, "Thanks, Olga", Letterhead.from_settings(settings))
    recent, recent_recording = completed("Rita", days_later=100)
    original = settings.data_dir / (
        db.read(
            lambda con: con.execute(
                "SELECT original_path FROM recordings WHERE id = ?", (old_recording,)
            ).fetchall()[0][0]
        )
    )
    assert original.exists()

    assert retention.purge(db, settings.data_dir, clock.now() + timedelta(days=179)).invitations == 0
    done = retention.purge(db, settings.data_dir, clock.now() + timedelta(days=181))
    assert done.invitations == 1 and done.files >= 2
    assert not original.parent.exists()
    person = db.read(candidates.get_candidate, db.read(candidates.get_invitation, old).candidate_id)
    assert person.name == "Erased candidate" and person.email is None and person.erased_at is not None
    kept = db.read(candidates.get_candidate, db.read(candidates.get_invitation, recent).candidate_id)
    assert kept.name == "Rita"
    [erasure] = [e for e in db.read(audit.entries, "candidate.erase") if e.action == "candidate.erase"]
    assert erasure.subject_id == old and erasure.actor == "retention"

    made = backup.run(settings)
    copy = connect(made.path / "boxinterview.db", readonly=True)
    try:
        everything = " ".join(
            str(row)
            for (table,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            for row in copy.execute(f"SELECT * FROM {table}").fetchall()
        )
        assert "Olga" not in everything and "olga@example.com" not in everything
        assert "Rita" in everything
        scores = copy.execute("SELECT count(*) FROM review_scores").fetchall()[0][0]
        assert scores == 1  # the bare score stays, with no person attached
    finally:
        copy.close()
    assert not any(f"recordings/{old_recording}/" in p.as_posix() for p in made.path.rglob("*"))
    assert any(f"recordings/{recent_recording}/" in p.as_posix() for p in made.path.rglob("*"))

    now_erased = cli("--config", str(path), "purge", "--invitation", str(recent))
    assert now_erased.code == 0 and f"erased invitation {recent}" in now_erased.out
    again = cli("--config", str(path), "purge", "--invitation", str(recent))
    assert again.code != 0 and "erased already" in again.err
    db.close()
