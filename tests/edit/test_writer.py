"""The one writer of user files, with real `mj` processes: overlapping ticks, an editor
saving between mj's read and its rename, conflict markers, symlinks on the way."""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import mj
from gitutil import SMALL_AGREEMENT as AGREEMENT
from gitutil import git, make_repo

from mentorjournal.cli import fastpath
from mentorjournal.errors import MjError
from mentorjournal.journal import load_journal

# The console script pip installed beside this interpreter: what a user runs.
MJ = Path(sys.executable).with_name("mj")
TIMEOUT = 60

NOTE = "sessions/2025-07-18.md"
HEAD = b"---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n# Notes\n\n"


def journal_with(tmp_path: Path, items: list[str], git_repo: bool = False) -> Path:
    root = tmp_path / "journal"
    (root / "sessions").mkdir(parents=True)
    (root / "goals").mkdir()
    (root / "agreement.md").write_bytes(AGREEMENT)
    (root / NOTE).write_bytes(HEAD + "".join(f"- [ ] @ana {text}\n" for text in items).encode())
    if git_repo:
        make_repo(root)
        git(root, "add", "--", ".")
        git(root, "commit", "-q", "-m", "start")
    return root


def ids(root: Path) -> dict[str, str]:
    return {item.text: item.id for item in load_journal(root).items()}


