"""The status snapshot and the `mj` entry point: fast, and always the full path's answer.

Every scenario runs `mj status` through ``fastpath.run`` (what the `mj` executable does)
and through the click CLI with MJ_NO_CACHE=1, and requires the same bytes. It also
checks which path answered: the snapshot where only session notes changed, the
full path (which then writes a new snapshot) for anything else.
"""

from __future__ import annotations

import io
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git

from mentorjournal.cli import fastpath
from mentorjournal.index import snapshot
from mentorjournal.index.cachefile import cache_path
from mentorjournal.index.shelf import Chunks, Shelf
from mentorjournal.reports import statuscore

TODAY = "2026-11-21"
VIEWS = [
    ("status", "--json", "--today", TODAY),
    ("status", "--today", TODAY),
    ("status", "--json", "--owner", "ana", "--today", TODAY),
    ("status", "--owner=ben", "--today=2026-12-24"),
]


def fast(root: Path, *args: str) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = fastpath.run(["-C", str(root), *args], out, err)
    return code, out.getvalue(), err.getvalue()


def full(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, str]:
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    result = mj(*args, cwd=root)
    monkeypatch.delenv("MJ_NO_CACHE")
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def warm(root: Path) -> None:
    """A full-path run through the CLI, which leaves a snapshot behind."""
    assert mj("status", "--json", cwd=root).exit_code == 0


def assert_same(root: Path, monkeypatch: pytest.MonkeyPatch, *, expect_fast: bool) -> None:
    for view in VIEWS:
        code, out, err = fast(root, *view)
        if code is None:
            assert not expect_fast, f"{view}: the snapshot did not answer"
            warm(root)
            code, out, err = fast(root, *view)
            assert code == 0, f"{view}: no snapshot even after a full run"
        else:
            assert code == 0
        assert (out, err) == full(root, monkeypatch, *view), view


