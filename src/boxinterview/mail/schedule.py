"""Messages that are due because time passed: reminders before the deadline to candidates who have not
completed, and a nudge to candidates who started but did not finish. Each goes once per invitation, and
each carries a fresh personal link (only hashes of links are stored, so an earlier one cannot be repeated)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import apsw

from boxinterview import clock
from boxinterview.config.settings import Settings
from boxinterview.domain.invitations import fresh_link
from boxinterview.domain.models import Interview, InvitationStatus, candidate_label
from boxinterview.mail import letters
from boxinterview.mail.compose import render
from boxinterview.store import Database
from boxinterview.store import candidates as candidates_sql
from boxinterview.store import interviews as interviews_sql
from boxinterview.store import notices as notices_sql
from boxinterview.store import outbox as outbox_sql


def queue_due(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Queue every reminder and nudge that has come due; returns how many were queued."""
    now = now or clock.now()
    head = letters.Letterhead.from_settings(settings)
    offsets = sorted(set(settings.reminders.before_deadline_hours), reverse=True)
    nudge = timedelta(hours=settings.reminders.nudge_after_hours)

    def tx(con: apsw.Connection) -> int:
        queued = 0
        interviews: dict[int, Interview] = {}
        for inv, candidate in candidates_sql.awaiting(con, now):
            sent = outbox_sql.kinds_for(con, inv.id)
            due: list[tuple[str, str, dict[str, Any]]] = []
            # Only the nearest reminder that has come due: a candidate invited late gets one, not a burst.
            passed = [
                h
                for h in offsets
                if inv.deadline - timedelta(hours=h) <= now
                and inv.created_at
                and inv.created_at < inv.deadline - timedelta(hours=h)
            ]
            if (
                passed
                and f"reminder.{min(passed)}h" not in sent
                and not any(f"reminder.{h}h" in sent for h in passed if h < min(passed))
            ):
                hours_left = max(1, round((inv.deadline - now).total_seconds() / 3600))
                due.append((f"reminder.{min(passed)}h", "reminder", {"hours_left": hours_left}))
            if (
                nudge
                and inv.status is InvitationStatus.STARTED
                and inv.started_at
                and inv.started_at + nudge <= now
                and "nudge" not in sent
            ):
                due.append(("nudge", "nudge", {}))
            for kind, template, extra in due:
                if inv.interview_id not in interviews:
                    found = interviews_sql.get(con, inv.interview_id)
                    assert found is not None  # an invitation's interview is never deleted before it
                    interviews[inv.interview_id] = found
                interview = interviews[inv.interview_id]
                token = fresh_link(con, inv.id, now)
                letter = render(
                    template,
                    interview.wording(template),
                    language=interview.language,
                    name=candidate.name,
                    organisation=head.organisation,
                    accent=head.accent,
                    role=interview.role,
                    deadline=letters.words(interview).when(inv.deadline),
                    link=f"{head.base_url}/i/{token}",
                    support=interview.support_contact,
                    **extra,
                )
                letters.queue(con, head, kind, inv.id, candidate.email or "", letter, now, candidate.name)
                queued += 1
        return queued

    return db.write(tx) + _team(db, settings, now)


def _team(db: Database, settings: Settings, now: datetime) -> int:
    """Once a day, after `reminders.team_hour_utc`: each reviewer's digest of interviews completed since the day
    before, and the reviews they have let pass the interview's review target."""
    if now.hour < settings.reminders.team_hour_utc:
        return 0
    head = letters.Letterhead.from_settings(settings)
    day = now.strftime("%Y-%m-%d")

    def label(r: dict[str, Any]) -> str:
        return candidate_label(r["name"], r["number"], r["blind_review"])

    def tx(con: apsw.Connection) -> int:
        queued = 0
        for reviewer in notices_sql.reviewers(con):
            for kind, found in (
                ("digest", notices_sql.completed_since(con, reviewer["id"], now - timedelta(days=1))),
                ("overdue", notices_sql.overdue(con, reviewer["id"], now)),
            ):
                if not found or notices_sql.already_queued(con, f"{kind}.{day}", reviewer["email"]):
                    continue
                items = [
                    {
                        "label": label(r),
                        "interview": r["title"],
                        "url": f"{head.base_url}/review/{r['invitation_id']}",
                        "target": r["review_target_days"],
                    }
                    for r in found
                ]
                letter = render(
                    kind,
                    name=reviewer["name"] or reviewer["email"],
                    organisation=head.organisation,
                    items=items,
                    queue_url=f"{head.base_url}/review",
                )
                letters.queue(
                    con, head, f"{kind}.{day}", None, reviewer["email"], letter, now, reviewer["name"] or ""
                )
                queued += 1
        return queued

    return db.write(tx)
