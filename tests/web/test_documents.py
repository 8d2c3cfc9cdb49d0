"""Documents a candidate uploads as an answer (a CV), sent the way an attacker would send them: archives that
unpack to gigabytes and compressed request bodies."""

from __future__ import annotations

import base64
import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
import requests

from boxinterview.domain import documents, interview_io, interviews, invitations
from boxinterview.domain.models import InterviewStatus
from tests.support.live import Live, live_server
from tests.support.signin import sign_in_with
from tests.support.site import serving

CV_INTERVIEW = """\
title: CV only
role: Clerk
questions:
  - {prompt: Your CV, kind: file, answer_seconds: 600}
"""
MB = 1024 * 1024


def zip_of(entries: list[tuple[str, int, bytes, int]]) -> bytes:
    """A ZIP written byte by byte, so an entry can claim what it likes: (name, method, packed bytes, size)."""
    out, directory = bytearray(), bytearray()
    for name, method, packed, size in entries:
        offset, raw = len(out), name.encode()
        out += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0, 0, len(packed), size, len(raw), 0
        )
        out += raw + packed
        directory += (
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0,
                0,
                len(packed),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(out), 0
    )
    return bytes(out + directory + end)


def zeros_deflated(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MB of zeros, about 1 KB per MB. Each megabyte ends in a full flush,
    which forgets the history, so every one packs to the same bytes and the stream is built by repetition."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(bytes(MB)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + packer.flush()


def bomb(megabytes: int = 2048, looks_like_docx: bool = True) -> bytes:
    """About 2 MB whose `mimetype` entry unpacks to 2 GB, with the names of a Word document beside it."""
    entries = [("mimetype", zipfile.ZIP_DEFLATED, zeros_deflated(megabytes), megabytes * MB)]
    if looks_like_docx:
        entries += [
            ("[Content_Types].xml", 0, b"<Types/>", 8),
            ("word/document.xml", 0, b"<w:document/>", 13),
        ]
    return zip_of(entries)


def odt(compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", documents.KINDS["odt"], compress_type=compression)
        z.writestr("content.xml", "<office:document-content/>", compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_recognising_an_archive_never_unpacks_it() -> None:
    data, odt_shaped = bomb(), bomb(looks_like_docx=False)
    assert len(data) < 3 * MB
    assert zlib.decompressobj(-zlib.MAX_WBITS).decompress(zeros_deflated(3)) == bytes(3 * MB)  # a real bomb
    tracemalloc.start()
    started = time.monotonic()
    try:
        kinds = [documents.sniff(data), documents.sniff(odt_shaped)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 1 * MB, f"recognising a 2 MB archive took {peak / MB:.0f} MB"
    # what it claims to unpack to is no document's, so neither shape is accepted
    assert kinds == [None, None]


def test_odt_is_recognised_stored_or_deflated_and_lies_are_not() -> None:
    assert documents.sniff(odt()) == "odt"
    assert documents.sniff(odt(zipfile.ZIP_DEFLATED)) == "odt"
    mime = documents.KINDS["odt"].encode()
    # packed with bzip2, which cannot be stopped part-way: not read at all, so not an ODT
    assert documents.sniff(zip_of([("mimetype", zipfile.ZIP_BZIP2, b"BZh9" + bytes(40), len(mime))])) is None
    # a mimetype that says it is small but goes on: only its first bytes are looked at, and they do not match
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    long = packer.compress(mime + bytes(10 * MB)) + packer.flush()
    assert documents.sniff(zip_of([("mimetype", zipfile.ZIP_DEFLATED, long, len(mime))])) is None
    # an archive of nothing but directory entries is not read through
    many = zip_of([(f"{i}", 0, b"", 0) for i in range(documents.MAX_ENTRIES + 1)])
    assert documents.sniff(many) is None


def with_cv_interview(live: Live) -> Live:
    iv = interviews.create(live.db, interview_io.from_yaml(CV_INTERVIEW), "t")
    interviews.set_status(live.db, iv, InterviewStatus.OPEN, "t")
    live.cv_interview = interviews.get(live.db, iv)
    return live


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cv_server(tmp_path_factory):
    """The app in process, for what it answers; one site for the module's tests."""
    async with serving(tmp_path_factory.mktemp("documents")) as live:
        yield with_cv_interview(live)


@pytest.fixture
def cv_process(tmp_path):
    """A real server process, whose memory can be measured."""
    with live_server(tmp_path) as live:
        yield with_cv_interview(live)


def cv_candidate(live, name: str = "Ann") -> tuple[int, str, int]:
    """A consented candidate of the CV interview: (invitation id, token, question id)."""
    live.count += 1
    inv, token = invitations.invite(live.db, live.cv_interview.id, name, f"cv{live.count}@example.com", "t")
    invitations.record_consent(live.db, inv.id, "1")
    return inv.id, token, live.cv_interview.questions[0].id


def peak_memory(pid: int) -> int:
    """The server process's largest resident size so far, in bytes (Linux's VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_a_document_that_unpacks_to_gigabytes_is_refused_quickly_in_little_memory(cv_process) -> None:
    live = cv_process
    inv_id, token, question = cv_candidate(live)
    url = f"{live.base}/api/v1/candidate/{token}/answers/{question}/file"
    assert requests.get(f"{live.base}/healthz", timeout=5).ok
    before = peak_memory(live.proc.pid)
    for data in (bomb(), bomb(looks_like_docx=False)):
        started = time.monotonic()
        r = requests.post(url, files={"file": ("cv.docx", data)}, timeout=60)
        assert r.status_code == 422, r.text
        assert "not a PDF, Word (DOCX) or OpenDocument" in r.json()["error"]["message"]
        assert time.monotonic() - started < 5
    grown = peak_memory(live.proc.pid) - before
    assert grown < 64 * MB, f"the server grew by {grown / MB:.0f} MB"
    assert not list((live.settings.data_dir / "files").rglob("*.docx"))


@pytest.mark.asyncio(loop_scope="module")
async def test_compressed_request_bodies_are_refused_unread(cv_server) -> None:
    live = cv_server
    inv_id, token, question = cv_candidate(live)
    packed = zlib.compress(b'{"text": "' + b" " * (50 * MB) + b'"}', 9)  # 50 MB of JSON in 50 KB
    client = await live.browser()
    for url, headers in (
        (f"/api/v1/candidate/{token}/answers/{question}", {"Content-Type": "application/json"}),
        (f"/api/v1/candidate/{token}/speedtest", {}),
        ("/login", {"Content-Type": "application/x-www-form-urlencoded"}),
        (
            "/api/v1/uploads/",
            {
                "Tus-Resumable": "1.0.0",
                "Upload-Length": str(50 * MB),
                "Content-Type": "application/offset+octet-stream",
            },
        ),
    ):
        r = await client.post(url, data=packed, headers={**headers, "Content-Encoding": "deflate"})
        text = await r.text()
        assert r.status == 415, (url, r.status, text)
        assert "Content-Encoding" in text


CV_ONE = b"%PDF-1.4\n% the first CV\n%%EOF\n"
CV_TWO = b"%PDF-1.4\n% a second CV, sent when it may no longer be\n%%EOF\n"


async def send_cv(live, token: str, question: int, data: bytes, name: str = "cv.pdf") -> tuple[int, dict]:
    """(status, JSON answer) of sending `data` as the candidate's document."""
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name)
    r = await (await live.browser()).post(f"/api/v1/candidate/{token}/answers/{question}/file", data=form)
    return r.status, await r.json()


def kept(live, inv_id: int) -> dict[str, bytes]:
    """The invitation's documents, and any left staged, by name."""
    root = live.settings.data_dir / "files"
    found = [p for p in (root / str(inv_id)).rglob("*") if p.is_file()] + list(root.glob(".incoming-*"))
    return {str(p.relative_to(root)): p.read_bytes() for p in found}


@pytest.mark.asyncio(loop_scope="module")
async def test_a_document_sent_after_completion_leaves_the_submitted_one_as_it_was(cv_server) -> None:
    live = cv_server
    inv_id, token, question = cv_candidate(live)
    assert (await send_cv(live, token, question, CV_ONE))[0] == 200
    candidate = await live.browser()
    assert (await (await candidate.post(f"/api/v1/candidate/{token}/finish", json={})).json())["finished"]
    before = kept(live, inv_id)
    status, answer = await send_cv(live, token, question, CV_TWO, "other.pdf")
    assert status == 403 and "completed" in answer["error"]["message"]
    assert kept(live, inv_id) == before and before[f"{inv_id}/question-{question}.pdf"] == CV_ONE
    state = await (await candidate.get(f"/api/v1/candidate/{token}/state")).json()
    assert state["questions"][0]["file_name"] == "cv.pdf"


@pytest.mark.asyncio(loop_scope="module")
async def test_a_document_sent_after_the_deadline_leaves_the_earlier_one_as_it_was(cv_server) -> None:
    from datetime import timedelta

    from boxinterview import clock
    from boxinterview.store import candidates as candidates_sql

    live = cv_server
    inv_id, token, question = cv_candidate(live)
    assert (await send_cv(live, token, question, CV_ONE))[0] == 200
    live.db.write(candidates_sql.set_deadline, inv_id, clock.now() - timedelta(minutes=1))
    before = kept(live, inv_id)
    status, answer = await send_cv(live, token, question, CV_TWO)
    assert status == 410 and "deadline" in answer["error"]["message"]
    assert kept(live, inv_id) == before and before[f"{inv_id}/question-{question}.pdf"] == CV_ONE


@pytest.mark.asyncio(loop_scope="module")
async def test_an_erased_invitations_link_leads_nowhere_and_brings_nothing_back(cv_server) -> None:
    from tests.conftest import run_cli

    live = cv_server
    inv_id, token, question = cv_candidate(live)
    assert (await send_cv(live, token, question, CV_ONE))[0] == 200
    assert kept(live, inv_id)
    erased = run_cli("--config", str(live.config), "purge", "--invitation", str(inv_id))
    assert erased.code == 0, erased.err
    assert not kept(live, inv_id) and not (live.settings.data_dir / "files" / str(inv_id)).exists()
    status, answer = await send_cv(live, token, question, CV_TWO)
    assert status == 410 and answer["error"]["message"] == invitations.ERASED
    assert not kept(live, inv_id) and not (live.settings.data_dir / "files" / str(inv_id)).exists()
    base, api = f"/i/{token}", f"/api/v1/candidate/{token}"
    anyone = await live.browser()
    for method, url in (
        [("GET", base), ("POST", base + "/consent")]
        + [("GET", f"{base}/{page}") for page in ("check", "interview", "done")]
        + [("GET", f"{api}/state"), ("GET", f"{api}/takes/{question}/1")]
        + [
            ("POST", f"{api}/{action}")
            for action in (f"answers/{question}", "device-check", "speedtest", "finish", "feedback")
        ]
    ):
        r = await anyone.request(method, url, json={"text": "x"}, allow_redirects=False)
        text = await r.text()
        assert r.status in (404, 410), (method, url, r.status)
        assert "erased" in text, (method, url, text[:200])
    meta = {"token": token, "question": str(question), "take": "1"}
    r = await anyone.post(
        "/api/v1/uploads/",
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Length": "10",
            "Upload-Metadata": ",".join(
                f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items()
            ),
        },
    )
    assert r.status in (404, 410) and "erased" in await r.text()


@pytest.mark.asyncio(loop_scope="module")
async def test_a_document_of_another_kind_replaces_the_earlier_one(cv_server) -> None:
    live = cv_server
    inv_id, token, question = cv_candidate(live)
    assert (await send_cv(live, token, question, CV_ONE))[0] == 200
    assert (await send_cv(live, token, question, odt(), "cv.odt"))[0] == 200
    assert kept(live, inv_id) == {f"{inv_id}/question-{question}.odt": odt()}


BOUNDARY = "b0undary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def form(disposition: str, body: bytes = CV_ONE, end: bool = True) -> bytes:
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/pdf\r\n\r\n"
    return head.encode() + body + (f"\r\n--{BOUNDARY}--\r\n".encode() if end else b"")


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.filterwarnings("ignore::aiohttp.multipart.BadContentDispositionParam")  # aiohttp says so too
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"file": "cv.pdf"}'),
        ("application/x-www-form-urlencoded", b"file=cv.pdf"),
        ("text/plain", b""),
        ("multipart/form-data", b"no boundary given"),
        ("multipart/form-data; boundary=" + "b" * 300, b"a boundary too long"),
        (MULTIPART, b"no boundary in the body"),
        (MULTIPART, f"--{BOUNDARY}--\r\n".encode()),  # a form with no fields
        (MULTIPART, form('form-data; name="cv"; filename="cv.pdf"')),  # not the field 'file'
        (MULTIPART, form('form-data; name="' + "n" * 100_000 + '"; filename="cv.pdf"')),
        (MULTIPART, form('form-data; name="file"; filename="a\x01b.pdf"')),
        (MULTIPART, form('form-data; name="file"; filename="cv.pdf"', end=False)),  # cut short
        (MULTIPART, form("form-data; name=\"file\"; filename*=UTF-8''%FF%FE.pdf", b"not a document")),
        (  # two documents in one form: which was meant cannot be told
            MULTIPART,
            form('form-data; name="file"; filename="a.pdf"', end=False)
            + b"\r\n"
            + form('form-data; name="file"; filename="b.pdf"', CV_TWO),
        ),
    ],
)
async def test_a_body_that_is_not_a_document_form_is_refused_not_failed(
    cv_server, content_type, body
) -> None:
    live = cv_server
    inv_id, token, question = cv_candidate(live)
    r = await (await live.browser()).post(
        f"/api/v1/candidate/{token}/answers/{question}/file",
        data=body,
        headers={"Content-Type": content_type},
    )
    assert 400 <= r.status < 500, (r.status, (await r.text())[:300])
    assert (await r.json())["error"]["message"]
    assert not kept(live, inv_id)