def test_warm_status_comes_from_the_snapshot(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fast(sample_repo, "status", "--json")[0] is None  # no snapshot yet
    warm(sample_repo)
    assert_same(sample_repo, monkeypatch, expect_fast=True)


def test_edited_added_and_removed_notes_are_seen(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(sample_repo)
    note = sample_repo / "sessions" / "2026-11-16.md"
    original = note.read_bytes()
    note.write_bytes(original + b"\n- [ ] @ana Edited in place due:2026-11-01\n")
    assert_same(sample_repo, monkeypatch, expect_fast=True)
    assert "Edited in place" in fast(sample_repo, "status", "--json")[1]

    new = sample_repo / "sessions" / "2026-11-20.md"
    new.write_text("---\ndate: 2026-11-20\nattendees: [ana, ben]\n---\n- [ ] @ben Untracked\n")
    assert_same(sample_repo, monkeypatch, expect_fast=True)
    git(sample_repo, "add", "--", "sessions/2026-11-20.md")  # the index changes: ls-files path
    assert_same(sample_repo, monkeypatch, expect_fast=True)
    git(sample_repo, "commit", "-q", "-m", "new note", "--", "sessions/2026-11-20.md")
    assert_same(sample_repo, monkeypatch, expect_fast=True)

    note.write_bytes(original)  # a revert matches the snapshot's blob again
    new.unlink()
    assert_same(sample_repo, monkeypatch, expect_fast=True)
    assert "Untracked" not in fast(sample_repo, "status", "--json")[1]


def test_a_broken_note_still_counts_its_errors(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(sample_repo)
    (sample_repo / "sessions" / "2026-11-19.md").write_text(
        "---\ndate: 2026-11-19\nattendees: ana\n---\n- [ ] @ana Fix me\n"
    )
    assert_same(sample_repo, monkeypatch, expect_fast=True)
    said = fast(sample_repo, "status", "--today", TODAY)[2]
    assert "so some items may be missing: `mj validate` shows them" in said


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("agreement.md", b"every: biweekly", b"every: weekly"),
        ("goals/portfolio.md", b"status: active", b"status: paused"),
    ],
)
def test_other_changes_take_the_full_path(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, path: str, old: bytes, new: bytes
) -> None:
    warm(sample_repo)
    target = sample_repo / path
    data = target.read_bytes()
    assert old in data
    target.write_bytes(data.replace(old, new, 1))
    assert_same(sample_repo, monkeypatch, expect_fast=False)


def test_a_new_folder_or_file_elsewhere_takes_the_full_path(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(sample_repo)
    (sample_repo / "notes").mkdir()
    (sample_repo / "notes" / "extra.md").write_text(
        "---\ntype: session\ndate: 2026-11-18\nattendees: [ana, ben]\n---\n- [ ] @ana Elsewhere\n"
    )
    assert_same(sample_repo, monkeypatch, expect_fast=False)
    assert "Elsewhere" in fast(sample_repo, "status", "--json")[1]


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"truncated"])
def test_a_damaged_snapshot_is_rebuilt(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    warm(sample_repo)
    location = Path(cache_path(str(sample_repo), str(sample_repo / ".git"), "status"))
    assert location.exists()
    location.write_bytes(damage if damage != b"truncated" else location.read_bytes()[:200])
    assert_same(sample_repo, monkeypatch, expect_fast=False)


@pytest.mark.parametrize("damage", [b"\x00garbage", marshal.dumps({1: 2}), marshal.dumps([])])
@pytest.mark.parametrize("shelf", ["records", "counts", "open ids", "order"])
def test_a_damaged_shard_inside_the_snapshot_is_rebuilt(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, shelf: str, damage: bytes
) -> None:
    warm(sample_repo)
    location = cache_path(str(sample_repo), str(sample_repo / ".git"), "status")
    kept = snapshot.Snapshot.read(location)
    assert kept is not None
    body = list(kept.body())
    part = {"records": 1, "counts": 2, "open ids": 3, "order": 5}[shelf]
    if shelf == "order":
        firsts, runs = body[part].pack()
        body[part] = Chunks(firsts, [damage] * len(list(runs)), statuscore.row_key)
    else:
        size = len(list(body[part].pack()))
        body[part] = type(body[part])([damage] * size, size)
    kept._body = tuple(body)  # type: ignore[assignment]
    kept._base = None  # write the whole body, not a delta
    kept.store()
    note = sample_repo / "sessions" / "2026-11-16.md"
    note.write_bytes(note.read_bytes() + b"\n- [ ] @ana After the damage\n")
    assert_same(sample_repo, monkeypatch, expect_fast=False)


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", "other generation", "deleted"])
def test_a_missing_or_mismatched_body_is_rebuilt(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes | str
) -> None:
    warm(sample_repo)
    head = cache_path(str(sample_repo), str(sample_repo / ".git"), "status")
    body = Path(head.replace("status-", "status-body-"))
    if damage == "other generation":
        before_head = Path(head).read_bytes()
        kept = snapshot.Snapshot.read(head)
        assert kept is not None
        kept.body()
        kept._base = None
        kept.store()  # a new generation for both files...
        Path(head).write_bytes(before_head)  # ...then the old head comes back
    elif damage == "deleted":
        body.unlink()  # cachefile.mapped finds nothing to map
    else:
        body.write_bytes(damage)  # type: ignore[arg-type]
    # Kept output stays right for the head it was made for; an edit needs the body.
    note = sample_repo / "sessions" / "2026-11-16.md"
    note.write_bytes(note.read_bytes() + b"\n- [ ] @ana After the damage\n")
    assert_same(sample_repo, monkeypatch, expect_fast=False)


def test_edits_go_to_a_delta_until_the_body_is_written_again(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(sample_repo)
    head = cache_path(str(sample_repo), str(sample_repo / ".git"), "status")
    body = Path(head.replace("status-", "status-body-"))
    delta = Path(head.replace("status-", "status-delta-"))
    written = body.read_bytes()
    note = sample_repo / "sessions" / "2026-11-16.md"
    for n in range(3):
        note.write_bytes(note.read_bytes() + f"\n- [ ] @ana Edit {n} due:2026-1{n}-01\n".encode())
        assert_same(sample_repo, monkeypatch, expect_fast=True)
    assert body.read_bytes() == written and delta.exists()  # three edits: only the delta
    delta.write_bytes(b"\x00garbage")  # a damaged delta: the full path starts again
    note.write_bytes(note.read_bytes() + b"\n- [ ] @ana After the damage\n")
    assert_same(sample_repo, monkeypatch, expect_fast=False)
    # Past the limit the whole body is written again, and the answers stay the same.
    written = body.read_bytes()
    for n in range(snapshot._MOST_DELTA + 1):
        (sample_repo / "sessions" / f"2026-12-{n % 28 + 1:02d}-x{n}.md").write_text(
            f"---\ndate: 2026-12-{n % 28 + 1:02d}\nattendees: [ana, ben]\n---\n- [ ] @ben N{n}\n"
        )
    assert_same(sample_repo, monkeypatch, expect_fast=True)
    assert body.read_bytes() != written


def test_kept_output_follows_the_day_the_owner_and_every_edit(sample_repo: Path) -> None:
    warm(sample_repo)
    first = fast(sample_repo, "status", "--json", "--today", "2026-12-01")[1]
    assert fast(sample_repo, "status", "--json", "--today", "2026-12-01")[1] == first
    later = fast(sample_repo, "status", "--json", "--today", "2027-03-01")[1]
    assert later != first and '"today": "2027-03-01"' in later
    ana = fast(sample_repo, "status", "--json", "--owner", "ana", "--today", "2026-12-01")[1]
    owners = [item["owner"] for item in json.loads(ana)["open"]]
    assert ana != first and owners and all("ana" in owner for owner in owners)
    note = sample_repo / "sessions" / "2026-11-16.md"
    note.write_bytes(note.read_bytes() + b"\n- [ ] @ana Kept output is not stale\n")
    assert (
        "Kept output is not stale"
        in fast(sample_repo, "status", "--json", "--today", "2026-12-01")[1]
    )


def test_outside_git_the_cli_answers(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warm(journal)
    assert fast(journal, "status", "--json")[0] is None


def test_unusual_arguments_go_to_click(sample_repo: Path) -> None:
    warm(sample_repo)
    for args in (
        ["status", "--help"],
        ["status", "--bogus"],
        ["status", "--today", "tomorrow"],
        ["status", "--owner"],
        ["validate"],
        ["-C", "/nonexistent", "status"],
    ):
        assert fast(sample_repo, *args)[0] is None, args


def test_clashing_short_ids_send_the_full_path() -> None:
    def counts() -> Shelf:
        return Shelf.build({"aaaaaa": 1, "bbbbbb": 2}, 16)

    moved = counts()
    assert snapshot._ids_still_unique(moved, ("aaaaaa",), ("cccccc",))
    assert (moved.get("aaaaaa"), moved.get("cccccc")) == (None, 1)
    assert not snapshot._ids_still_unique(counts(), (), ("aaaaaa",))  # a clash begins
    assert not snapshot._ids_still_unique(counts(), ("bbbbbb",), ())  # a clash ends


def test_a_shelf_unpacks_only_the_shards_it_is_asked_for() -> None:
    entries = {f"sessions/2026-01-{day:02}.md": day for day in range(1, 29)}
    shelf = Shelf(Shelf.build(entries, 8).pack(), 8)
    assert not shelf._open  # read from its marshals: nothing unpacked yet
    shelf.put("sessions/2026-01-01.md", None)
    shelf.put("sessions/new.md", 99)
    assert len(shelf._open) <= 2
    again = Shelf(shelf.pack(), 8)
    assert again.keys() == (set(entries) - {"sessions/2026-01-01.md"}) | {"sessions/new.md"}
    assert again.get("sessions/new.md") == 99 and "sessions/2026-01-02.md" in again
    with pytest.raises(ValueError):
        Shelf(shelf.pack(), 16)


CLICK_AS_MJ = "import sys; sys.argv[0] = 'mj'; from mentorjournal.cli.app import main; main()"


def test_the_mj_executable_answers_help_like_click(tmp_path: Path) -> None:
    mj_bin = Path(sys.executable).parent / "mj"
    if not mj_bin.exists():
        pytest.skip("mj is not installed in this environment")
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": "100"}
    fast_help = subprocess.run(
        [str(mj_bin), "--help"], capture_output=True, text=True, env=env, check=True
    )
    click_help = subprocess.run(
        [sys.executable, "-c", CLICK_AS_MJ, "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert fast_help.stdout == click_help.stdout
    narrow = subprocess.run(
        [str(mj_bin), "--help"], capture_output=True, text=True, env={**env, "COLUMNS": "60"}
    )
    assert narrow.returncode == 0
    assert narrow.stdout != fast_help.stdout  # click wraps for 60 columns itself


def test_changed_files_outside_the_journal_do_not_matter(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (sample_repo / ".github").mkdir()
    (sample_repo / ".github" / "notes.md").write_text("tracked, not a journal file\n")
    git(sample_repo, "add", "--", ".github/notes.md")
    git(sample_repo, "commit", "-q", "-m", "notes")
    warm(sample_repo)
    (sample_repo / ".github" / "notes.md").write_text("changed\n")
    assert_same(sample_repo, monkeypatch, expect_fast=True)


def test_rows_keep_their_json_exactly_as_json_dumps_writes_it() -> None:
    rows: list[statuscore.Row] = [
        (
            "abc123",
            'say "hi" \\ ünï 🎉 </b>\t\x00',
            ("ana", "ben"),
            "2026-01-02",
            ("g1",),
            "a.md",
            3,
        ),
        ("def456", "", (), None, (), "sessions/b c.md", 10),
    ]
    meeting = ("2026-02-01", True, "2026-01-01", "weekly")
    signatures: tuple[tuple[str, ...], ...] = (("ana",), (), ("ben",), ("carla",))
    for today in ("2026-01-01", "2026-01-03"):
        for chosen in (rows, rows[:1], []):
            facts = (meeting, None, signatures)
            expected = statuscore.as_json(today, chosen, *facts)  # type: ignore[arg-type]
            kept = [statuscore.json_row(row) for row in chosen]
            got = statuscore.json_text(today, kept, *facts)  # type: ignore[arg-type]
            assert got == json.dumps(expected, ensure_ascii=False)


def test_a_record_whose_date_the_summary_lacks_is_rebuilt(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(sample_repo)
    location = cache_path(str(sample_repo), str(sample_repo / ".git"), "status")
    kept = snapshot.Snapshot.read(location)
    assert kept is not None
    path = "sessions/2026-11-16.md"
    entry = kept.records.get(path)
    kept.records.put(path, (*entry[:3], "2999-01-01", *entry[4:]))
    kept._base = None  # write the whole body, not a delta
    kept.store()
    note = sample_repo / path
    note.write_bytes(note.read_bytes() + b"\n- [ ] @ana After the damage\n")
    assert_same(sample_repo, monkeypatch, expect_fast=False)


def test_a_file_name_that_is_not_utf8_is_no_problem(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm(sample_repo)
    odd = sample_repo / os.fsdecode(b"notes-\xff.md")
    odd.write_bytes(b"---\ntitle: x\n---\n- [ ] @ana Rename this file\n")
    assert_same(sample_repo, monkeypatch, expect_fast=False)
    odd.write_bytes(b"---\ntitle: x\n---\n- [ ] @ana Rename this file soon\n")
    assert_same(sample_repo, monkeypatch, expect_fast=False)


@pytest.mark.parametrize("damage", [b"\x00garbage", marshal.dumps(["not", "a tuple"])])
def test_damaged_paths_inside_the_snapshot_are_rebuilt(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    warm(sample_repo)
    location = cache_path(str(sample_repo), str(sample_repo / ".git"), "status")
    kept = snapshot.Snapshot.read(location)
    assert kept is not None
    kept._body = (*kept.body()[:4], damage, *kept.body()[5:])
    kept._base = None  # write the whole body, not a delta
    kept.store()
    new = sample_repo / "sessions" / "2026-11-20.md"
    new.write_text("---\ndate: 2026-11-20\nattendees: [ana, ben]\n---\n- [ ] @ana New\n")
    assert_same(sample_repo, monkeypatch, expect_fast=False)


def test_new_session_and_done_answer_from_the_snapshot(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, new session and done read the open items from the snapshot, and
    write what the full path (an empty store) writes."""
    import datetime as dt

    from mentorjournal.index import views

    warm(sample_repo)
    note = sample_repo / "sessions" / "2026-11-16.md"
    note.write_bytes(note.read_bytes() + b"\n- [ ] @ben Edited in place due:2026-11-01\n")
    day = dt.date(2026, 11, 30)
    assert views.session_plan(sample_repo, day) is not None
    open_now = views.open_items(sample_repo)
    assert open_now is not None
    edited = next(item for item in open_now if item.text == "Edited in place")

    written = {}
    for no_cache in ("1", ""):
        monkeypatch.setenv("MJ_NO_CACHE", no_cache)
        result = mj("new", "session", "--date", str(day), cwd=sample_repo)
        assert result.exit_code == 0, result.output
        new = sample_repo / "sessions" / f"{day}.md"
        written[no_cache] = new.read_text("utf-8")
        new.unlink()
    assert written["1"] == written[""]
    ben = written[""].split("### @ben")[1].split("###")[0]
    assert f"- `{edited.id}` Edited in place, due 2026-11-01 (overdue)" in ben

    result = mj("done", edited.id[:5], "--today", "2026-11-21", cwd=sample_repo)
    assert result.exit_code == 0, result.output
    assert "- [x] @ben Edited in place due:2026-11-01 done:2026-11-21" in note.read_text("utf-8")
