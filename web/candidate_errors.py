"""What went wrong, in the candidate's language. The core words its errors in English for the team and the
logs; a candidate whose interview is in another language reads them in that language instead.

The candidate's pages know the interview's language and leave it on the request; their scripts say it with
`Accept-Language` (the page's own language, set on every call), which is how the candidate API and the upload
endpoint know it."""

from __future__ import annotations

import re

import babel
from aiohttp import web

from boxinterview import i18n
from boxinterview.domain import recordings
from boxinterview.pipeline import playable

LANGUAGE = "candidate_language"  # the request key a candidate handler leaves the interview's language under
CANDIDATE_APIS = ("/api/v1/candidate/", "/api/v1/uploads")
CANDIDATE_PAGES = "/i/"


def N_(message: str) -> str:
    """Marks a string for the catalogue; it is translated where it is shown."""
    return message


def remember(request: web.Request, language: i18n.Language) -> i18n.Language:
    request[LANGUAGE] = language
    return language


def language_of(request: web.Request) -> i18n.Language | None:
    """The language of the candidate this request comes from, or None (the team, or a link nobody knows)."""
    found = request.get(LANGUAGE)
    if isinstance(found, i18n.Language):
        return found
    if request.path.startswith(CANDIDATE_APIS):
        code = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
        if code == i18n.PSEUDO or (code and code in i18n.available()):
            return i18n.language(code)
    elif request.path.startswith(
        CANDIDATE_PAGES
    ):  # a link that leads to no interview: the browser's language
        wanted = [
            tag.split(";")[0].strip().replace("-", "_")
            for tag in request.headers.get("Accept-Language", "").split(",")
        ]
        found = babel.Locale.negotiate([w for w in wanted if w], i18n.available())
        return i18n.language(str(found)) if found else None
    return None


# The core's messages a candidate can meet, and the same thing said for the candidate.
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"the deadline for this interview has passed.*"),
        N_(
            "The deadline for this interview has passed. If you need more time, ask the hiring team to extend it."
        ),
    ),
    (
        re.compile(r"this interview is \w+; no more answers can be given"),
        N_("This interview no longer takes answers."),
    ),
    (
        re.compile(r"this interview link is not valid.*"),
        N_("This interview link is not valid. Check that the whole link was copied."),
    ),
    (
        re.compile(r"this interview link no longer works.*"),
        N_("This interview link no longer works: everything recorded with it has been erased."),
    ),
    (
        re.compile(r"the privacy notice has not been accepted yet.*"),
        N_("Please accept the privacy notice first; nothing is recorded before that."),
    ),
    (
        re.compile(r"questions are answered in order: answer question (?P<earlier>\d+) before question \d+"),
        N_("Questions are answered in order: answer question %(earlier)s first."),
    ),
    (re.compile(r"this answer has already been submitted"), N_("This answer has already been submitted.")),
    (
        re.compile(r"all (?P<allowed>\d+) takes for this question have been used.*"),
        N_("All takes for this question have been used; submit one of them."),
    ),
    (
        re.compile(r"take \d+ of this question has already been recorded.*"),
        N_("This take has already been recorded; record the next one."),
    ),
    (
        re.compile(r"there is no take to submit yet.*"),
        N_("There is no take to submit yet; record one first."),
    ),
    (
        re.compile(r"take (?P<take>\d+) is still arriving: .*"),
        N_(
            "Take %(take)s is still on its way to us. Let the device it was recorded on finish sending it, or "
            "record the answer again."
        ),
    ),
    (
        re.compile(r"take (?P<take>\d+) cannot be submitted: .*"),
        N_("Take %(take)s cannot be used. Record the answer again."),
    ),
    (
        re.compile(r"the answer is empty.*"),
        N_("Your answer is empty; write your answer before submitting it."),
    ),
    (
        re.compile(r"the answer has (?P<count>\d+) characters; the limit is (?P<limit>\d+)\..*"),
        N_("Your answer has %(count)s characters; the limit is %(limit)s. Shorten it and submit it again."),
    ),
    (re.compile(r"choose one of the \d+ options"), N_("Choose one of the answers first.")),
    (
        re.compile(r"the answer to question (?P<question>\d+) is still uploading.*"),
        N_("Your answer to question %(question)s is still uploading; wait until every answer is saved."),
    ),
    (
        re.compile(r"the answer to question (?P<question>\d+) could not be used.*"),
        N_("Your answer to question %(question)s could not be used. Record it again."),
    ),
    (
        re.compile(r"finish the interview first.*"),
        N_("Finish the interview first; then you can tell us how it was."),
    ),
    (re.compile(r"choose a rating from \d+ to \d+"), N_("Choose a rating first.")),
    (
        re.compile(r"the file is (too large|larger than|[0-9.]+ MB).*"),
        N_("The file is too large. Upload a smaller one."),
    ),
    (re.compile(r"the file is empty.*"), N_("The file is empty; choose your document again.")),
    (
        re.compile(r"this file is not a PDF.*"),
        N_(
            "This file is not a PDF, Word (DOCX) or OpenDocument (ODT) document. Save it as a PDF and try again."
        ),
    ),
    (
        re.compile(r"this take is not available to watch yet"),
        N_("Your take is still arriving on our server. It will play here as soon as it is there."),
    ),
    (
        re.compile(r"this interview does not take accommodation requests.*"),
        N_("This interview does not take requests for adjustments; please contact the support address."),
    ),
]

