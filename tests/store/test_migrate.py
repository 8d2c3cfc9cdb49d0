"""Schema migrations: from empty, from every earlier version, refusing newer ones, all-or-nothing steps."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import apsw
import pytest

from boxinterview.ops import datadir
from boxinterview.store import connect, migrations


def schema(con: apsw.Connection) -> list[tuple[str, str, str]]:
    return sorted(
        (t, n, " ".join((s or "").split()))
        for t, n, s in con.execute("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'")
    )


def fresh_head(tmp_path: Path) -> list[tuple[str, str, str]]:
    con = connect(tmp_path / "head.db")
    migrations.migrate(con)
    try:
        return schema(con)
    finally:
        con.close()


# Rows each version's tables can hold, to prove later steps keep earlier data.
SEED = {
    1: [
        "INSERT INTO interviews (id, title, role, created_at, updated_at) VALUES (1, 'T', 'R', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
        "INSERT INTO competencies (id, interview_id, position, name) VALUES (1, 1, 1, 'C')",
        "INSERT INTO rubric_anchors VALUES (1, 3, 'fine')",
        "INSERT INTO questions (id, interview_id, position, prompt, kind, category, answer_seconds, takes) VALUES (1, 1, 1, 'Q?', 'video', 'behavioural', 60, 2)",
        "INSERT INTO question_competencies VALUES (1, 1)",
    ],
    2: [
        "INSERT INTO candidates (id, name, email, created_at) VALUES (1, 'Ann', 'ann@example.com', '2026-01-01T00:00:00.000Z')",
        "INSERT INTO invitations (id, interview_id, candidate_id, number, token_hash, deadline, created_at) VALUES (1, 1, 1, 1, 'h', '2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    ],
    3: [
        "INSERT INTO answers (id, invitation_id, question_id, started_at) VALUES (1, 1, 1, '2026-01-02T00:00:00.000Z')",
        "INSERT INTO takes (id, answer_id, number, created_at) VALUES (1, 1, 1, '2026-01-02T00:00:00.000Z')",
        "INSERT INTO recordings (take_id, created_at, updated_at) VALUES (1, '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z')",
    ],
    4: [
        "INSERT INTO accounts (id, email, role, password_hash, created_at, password_changed_at) VALUES (1, 'r@example.com', 'reviewer', 'x', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
        "INSERT INTO reviews (id, invitation_id, question_id, reviewer_id, created_at, updated_at) VALUES (1, 1, 1, 1, '2026-01-03T00:00:00.000Z', '2026-01-03T00:00:00.000Z')",
        "INSERT INTO review_scores VALUES (1, 1, 4)",
    ],
    5: [
        "INSERT INTO audit_log (at, actor, action) VALUES ('2026-01-03T00:00:00.000Z', 'test', 'seed')",
    ],
    6: [
        "INSERT INTO uploads (id, recording_id, created_at, updated_at, expires_at) VALUES ('ab', 1, '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z')",
        "INSERT INTO jobs (kind, subject_id, run_after, created_at, updated_at) VALUES ('process_recording', 1, '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z')",
    ],
    7: [
        "INSERT INTO device_checks (invitation_id, at, passed) VALUES (1, '2026-01-02T00:00:00.000Z', 1)",
        "INSERT INTO candidate_feedback (invitation_id, rating, at) VALUES (1, 5, '2026-01-04T00:00:00.000Z')",
    ],
    8: ["UPDATE interviews SET allow_audio_only = 1"],
    9: [
        "INSERT INTO sessions VALUES ('h', 1, 'c', '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '')",
        "INSERT INTO outbox (kind, invitation_id, recipient, subject, body, created_at) VALUES ('outcome', 1, 'a@example.com', 's', 'b', '2026-01-05T00:00:00.000Z')",
    ],
    10: [
        "INSERT INTO share_links (id, token_hash, interview_id, created_at, expires_at) VALUES (1, 'x', 1, '2026-01-05T00:00:00.000Z', '2026-02-05T00:00:00.000Z')",
        "INSERT INTO share_link_candidates VALUES (1, 1)",
        "INSERT INTO share_link_questions VALUES (1, 1)",
    ],
    11: [
        "INSERT INTO api_tokens (token_hash, name, created_at) VALUES ('h', 'ats', '2026-01-06T00:00:00.000Z')"
    ],
    12: [
        "INSERT INTO candidate_results VALUES (1, 1, 4.0, 0)",
        "INSERT INTO competency_results VALUES (1, 1, 1, 4.0, 4.0, 0.0)",
    ],
    13: ["UPDATE outbox SET message_id = '<1@example.com>', attempts = 1"],
    14: ["INSERT INTO invitation_links VALUES ('h2', 1, '2026-01-07T00:00:00.000Z')"],
    15: ["UPDATE interviews SET review_target_days = 3"],
    17: ["UPDATE invitations SET erased_at = NULL"],
    18: ["INSERT INTO upload_traffic VALUES (29000000, 1024)"],
    19: ["UPDATE uploads SET resumes = 1"],
    20: ["INSERT OR REPLACE INTO rated_items VALUES (1, 1, 1, 2, 7, 25)"],
    21: ["UPDATE invitations SET outcome = 'hold'"],
    22: ["UPDATE answers SET takes = takes"],
    23: ["UPDATE recordings SET loudness_lufs = -23.5"],
    24: ["UPDATE uploads SET invitation_id = 1, metadata = 'question MQ==,take MQ=='"],
    25: ["UPDATE interviews SET language = 'de', time_zone = 'Europe/Berlin'"],
    26: [
        "UPDATE api_tokens SET scopes = 'read invite'",
        "UPDATE invitations SET external_id = 'ats-1'",
        "INSERT INTO api_requests VALUES (1, 'k1', 'f', 201, '{}', '2026-01-07T00:00:00.000Z')",
    ],
    27: [
        "INSERT INTO interview_media (interview_id, kind, original_path, added_by, added_at, updated_at) VALUES (1, 'welcome', '/x/original.webm', 'r@example.com', '2026-01-08T00:00:00.000Z', '2026-01-08T00:00:00.000Z')",
        "INSERT INTO interview_media (interview_id, kind, question_id, original_path, added_by, added_at, updated_at) VALUES (1, 'question', 1, '/x/q.mp4', 'r@example.com', '2026-01-08T00:00:00.000Z', '2026-01-08T00:00:00.000Z')",
    ],
    28: ["UPDATE outbox SET language = 'de', recipient_name = 'Jörg Müller'"],
    29: [
        "INSERT INTO webhook_endpoints (id, url, created_at, updated_at) VALUES "
        "(1, 'https://ats.example.com/hooks', '2026-01-08T00:00:00.000Z', '2026-01-08T00:00:00.000Z')",
        "INSERT INTO webhook_secrets VALUES (1, 1, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '2026-01-08T00:00:00.000Z', NULL)",
        "INSERT INTO webhook_events VALUES (1, 'msg_1', 'interview.completed', '2026-01-08T00:00:00.000Z', '{}', NULL)",
        "INSERT INTO webhook_deliveries (event_id, endpoint_id, created_at) VALUES (1, 1, '2026-01-08T00:00:00.000Z')",
    ],
    16: ["INSERT INTO message_wordings VALUES (1, 'invitation', 'Hello', 'Start: {{ link }}')"],
    30: [
        "INSERT INTO bucket_files (path, object_key, size, sha256, stored_at) VALUES ('/d/recordings/1/playback.mp4', "
        f"'b/recordings/1/playback.mp4', 1, '{'0' * 64}', '2026-01-09T00:00:00.000Z')"
    ],
    31: [
        f"INSERT INTO runners (id, name, token_hash, registered_at) VALUES (1, 'gpu-1', '{'1' * 64}', "
        "'2026-01-10T00:00:00.000Z')",
        "INSERT INTO runner_registration_tokens (token_hash, created_at, used_at, runner_id) VALUES "
        f"('{'2' * 64}', '2026-01-10T00:00:00.000Z', '2026-01-10T00:00:00.000Z', 1)",
    ],
    32: ["UPDATE recordings SET preview_path = '/d/recordings/1/preview.webm'"],
    33: ["UPDATE recordings SET previewed_at = '2026-01-11T00:00:00.000Z'"],
    34: ["UPDATE answers SET file_path = 'files/1/question-1.pdf'"],
    35: [
        "INSERT INTO question_openings (invitation_id, question_id, opened_at) VALUES "
        "(1, 1, '2026-01-12T00:00:00.000Z')",
        "UPDATE answers SET over_time_seconds = 20",
    ],
    36: ["UPDATE invitations SET accommodation_answered_at = '2026-01-13T00:00:00.000Z'"],
}
COUNTS = {
    "interviews": 1,
    "questions": 1,
    "invitations": 1,
    "takes": 1,
    "review_scores": 1,
    "audit_log": 1,
    "uploads": 1,
    "jobs": 1,
    "device_checks": 1,
    "candidate_feedback": 1,
    "webhook_deliveries": 1,
    "bucket_files": 1,
    "runners": 1,
    "runner_registration_tokens": 1,
    "question_openings": 1,
}


def test_seed_covers_every_version() -> None:
    assert sorted(SEED) == list(range(1, migrations.HEAD + 1))


def test_empty_database_migrates_to_head(tmp_path: Path) -> None:
    con = connect(tmp_path / "new.db")
    applied = migrations.migrate(con)
    assert applied == list(range(1, migrations.HEAD + 1))
    assert migrations.current_version(con) == migrations.HEAD
    assert con.pragma("journal_mode") == "wal"
    assert con.pragma("foreign_keys") == 1
    assert list(con.execute("PRAGMA foreign_key_check")) == []
    assert list(con.execute("PRAGMA integrity_check")) == [("ok",)]
    assert migrations.migrate(con) == []  # running again is a no-op
    con.close()


@pytest.mark.parametrize("start", range(0, migrations.HEAD))
def test_every_earlier_version_migrates_to_head_keeping_data(tmp_path: Path, start: int) -> None:
    con = connect(tmp_path / "old.db")
    migrations.migrate(con, target=start)
    assert migrations.current_version(con) == start
    with con:
        for version in range(1, start + 1):
            for statement in SEED[version]:
                con.execute(statement)
    applied = migrations.migrate(con)
    assert applied == list(range(start + 1, migrations.HEAD + 1))
    assert schema(con) == fresh_head(tmp_path)
    for version in range(start + 1, migrations.HEAD + 1):  # later tables accept their rows after upgrading
        with con:
            for statement in SEED[version]:
                con.execute(statement)
    for table, count in COUNTS.items():
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(count,)]
    assert list(con.execute("PRAGMA foreign_key_check")) == []
    con.close()


def test_stored_upload_metadata_loses_the_candidates_token(tmp_path: Path) -> None:
    token = "tOkEn_" * 7 + "x"
    encoded = base64.b64encode(token.encode()).decode()
    con = connect(tmp_path / "old.db")
    migrations.migrate(con, target=23)
    with con:
        for version in range(1, 24):
            for statement in SEED[version]:
                con.execute(statement)
        # The header as tus clients send it, and a second upload's written with spaces around the pairs
        con.execute(
            "UPDATE uploads SET metadata = ?",
            (f"token {encoded},question MQ==,take Mg==,filetype dmlkZW8vd2VibQ==",),
        )
        con.execute(
            "INSERT INTO takes (id, answer_id, number, created_at) VALUES (2, 1, 2, '2026-01-02T00:00:00.000Z')"
        )
        con.execute(
            "INSERT INTO recordings (id, take_id, created_at, updated_at) VALUES (2, 2, '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z')"
        )
        con.execute(
            "INSERT INTO uploads (id, recording_id, metadata, created_at, updated_at, expires_at) VALUES ('cd', 2, ?, "
            "'2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z')",
            (f"question MQ== , token {encoded} ,take Mw==",),
        )
    migrations.migrate(con)
    assert sorted(con.execute("SELECT id, invitation_id, metadata FROM uploads")) == [
        ("ab", 1, "question MQ==,take Mg==,filetype dmlkZW8vd2VibQ=="),
        ("cd", 1, "question MQ==,take Mw=="),
    ]
    con.close()


def test_a_failing_step_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = connect(tmp_path / "x.db")
    migrations.migrate(con)
    broken = ("broken", "CREATE TABLE half_done (a); INSERT INTO no_such_table VALUES (1);", {})
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, broken])
    monkeypatch.setattr(migrations, "HEAD", len(migrations.STEPS))
    with pytest.raises(apsw.SQLError):
        migrations.migrate(con, target=migrations.HEAD)
    assert migrations.current_version(con) == migrations.HEAD - 1
    assert con.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").fetchall() == [(0,)]
    con.close()


def test_the_checked_in_schema_is_what_the_steps_make() -> None:
    """A step that changes the schema must come with the new `schema.sql`, so every change is seen in review."""
    checked_in = (Path(migrations.__file__).parent.parent / "schema.sql").read_text()
    assert checked_in == migrations.fresh_dump(), (
        "src/boxinterview/store/schema.sql differs from the schema the migration steps make: run "
        "`make schema` (boxinterview migrate --dump-schema src/boxinterview/store/schema.sql) and commit it"
    )


def test_the_dump_is_the_schema_of_a_migrated_database(tmp_path: Path) -> None:
    con = connect(tmp_path / "dump.db")
    migrations.migrate(con)
    dumped = apsw.Connection(":memory:")
    dumped.execute(
        "".join(line for line in migrations.dump(con).splitlines(True) if not line.startswith("--"))
    )
    assert schema(dumped) == schema(con)
    con.close()
    dumped.close()


def test_steps_are_files_numbered_as_the_versions_they_make() -> None:
    folder = Path(migrations.__file__).parent
    files = sorted(p.name for p in folder.glob("[0-9]*.py"))
    assert [int(name[:4]) for name in files] == list(range(1, migrations.HEAD + 1))
    assert all(migrations.STEP_FILE.match(name) for name in files)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_database_is_refused_and_untouched(tmp_path: Path, cli) -> None:
    datadir.init(tmp_path / "var")
    db_path = tmp_path / "var" / "boxinterview.db"
    con = connect(db_path)
    con.pragma("user_version", migrations.HEAD + 3)
    con.close()
    before = _digest(db_path)
    for args in (["migrate"], ["serve", "--port", "1"], ["interview", "list"], ["demo", "--json"]):
        result = cli(*args)
        assert result.code == 1, args
        lines = result.err.strip().splitlines()
        assert len(lines) == 1, result.err
        assert f"schema version {migrations.HEAD + 3}" in lines[0]
        assert "newer" in lines[0]
        assert result.out == ""
    assert _digest(db_path) == before


def test_migrate_command_upgrades_an_old_database(tmp_path: Path, cli) -> None:
    (tmp_path / "var").mkdir()
    con = connect(tmp_path / "var" / "boxinterview.db")
    migrations.migrate(con, target=2)
    con.close()
    assert "run `boxinterview migrate`" in cli("interview", "list").err
    result = cli("migrate")
    assert result.code == 0
    assert f"from schema version 2 to {migrations.HEAD}" in result.out
    assert "nothing to do" in cli("migrate").out
    assert cli("interview", "list").code == 0


def test_migrate_command_prints_the_schema_without_a_database(tmp_path: Path, cli) -> None:
    result = cli("migrate", "--dump-schema")
    assert result.code == 0
    assert result.out == migrations.fresh_dump()
    assert not (tmp_path / "var" / "boxinterview.db").exists()
