"""`mj done NAME` names the item the whole journal names, whether the status snapshot
answers or not (found by the adversarial trial of session 8: the snapshot looked among
open items only, with their goal links dropped)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git

from mentorjournal.cli import fastpath

TODAY = "2026-11-21"


def _fast(root: Path, *args: str) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = fastpath.run(["-C", str(root), *args], out, err)
    return code, out.getvalue(), err.getvalue()


def _twins(sample_repo: Path, tmp_path: Path, lines: str) -> Path:
    """``lines`` appended to a session of the sample and committed; a snapshot built;
    the twin copy (to be run under MJ_NO_CACHE) returned."""
    note = sample_repo / "sessions" / "2026-11-19.md"
    if not note.exists():
        note = sorted((sample_repo / "sessions").glob("*.md"))[-1]
    note.write_text(note.read_text(encoding="utf-8") + lines, encoding="utf-8")
    git(sample_repo, "add", "-A")
    git(sample_repo, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "items")
    assert mj("status", "--today", TODAY, cwd=sample_repo).exit_code == 0  # the snapshot
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin, symlinks=True)
    return twin


@pytest.mark.parametrize(
    ("lines", "wanted"),
    [
        # The exact text of a done item, and an open item whose text contains it.
        (
            "\n- [x] @ana Write intro done:2026-11-01\n- [ ] @ana Write intro for chapter\n",
            "write intro",
        ),
        # The whole explicit id of a done item, which is a prefix of an open item's id.
        ("\n- [x] @ana One [id:: beef1] done:2026-11-01\n- [ ] @ana Two [id:: beef12]\n", "beef1"),
        # Text that equals an open item's text only once its goal link is dropped (as
        # status shows it): the whole journal finds it in two items, and refuses.
        ("\n- [ ] @ana Plan zq #portfolio\n- [ ] @ana Plan zq the talk\n", "plan zq"),
    ],
)
@pytest.mark.parametrize("command", ["done", "cancel"])
def test_item_named_as_without_the_snapshot(
    sample_repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lines: str,
    wanted: str,
    command: str,
) -> None:
    """`mj done NAME` names the item the whole journal names: with the snapshot it looks
    among the open items only, and ticks another item than the one named (which is
    done: without the snapshot mj refuses, "already done")."""
    twin = _twins(sample_repo, tmp_path, lines)
    code, out, err = _fast(sample_repo, command, wanted, "--today", TODAY)
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    plain = mj(command, wanted, "--today", TODAY, cwd=twin)
    assert (code, out) == (plain.exit_code, plain.stdout), (out, err, plain.stderr)


def _names(root: Path) -> list[str]:
    """Prefixes of every length of a few items' ids and keys, open and closed,
    explicit ids among them, and a few that name nothing."""
    from mentorjournal.journal import load_journal

    items = sorted(load_journal(root).items(), key=lambda i: (i.path, i.line))
    picked = items[:: max(1, len(items) // 12)]
    names = {"ffff", "0000", "ab", "beef", "beef1", "BEEF12"}
    for item in picked:
        for length in (4, 5, 6, 8):
            names.add(item.id[:length])
            names.add(item.key[:length])
    return sorted(names)


LINES = (
    "\n- [x] @ana One [id:: beef1] done:2026-11-01\n- [ ] @ana Two [id:: beef12]\n"
    "- [-] @ben Dropped [id:: cafe77]\n"
)


@pytest.mark.parametrize("command", ["done", "reopen", "cancel"])
def test_ids_and_prefixes_name_what_the_whole_journal_names(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """Every prefix of an id or a key, open or closed: the notes the snapshot names
    answer as the whole journal does (what is ticked, what is said, what is refused)."""
    twin = _twins(sample_repo, tmp_path, LINES)
    dated = () if command == "reopen" else ("--today", TODAY)
    for wanted in _names(twin):
        kept = mj(command, wanted, *dated, cwd=sample_repo)
        monkeypatch.setenv("MJ_NO_CACHE", "1")
        plain = mj(command, wanted, *dated, cwd=twin)
        monkeypatch.delenv("MJ_NO_CACHE")
        assert (kept.exit_code, kept.output) == (plain.exit_code, plain.output), wanted
    for note in (sample_repo / "sessions").glob("*.md"):
        assert note.read_bytes() == (twin / "sessions" / note.name).read_bytes(), note.name


def test_a_prefix_or_a_closed_item_is_found_without_reading_the_whole_journal(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot names the notes that hold the items a prefix may name, open or
    closed; only those are read (the whole journal: ~0.45 s at 10,000 notes), also to
    refuse an item the command does not apply to."""
    from mentorjournal.index import views
    from mentorjournal.journal import load_journal

    _twins(sample_repo, tmp_path, LINES)
    done = next(
        item
        for item in load_journal(sample_repo).items()
        if item.state == "done" and not item.explicit_id and item.path.startswith("sessions/")
    )
    note = sample_repo / done.path

    def whole(root: Path) -> object:
        raise AssertionError("read the whole journal")

    monkeypatch.setattr(views, "journal", whole)
    steps = [
        ("reopen", "BEEF1", 0),  # a done item's whole explicit id, another's prefix
        ("done", "beef1", 0),
        ("cancel", "beef12", 0),
        ("reopen", "cafe7", 0),  # a prefix of a cancelled item's id
        ("reopen", done.key[:9], 0),  # a prefix of a done item's key, past its id
        ("reopen", done.id, 1),  # open already: refused from the same notes
    ]
    for command, wanted, expected in steps:
        dated = () if command == "reopen" else ("--today", TODAY)
        code, out, err = _fast(sample_repo, command, wanted, *dated)
        assert code == expected, (command, wanted, out, err)
    text = next(p for p in (sample_repo / "sessions").glob("*.md") if "beef12" in p.read_text())
    lines = text.read_text(encoding="utf-8")
    assert "- [x] @ana One [id:: beef1] [completion:: 2026-11-21]" in lines  # its dialect
    assert "- [-] @ana Two [id:: beef12]" in lines and "- [ ] @ben Dropped [id:: cafe77]" in lines
    assert "[ ]" in note.read_text(encoding="utf-8").splitlines()[done.line - 1]
