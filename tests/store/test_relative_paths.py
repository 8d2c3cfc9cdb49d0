"""Files are named in the database by their place in the data directory, so a data directory restored, copied or
moved elsewhere names its own files; databases from before (full paths) are brought to that by step 34."""

from __future__ import annotations

from pathlib import Path

import pytest

from boxinterview import files
from boxinterview.domain import placement
from boxinterview.store import answers as answers_sql
from boxinterview.store import connect, migrations
from boxinterview.store import interview_media as media_sql
from tests.store.test_migrate import SEED

OLD = "/srv/files/old-place"  # where the data directory was: a `files` folder in its own path, too


def test_full_paths_from_another_place_become_places_in_the_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "moved"
    data_dir.mkdir()
    con = connect(data_dir / "boxinterview.db")
    migrations.migrate(con, target=33)
    with con:
        for version in range(1, 34):
            for statement in SEED[version]:
                con.execute(statement)
        con.execute(
            "UPDATE recordings SET original_path = ?, playback_path = ?, poster_path = ?, preview_path = ?",
            tuple(
                f"{OLD}/recordings/1/{name}"
                for name in ("original.webm", "playback.mp4", "poster.jpg", "p.webm")
            ),
        )
        con.execute("UPDATE answers SET file_path = ?", (f"{OLD}/files/1/question-1.pdf",))
        con.execute(
            "UPDATE interview_media SET original_path = ?, playback_path = ? WHERE kind = 'welcome'",
            (
                f"{OLD}/files/interview-1/welcome/original-ab.webm",
                f"{OLD}/files/interview-1/welcome/playback.mp4",
            ),
        )
        con.execute(
            "UPDATE interview_media SET original_path = '/elsewhere/clip.mp4' WHERE kind = 'question'"
        )
        con.execute("UPDATE bucket_files SET path = ?", (f"{OLD}/recordings/1/playback.mp4",))

    assert migrations.migrate(con, target=34) == [34]

    assert con.execute(
        "SELECT original_path, playback_path, poster_path, preview_path FROM recordings"
    ).fetchall() == [
        (
            "recordings/1/original.webm",
            "recordings/1/playback.mp4",
            "recordings/1/poster.jpg",
            "recordings/1/p.webm",
        )
    ]
    assert con.execute("SELECT file_path FROM answers").fetchall() == [("files/1/question-1.pdf",)]
    assert con.execute(
        "SELECT kind, original_path, playback_path FROM interview_media ORDER BY kind"
    ).fetchall() == [
        ("question", "/elsewhere/clip.mp4", None),  # never in a data directory: left as it was
        ("welcome", "files/interview-1/welcome/original-ab.webm", "files/interview-1/welcome/playback.mp4"),
    ]
    # The object in the bucket keeps its key; only the local name it stands for changed.
    assert con.execute("SELECT path, object_key FROM bucket_files").fetchall() == [
        ("recordings/1/playback.mp4", "b/recordings/1/playback.mp4")
    ]

    # Everything reading them (at the schema's head) gets the files of this data directory.
    migrations.migrate(con)
    rec = answers_sql.get_recording(con, 1)
    assert rec is not None and rec.original_path == str(data_dir / "recordings/1/original.webm")
    assert rec.playback_path == str(data_dir / "recordings/1/playback.mp4")
    assert answers_sql.get_answer(con, 1, 1).file_path == str(data_dir / "files/1/question-1.pdf")
    welcome = media_sql.at_place(con, 1, None)
    assert welcome is not None and welcome.playback_path == str(
        data_dir / "files/interview-1/welcome/playback.mp4"
    )
    with pytest.raises(files.OutsideDataDir, match="/elsewhere/clip.mp4, which is in none of"):
        media_sql.at_place(con, 1, 1)  # never a file of this directory: said, not served from elsewhere
    assert placement.located(con, rec.playback_path) == "b/recordings/1/playback.mp4"
    con.close()


def test_a_database_names_only_files_inside_its_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    assert (
        files.stored_name(data_dir, data_dir / "recordings" / "3" / "original.webm")
        == "recordings/3/original.webm"
    )
    assert files.in_data_dir(data_dir, "files/7/question-2.pdf") == data_dir / "files/7/question-2.pdf"
    # a full path written elsewhere still means this directory's file
    assert (
        files.in_data_dir(data_dir, "/old/var/recordings/3/poster.jpg")
        == data_dir / "recordings/3/poster.jpg"
    )
    with pytest.raises(files.OutsideDataDir, match="not inside the data directory"):
        files.stored_name(data_dir, tmp_path / "elsewhere" / "clip.webm")
    for name in ("../other/recordings/1/original.webm", "recordings/../../etc/passwd", "/etc/passwd"):
        with pytest.raises(files.OutsideDataDir):
            files.in_data_dir(data_dir, name)