@pytest.mark.asyncio(loop_scope="module")
async def test_file_names_in_any_script_are_kept_and_given_back(cv_server) -> None:
    from urllib.parse import unquote

    from boxinterview.domain import accounts
    from boxinterview.domain.models import Role

    live = cv_server
    sent = {
        "Lebenslauf Jörg Müller.pdf": form('form-data; name="file"; filename="Lebenslauf Jörg Müller.pdf"'),
        "محمد.docx": form("form-data; name=\"file\"; filename*=UTF-8''%D9%85%D8%AD%D9%85%D8%AF.docx"),
        "Jörg.pdf": form(
            'form-data; name="file"; filename="Jo\u0308rg.pdf"'
        ),  # decomposed, as macOS sends it
        "cv.pdf": form('form-data; name="file"; filename="C:\\\\Users\\\\jo\\\\cv.pdf"'),  # a whole path
        "Brief.exe": form('form-data; name="file"; filename="Brief.exe"'),  # a PDF, whatever its name says
        "Müller.pdf": form('form-data; name="file"; filename="M-ller.pdf"').replace(
            b"M-", "Mü".encode("cp1252")
        ),
    }
    account, password = accounts.create(live.db, "names@example.com", Role.ADMIN, "t")
    reviewer = await live.browser()
    assert (await sign_in_with(reviewer, account.email, password)).ok
    candidate = await live.browser()
    for name, body in sent.items():
        inv_id, token, question = cv_candidate(live)
        r = await candidate.post(
            f"/api/v1/candidate/{token}/answers/{question}/file",
            data=body,
            headers={"Content-Type": MULTIPART},
        )
        text = await r.text()
        assert r.status == 200 and (await r.json())["questions"][0]["file_name"] == name, text
        await candidate.post(f"/api/v1/candidate/{token}/finish", json={})
        got = await reviewer.get(f"/review/{inv_id}/documents/{question}")
        assert got.status == 200 and await got.read() == CV_ONE
        disposition = got.headers["Content-Disposition"]
        saved_as = {"محمد.docx": "محمد.pdf", "Brief.exe": "Brief.pdf"}.get(name, name)  # what the bytes are
        assert disposition.isascii() and unquote(disposition.split("filename*=UTF-8''")[1]) == saved_as


