"""The live view: who is answering now and how their uploads are coming, what processing is doing, how much
arrived in the last hour, how long the disk lasts, the last backup and recent errors. Refreshed every second
off the event loop, so typing and moving never wait for it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

from boxinterview.ops import dashboard
from boxinterview.pipeline import job_queue as jobs
from boxinterview.tui.format import age, bar, marked, size
from boxinterview.tui.screens.base import ConsoleScreen
from boxinterview.tui.widgets.live_table import sync_rows
from boxinterview.tui.widgets.plain_table import PlainTable

REFRESH_SECONDS = 1.0


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class DashboardScreen(ConsoleScreen[None]):
    # Narrower than the summary's three parts side by side: one under the other, each whole.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [Binding("t", "retry", "Retry failed job"), Binding("f5", "refresh", "Refresh")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="summary"):
            yield Static("", id="now")
            yield Static("", id="disk")
            yield Static("", id="backup")
        with Vertical(id="panels"):
            yield Static("Uploads arriving", classes="section")
            uploads = PlainTable(id="uploads", cursor_type="row", zebra_stripes=True)
            uploads.add_columns("Candidate", "Interview", "Answer", "Progress", "Last byte at")
            yield uploads
            yield Static("Processing", classes="section", id="processing")
            queue = PlainTable(id="jobs", cursor_type="row", zebra_stripes=True)
            queue.add_columns("Job", "Recording", "State", "By", "Progress", "Tries", "Last error")
            yield queue
            with Vertical(id="traffic-row"):
                yield Static("", id="traffic-label")
                yield Sparkline([0] * 60, id="traffic")
            yield Static("", id="errors")
        yield Footer()

    def on_mount(self) -> None:
        self._shown: dict[str, str | Content] = {}
        self._traffic: list[int] = []
        self.action_refresh()
        self.refresher = self.set_interval(REFRESH_SECONDS, self.action_refresh)

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self.read(lambda: dashboard.dashboard(self.db, self.settings), self.show, group="dashboard")

    def put(self, selector: str, text: str | Content) -> None:
        """Update a line only when its text changed: an unchanged line costs no layout."""
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Static).update(text)

    def show(self, d: dashboard.Dashboard) -> None:
        self.put("#now", f"[b]{d.candidates_now}[/b] answering · [b]{d.uploads_total}[/b] uploading")
        disk, last = d.disk, d.backup
        if disk.days_left is None:
            lasts = ""
        elif disk.days_left > 3 * 365:
            lasts = ", years at this rate"
        else:
            lasts = f", ~{disk.days_left:.0f} days at this rate"
        self.put("#disk", f"Disk {size(disk.free)} free ({disk.free_percent:.0f}%){lasts}")
        self.query_one("#disk", Static).set_class(disk.low, "warning")
        if d.backup_failed:
            text: str | Content = marked("[b red]Backup failed[/]: $error", error=d.backup_failed[:40])
        elif last.age is None:
            text = "[b red]No backup yet[/] (5, then b)"
        else:
            text = f"Backup {age(last.age)} ago"
        self.put("#backup", text)
        self.query_one("#backup", Static).set_class(
            bool(d.backup_failed) or last.age is None or last.overdue, "warning"
        )

        rows: list[tuple[str, tuple[str, ...]]] = []
        for u in d.uploads:
            share = u.share
            progress = (
                f"{bar(share, 10)} {share:>4.0%}" if share is not None else f"{size(u.received)} so far"
            )
            rows.append(
                (
                    u.upload_id,
                    (
                        u.candidate,
                        u.interview[:24],
                        f"Q{u.question} take {u.take}",
                        progress,
                        f"{u.updated_at:%H:%M:%S}",
                    ),
                )
            )
        sync_rows(self.query_one("#uploads", DataTable), rows)
        rows = []
        for j in d.jobs:
            progress = bar(j.progress, 10) + f" {j.progress:>4.0%}" if j.state == "running" else ""
            rows.append(
                (
                    str(j.id),
                    (
                        str(j.id),
                        str(j.recording_id),
                        j.state,
                        j.held_by[:16],
                        progress,
                        f"{j.attempts}/{j.max_attempts}",
                        j.last_error[:50],
                    ),
                )
            )
        sync_rows(self.query_one("#jobs", DataTable), rows)
        many = "runner" if d.runners == 1 else "runners"
        self.put("#processing", f"Processing · {d.runners} remote {many}" if d.runners else "Processing")

        per_minute = d.per_minute
        if per_minute != self._traffic:
            self._traffic = per_minute
            self.query_one("#traffic", Sparkline).data = per_minute
        self.put(
            "#traffic-label",
            f"Received in the last hour: {size(sum(per_minute))} · this minute {size(per_minute[-1])}",
        )
        # One line each, as wide as the terminal allows: the number says which (`boxinterview recordings`, jobs)
        wide = max(40, self.size.width - 4)
        errors = "\n".join(
            shorten(f"{e_at:%d %b %H:%M} {what}: {detail}", wide) for e_at, what, detail in d.errors[:4]
        )
        self.put(
            "#errors",
            marked("[b]Recent errors[/b]\n$errors", errors=errors) if errors else "No recent errors",
        )

    def action_retry(self) -> None:
        queue = self.query_one("#jobs", DataTable)
        if queue.row_count == 0:
            return
        row = queue.get_row_at(queue.cursor_row)
        if str(row[2]) != "failed":
            self.notify("Choose a failed job to retry", severity="warning")
            return
        job_id = int(str(row[0]))
        self.act(
            lambda: jobs.retry(self.db, job_id, "console"),
            lambda _: self.notify(f"Job {job_id} queued again"),
            lambda exc: self.notify(str(exc), severity="error"),
        )
