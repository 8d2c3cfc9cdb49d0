"""Is the interviewing working? A compact view of an interview's funnel, drop-off, agreement, promptness and
what candidates say, over the last 90 days; the web's insight page has every table and CSV."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, Select, Sparkline, Static

from boxinterview.domain import insight, interviews
from boxinterview.domain.models import RATINGS, InterviewSummary
from boxinterview.domain.statistics import Figure
from boxinterview.tui.format import bar, marked
from boxinterview.tui.screens.base import ConsoleScreen

DAYS = 90


def _hours(h: float | None) -> str:
    return "–" if h is None else f"{h:.1f} h" if h < 48 else f"{h / 24:.1f} days"


def short(f: Figure) -> str:
    """A figure in a few characters; the web page says why one is missing."""
    return "  n/a" if f.value is None else f"{f.value:5.2f}"


def render(found: insight.Insight) -> Content:
    """The figures, with the headings in bold; every line of data (prompts, reviewers' names, what candidates
    wrote) is plain text, never markup."""
    top = max((s.count for s in found.funnel), default=0) or 1
    lines: list[str | Content] = [marked("[b]Funnel[/b] (last 90 days)")]
    for s in found.funnel:
        share = "" if s.of_previous is None else f"{s.of_previous:>4.0%} of previous"
        lines.append(f"  {s.name:<20} {bar(s.count / top, 20)} {s.count:>6}  {share}")
    lines.append("")
    lines.append(marked("[b]Questions[/b]  unfinished · spread · agreement · correlation with advancing"))
    for q in found.questions:
        lines.append(
            f"  {q.position}. {q.prompt[:30]:<30} {q.unfinished:>4} · {q.spread} · {q.agreement} · {q.correlation}"
        )
    lines.append("")
    lines.append(
        marked(
            "[b]Reviewers[/b]  agreement overall ($method): $figure",
            method=insight.AGREEMENT_METHOD,
            figure=found.overall_agreement,
        )
    )
    for r in found.reviewers:
        lines.append(
            f"  {r.name:<24} {r.scores:>6} scores · leniency {short(r.leniency)} · {r.overdue} overdue"
        )
    p = found.promptness
    lines += [
        "",
        marked(
            "[b]Promptness[/b]  to first review $first · to decision $decision · $waiting waiting",
            first=_hours(p.to_first_review_hours),
            decision=_hours(p.to_decision_hours),
            waiting=p.waiting,
        ),
    ]
    t = found.technical
    browsers = ", ".join(f"{b} {n}" for b, n in t.browsers[:4])
    lines += [
        "",
        marked(
            "[b]Technical[/b]  device checks $passed passed, $failed failed · uploads $uploads, "
            "$resumed resumed, $lost lost",
            passed=t.checks_passed,
            failed=t.checks_failed,
            uploads=t.uploads,
            resumed=t.resumed,
            lost=t.lost,
        ),
        f"  {browsers}",
    ]
    e = found.experience
    mean = "–" if e.mean is None else f"{e.mean:.1f}"
    lines += [
        "",
        marked(
            "[b]Candidates say[/b]  $ratings ratings, mean $mean of $top (by week below)",
            ratings=e.ratings,
            mean=mean,
            top=RATINGS[-1],
        ),
    ]
    lines += [f"  “{c[2][:70]}”" for c in e.comments[:3]]
    return Content("\n").join(lines)


class InsightScreen(ConsoleScreen[None]):
    CSS_PATH = "insight.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Select[int]([], prompt="Choose an interview", id="interview", compact=True)
        with VerticalScroll(id="insight"):
            yield Static("Choose an interview", id="figures")
            yield Sparkline([], id="weeks")
        yield Footer()

    def on_mount(self) -> None:
        self.load_interviews()

    def load_interviews(self) -> None:
        self.read(lambda: interviews.summaries(self.db), self.show_interviews, group="list")

    def show_interviews(self, found: list[InterviewSummary]) -> None:
        options = [(Text(f"{s.id} · {s.title}"), s.id) for s in found]  # a title as written, never markup
        select = self.query_one("#interview", Select)
        select.set_options(options)
        if options:
            select.value = options[-1][1]

    @on(Select.Changed, "#interview")
    def chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, int):
            self.figures(event.value)

    def figures(self, interview_id: int) -> None:
        self.read(
            lambda: insight.for_interview(self.db, None, interview_id, *insight.period(DAYS)),
            self.show,
            group="figures",
        )

    def show(self, found: insight.Insight) -> None:
        self.query_one("#figures", Static).update(render(found))
        self.query_one("#weeks", Sparkline).data = [m for _, m, _ in found.experience.by_week] or [0]