UNREADABLE_FORMS = [
    ("multipart/form-data", b"no boundary given"),
    (MULTIPART, b"no boundary in the body"),
    (MULTIPART, form('form-data; name="' + "n" * 100_000 + '"', b"x")),
    (MULTIPART, form('form-data; name="a\x01"', b"x")),
    (MULTIPART, form('form-data; name="consent"', b"yes", end=False)),
    ("application/x-www-form-urlencoded", b"consent=%ff%fe&email=\xff"),
]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_form_that_cannot_be_read_is_refused_not_failed(cv_server) -> None:
    from boxinterview.domain import accounts
    from boxinterview.domain.models import Role

    live = cv_server
    inv_id, token, question = cv_candidate(live)
    account, password = accounts.create(live.db, "forms@example.com", Role.ADMIN, "t")
    reviewer = await live.browser()
    assert (await sign_in_with(reviewer, account.email, password)).ok
    anyone = await live.browser()
    for session, path in (
        (anyone, "/login"),
        (anyone, f"/i/{token}/consent"),
        (reviewer, f"/review/{inv_id}/decision"),
        (reviewer, f"/review/{inv_id}/share"),
        (reviewer, "/logout"),
    ):
        for content_type, body in UNREADABLE_FORMS:
            r = await session.post(
                path, data=body, headers={"Content-Type": content_type}, allow_redirects=False
            )
            assert 400 <= r.status < 500, (path, content_type, body[:60], r.status)