def start_mj(root: Path, *args: str) -> subprocess.Popen[str]:
    assert MJ.is_file(), f"the console script is not installed at {MJ}"
    return subprocess.Popen(
        [str(MJ), "-C", str(root), *args, "--today", "2025-08-01"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a hung run is killed with its whole group below
    )


def finish(run: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = run.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, 9)
        run.communicate()
        raise
    return run.returncode, out, err


# ---------------------------------------------------------------- overlapping runs


@pytest.mark.parametrize("in_git", [True, False], ids=["git", "plain-folder"])
def test_ten_overlapping_done_runs_agree_with_the_file(tmp_path: Path, in_git: bool) -> None:
    """Ten `mj` processes at once, each ticking its own item of one note: every run that
    says "done" has its tick in the file, and the file holds no tick nobody reported."""
    texts = [f"Task number {n}" for n in range(10)]
    root = journal_with(tmp_path, texts, git_repo=in_git)
    named = ids(root)
    assert mj("status", cwd=root).exit_code == 0  # leaves the status snapshot
    runs = {text: start_mj(root, "done", named[text]) for text in texts}
    results = {text: finish(run) for text, run in runs.items()}

    lines = (root / NOTE).read_text("utf-8").splitlines()
    for text, (code, out, err) in results.items():
        ticked = f"- [x] @ana {text} done:2025-08-01" in lines
        assert ticked == (code == 0), (text, code, out, err)
        if code == 0:
            assert out.startswith(f"done    {named[text]}"), out
        else:
            assert "Traceback" not in err and err.startswith("Error: "), err
    assert sum(code == 0 for code, _, _ in results.values()) == 10, results
    assert len(lines) == len(HEAD.splitlines()) + 10


# ---------------------------------------------------------------- an editor meanwhile


@contextmanager
def folder_locked(folder: Path) -> Iterator[None]:
    """The lock every mj write takes on a file's folder, held by this test."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def wait_for_temp_file(folder: Path, run: subprocess.Popen[str]) -> None:
    """Until mj has read the note and written its new bytes to a temp file: it now
    waits for the lock, between its read and its rename."""
    deadline = time.monotonic() + TIMEOUT
    while not list(folder.glob(".*.mj-tmp")):
        assert run.poll() is None, finish(run)
        assert time.monotonic() < deadline, "mj never reached its write"
        time.sleep(0.005)


EDITS = {
    # the editor's save, from the text mj read; the exit code mj then gives
    "adds-around": (
        lambda text: (
            text.replace("# Notes\n", "# Notes\n\nAdded by the editor.\n")
            + "More notes, saved at 10:02.\n"
        ),
        0,
    ),
    "removes-the-item": (lambda text: text.replace("- [ ] @ana Second\n", ""), 1),
    "ticks-the-item": (lambda text: text.replace("[ ] @ana Second", "[x] @ana Second"), 1),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_editor_save_between_read_and_rename_is_never_overwritten(
    tmp_path: Path, edit: str
) -> None:
    """The editor saves while mj holds its new bytes, ready to rename them into place:
    mj notices under the lock, and ticks the item in the editor's text when it is still
    there and open, or refuses with a clear message. The editor's text always survives."""
    root = journal_with(tmp_path, ["First", "Second", "Third"])
    note = root / NOTE
    change, expected_code = EDITS[edit]
    with folder_locked(note.parent):
        run = start_mj(root, "done", ids(root)["Second"])
        wait_for_temp_file(note.parent, run)
        saved = change(note.read_text("utf-8"))
        note.write_text(saved, "utf-8")
    code, out, err = finish(run)

    assert code == expected_code, (out, err)
    now = note.read_text("utf-8")
    if code == 0:
        assert now == saved.replace("[ ] @ana Second", "[x] @ana Second done:2025-08-01")
        assert out.startswith("done    ")
    else:
        assert now == saved
        assert "Traceback" not in err
        wanted = "already done" if edit == "ticks-the-item" else "no longer holds item"
        assert wanted in err, err
    assert not list(note.parent.glob(".*.mj-tmp"))


# ---------------------------------------------------------------- refusals


def test_done_refuses_a_file_with_conflict_markers(tmp_path: Path) -> None:
    root = journal_with(tmp_path, ["Outside the conflict"])
    note = root / NOTE
    wanted = ids(root)["Outside the conflict"]
    from mentorjournal.format.document import parse_document

    items = parse_document(NOTE, note.read_bytes()).items
    conflicted = note.read_bytes() + (
        b"\n<<<<<<< HEAD\n- [ ] @ana Mine\n=======\n- [ ] @ana Theirs\n>>>>>>> origin/main\n"
    )
    note.write_bytes(conflicted)
    result = mj("done", wanted, cwd=root)
    # A note holding markers has no items (format/items), so the id is not found; the
    # writer's own check refuses too should markers appear between lookup and write.
    assert result.exit_code == 1
    assert f"no action item with id '{wanted}'" in result.output
    assert f"{NOTE} holds merge conflict markers" in result.output
    assert note.read_bytes() == conflicted
    from mentorjournal.edit.actions import apply

    with pytest.raises(MjError, match=r"merge conflict markers(.|\n)*Finish the merge"):
        apply(root, items, wanted, "done", dt.date(2025, 8, 1))
    assert note.read_bytes() == conflicted


def test_done_never_ticks_a_neighbour_when_lines_are_counted_differently(tmp_path: Path) -> None:
    """A lone CR ends a line for some readers and not for an editor: mj either ticks
    the item it named or refuses, never the item on the next line."""
    root = journal_with(tmp_path, ["Ana's item", "Ben's item"])
    note = root / NOTE
    note.write_bytes(note.read_bytes().replace(b"# Notes\n", b"# Notes\rstill a heading\n"))
    result = mj("done", ids(root)["Ana's item"], "--today", "2025-08-01", cwd=root)
    text = note.read_text("utf-8")
    assert "- [ ] @ana Ben's item\n" in text
    if result.exit_code == 0:
        assert "- [x] @ana Ana's item done:2025-08-01\n" in text
    else:
        assert "tick it by hand" in result.output
        assert "- [ ] @ana Ana's item\n" in text


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def outside_folder(tmp_path: Path) -> Path:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return elsewhere


@pytest.mark.parametrize("folder", ["sessions", "goals"])
@pytest.mark.parametrize("how", ["click", "fast"])
def test_new_files_are_never_written_through_a_symlinked_folder(
    tmp_path: Path, folder: str, how: str
) -> None:
    root = journal_with(tmp_path, ["First"])
    elsewhere = outside_folder(tmp_path)
    for path in (root / folder).iterdir():
        path.rename(elsewhere / path.name)
    (root / folder).rmdir()
    (root / folder).symlink_to(elsewhere)
    before = names(elsewhere)
    if folder == "sessions":
        args = ["new", "session", "--date", "2025-08-01"]
    else:
        args = ["new", "goal", "portfolio", "--title", "A portfolio"]
    if how == "fast" and folder == "sessions":
        out, err = io.StringIO(), io.StringIO()
        code, message = fastpath.run(["-C", str(root), *args], out, err), err.getvalue()
    else:
        result = mj(*args, cwd=root)
        code, message = result.exit_code, result.output
    assert code == 1
    assert f"{folder} is a symlink (to {elsewhere}); mj never writes through a symlink" in message
    assert names(elsewhere) == before


def test_done_refuses_a_symlinked_note(tmp_path: Path) -> None:
    root = journal_with(tmp_path, ["First"])
    (root / "notes").mkdir()
    real = root / "notes" / "real.md"
    os.replace(root / NOTE, real)
    (root / NOTE).symlink_to(real)
    before = real.read_bytes()
    result = mj("done", ids(root)["First"], cwd=root)
    assert result.exit_code == 1
    assert f"{NOTE} is a symlink" in result.output
    assert "Replace it with a real file" in result.output
    assert real.read_bytes() == before and (root / NOTE).is_symlink()


def test_init_refuses_a_symlinked_folder_and_a_gitignore_folder(tmp_path: Path) -> None:
    elsewhere = outside_folder(tmp_path)
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "sessions").symlink_to(elsewhere)
    result = mj("init", str(linked), "--mentor", "ben", "--mentee", "ana")
    assert result.exit_code == 1
    assert "sessions is a symlink" in result.output
    assert names(elsewhere) == [] and names(linked) == ["sessions"]

    odd = tmp_path / "odd"
    (odd / ".gitignore").mkdir(parents=True)
    result = mj("init", str(odd), "--mentor", "ben", "--mentee", "ana")
    assert result.exit_code == 1
    assert ".gitignore is a folder" in result.output
    assert not (odd / "agreement.md").exists()


def test_summary_into_a_missing_folder_is_a_refusal(tmp_path: Path) -> None:
    root = journal_with(tmp_path, ["First"])
    result = mj("summary", "-o", "no/such/folder/report.md", cwd=root)
    assert result.exit_code == 1
    assert "report.md cannot be written: No such file or directory" in result.output
