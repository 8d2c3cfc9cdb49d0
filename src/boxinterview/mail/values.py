"""The values a candidate's message shows, written in the interview's language and time zone: the deadline, the
day news comes by, the kinds of question; and the sample values a preview shows in their place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from boxinterview import i18n

SAMPLE_DEADLINE = datetime(2026, 12, 11, 17, 0, tzinfo=UTC)
SAMPLE_NEWS_BY = date(2026, 12, 18)
SAMPLE_LINK = "https://interviews.example.com/i/sample-personal-link"


class Words:
    """One language's wording of the values, with the "mail" catalogue."""

    def __init__(self, code: str = i18n.DEFAULT, zone: str = "UTC") -> None:
        self.language = i18n.language(code)
        self.zone = zone

    def _(self, message: str) -> str:
        return self.language.gettext(message, "mail")

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.language.ngettext(singular, plural, n, "mail")

    def when(self, moment: datetime) -> str:
        """A deadline: "Freitag, 11. Dezember 2026, 17:00 MEZ" for German in Europe/Berlin."""
        return self.language.when(moment, self.zone)

    def day(self, moment: date | datetime) -> str:
        """A day: "18. Dezember 2026"."""
        return self.language.day(moment, self.zone)

    def kinds(self, counts: dict[str, int]) -> str:
        """What the questions ask for: "3 video, 1 text"."""
        return self._(", ").join(self._kind(kind, n) % {"count": n} for kind, n in counts.items())

    def _kind(self, kind: str, n: int) -> str:
        # English says "3 video" and "1 video" alike; other languages have their own plural forms.
        match kind:
            case "video":
                return self.ngettext("%(count)s video", "%(count)s video", n)
            case "audio":
                return self.ngettext("%(count)s audio", "%(count)s audio", n)
            case "text":
                return self.ngettext("%(count)s text", "%(count)s text", n)
            case "choice":
                return self.ngettext("%(count)s choice", "%(count)s choice", n)
            case "file":
                return self.ngettext("%(count)s file", "%(count)s file", n)
        return f"%(count)s {kind}"

    def samples(self) -> dict[str, dict[str, Any]]:
        """The sample values a preview of each message shows where a real candidate's would be."""
        candidate = {
            "name": "Alex Example",
            "organisation": "Example Ltd",
            "role": self._("Support Engineer"),
            "support": "jobs@example.com",
        }
        deadline = self.when(SAMPLE_DEADLINE)
        link = {**candidate, "deadline": deadline, "link": SAMPLE_LINK}
        return {
            "invitation": {
                **link,
                "questions": 4,
                "kinds": self.kinds({"video": 3, "text": 1}),
                "minutes": 14,
            },
            "reminder": {**link, "hours_left": 24},
            "nudge": link,
            "extension": link,
            "confirmation": {**candidate, "questions": 4, "news_by": self.day(SAMPLE_NEWS_BY)},
            "outcome.advance": {**candidate, "feedback": self._("Your answer on escalations stood out.")},
            "outcome.reject": {**candidate, "feedback": self._("Your answers were clear.")},
            "outcome.hold": {**candidate, "feedback": ""},
        }