_BY_STATUS: dict[int, str] = {
    404: N_("There is nothing at this address. Check that the link is complete."),
    403: N_("This is not possible for this interview."),
    409: N_("This is not possible right now. Reload the page and try again."),
    410: N_("This interview can no longer be answered."),
    413: N_("This is too large to send."),
    500: N_("Something went wrong on our side. Please try again in a moment."),
    503: N_("Something went wrong on our side. Please try again in a moment."),
}
_OTHER = N_("That did not work. Reload the page and try again.")


def say(language: i18n.Language | None, status: int, message: str) -> str:
    """`message` (the core's, in English) as the candidate should read it: unchanged in English or for the
    team, otherwise the same thing in the candidate's language."""
    if language is None or language.code == i18n.DEFAULT:
        return message
    return _translated(language, _MESSAGES, message, _BY_STATUS.get(status, _OTHER))


def _translated(
    language: i18n.Language, table: list[tuple[re.Pattern[str], str]], english: str, otherwise: str
) -> str:
    """The candidate's words for the first pattern of `table` that `english` matches, with its numbers written
    as the language writes them; `otherwise` when none does."""
    for pattern, text in table:
        if found := pattern.fullmatch(english):
            return language.gettext(text) % {
                k: language.number(float(v)) for k, v in found.groupdict().items()
            }
    return language.gettext(otherwise)


# Why processing could not use a take (the core's words, kept for the team), and the same said for the candidate.
_NUMBER = r"(?P<{}>[0-9]+(?:\.[0-9]+)?)"
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"the file is a picture, not a recording: .*"),
        N_("The file is a picture, not a recording. Record this answer again."),
    ),
    (
        re.compile(re.escape(playable.UNREADABLE)),
        N_(
            "The file is not a recording we can read (it may be damaged or incomplete). Record this answer "
            "again."
        ),
    ),
    (
        re.compile(r"no picture was recorded: .*"),
        N_(
            "No picture was recorded. Allow the camera in your browser (and close other apps using it), then "
            "record this answer again."
        ),
    ),
    (
        re.compile(r"no sound was recorded: .*"),
        N_(
            "No sound was recorded. Allow the microphone in your browser and check that it is not muted, then "
            "record this answer again."
        ),
    ),
    (
        re.compile(r"nothing was recorded \(the recording is empty\): .*"),
        N_("Nothing was recorded (the recording is empty). Record this answer again."),
    ),
    (
        re.compile(rf"the recording is only {_NUMBER.format('seconds')} seconds long, too short .*"),
        N_(
            "The recording is only %(seconds)s seconds long, too short to hold an answer. Record this answer "
            "again, and stop only when you have finished speaking."
        ),
    ),
    (
        re.compile(
            rf"the recording is incomplete: only {_NUMBER.format('received')} of its "
            rf"{_NUMBER.format('length')} seconds reached us .*"
        ),
        N_(
            "The recording is incomplete: only %(received)s of its %(length)s seconds reached us (the browser "
            "or phone may have stopped while saving it). Record this answer again."
        ),
    ),
    (
        re.compile(
            rf"the recording is {_NUMBER.format('length')} seconds long, longer than this question allows "
            rf"\({_NUMBER.format('limit')} s\): .*"
        ),
        N_(
            "The recording is %(length)s seconds long, longer than this question allows (%(limit)s s). Record "
            "a shorter answer."
        ),
    ),
    (
        re.compile(re.escape(playable.DAMAGED)),
        N_("The recording is damaged and cannot be played. Record this answer again."),
    ),
    (
        re.compile(re.escape(recordings.FAILED_ON_OUR_SIDE)),
        N_(
            "Something went wrong on our side while preparing this recording, and the hiring team has been "
            "told. Record this answer again."
        ),
    ),
]
_REASON_OTHER = N_("This recording could not be used. Record this answer again.")


def reason(language: i18n.Language, why: str | None) -> str | None:
    """Why a take could not be used (the core's words, in English) as the candidate should read it."""
    if not why or language.code == i18n.DEFAULT:
        return why
    return _translated(language, _REASONS, why, _REASON_OTHER)
