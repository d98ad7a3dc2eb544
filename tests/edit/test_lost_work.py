"""Nothing of the user's is lost when mj writes beside an editor, a rebase or git's
ignore rules: each case a defect an adversarial trial found, reproduced with real
processes and real git.

1. The writer's compare-and-swap re-read the note under its folder lock, then renamed
   its temp file over it. An editor takes no such lock: a save that landed between that
   re-read and the rename was replaced by mj's bytes and was gone. Under load (2 busy
   cores, an editor saving every ~8 ms) 3 of 17 `mj done/due/add` writes lost a save.
   The test stops mj at the rename with strace (a real syscall delay, nothing in mj
   mocked) and saves meanwhile (fixed: the files are swapped in one step, and a save
   that comes out goes back in).
2. `mj done/add/...` wrote during a rebase that stopped on a conflict, while `mj commit`
   and `mj sync` refuse and advise `git rebase --abort`, which resets the work tree:
   the item mj wrote was silently gone (fixed: mj edits nothing until it is finished).
3. A new note that a .gitignore or info/exclude pattern hides: `mj commit` said "no
   journal file changed", `mj sync` "nothing to push"; it was never shared (now: when
   nothing else changed, `mj commit` names the ignored notes and the rule).
4. `mj agreement/summary/calendar -o FILE` wrote over a journal document (fixed: a
   file that starts with front matter is refused).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import mj
from gitutil import SMALL_AGREEMENT as AGREEMENT
from gitutil import commit_files, git, make_shared

from mentorjournal.journal import load_journal

MJ = Path(sys.executable).with_name("mj")
TIMEOUT = 60
NOTE = "sessions/2025-07-18.md"
SESSION = "---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n# Notes\n\n- [ ] @ana First\n"
SAVED = "\nSaved by the editor while mj renamed.\n"


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    try:
        probe = subprocess.run(
            ["strace", "-qq", "-o", os.devnull, "true"], capture_output=True, timeout=TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0  # ptrace may be forbidden (a container, yama)


def _journal_with_a_note(tmp_path: Path) -> tuple[Path, Path, str]:
    """A journal (no git) holding NOTE: its root, the note, and its item's id."""
    root = tmp_path / "journal"
    (root / "sessions").mkdir(parents=True)
    (root / "agreement.md").write_bytes(AGREEMENT)
    note = root / NOTE
    note.write_text(SESSION, "utf-8")
    return root, note, next(i.id for i in load_journal(root).items() if i.text == "First")


def _editor_save(note: Path, how: str) -> None:
    text = note.read_text("utf-8") + SAVED
    if how == "rename":  # vim's way: a new file renamed over the note
        spare = note.with_name(note.name + ".swp")
        spare.write_text(text, "utf-8")
        os.replace(spare, note)
    else:  # some editors truncate the note and write it in place
        with note.open("r+", encoding="utf-8") as handle:
            handle.truncate(0)
            handle.write(text)


@pytest.mark.skipif(not _strace_works(), reason="needs strace and ptrace")
@pytest.mark.parametrize("how", ["rename", "in-place"])
def test_an_editor_save_while_mj_renames_its_write_is_not_lost(tmp_path: Path, how: str) -> None:
    root, note, item = _journal_with_a_note(tmp_path)
    log = tmp_path / "strace.log"
    renames = "rename,renameat,renameat2"
    run = subprocess.Popen(
        ["strace", "-f", "-qq", "-o", str(log), "-e", f"trace={renames}",
         "-e", f"inject={renames}:delay_enter=1500000",
         str(MJ), "-C", str(root), "done", item, "--today", "2025-08-01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )  # fmt: skip
    try:
        # strace writes a call's start when it enters it: mj is now held at the rename
        # (or the swap) of its temp file and the note, its check under the lock passed.
        def entered() -> bool:
            lines = log.read_text().splitlines() if log.exists() else []
            return any('.mj-tmp"' in line and f'"{note}"' in line for line in lines)

        deadline = time.monotonic() + TIMEOUT
        while not entered():
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "mj never reached its rename"
            time.sleep(0.01)
        _editor_save(note, how)
        out, err = run.communicate(timeout=TIMEOUT)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, 9)
            run.communicate()
    assert "Traceback" not in err
    assert SAVED in note.read_text("utf-8"), (run.returncode, out, err)
    # The save went back in, and mj made its change again, on the saved text.
    assert run.returncode == 0, (out, err)
    assert (
        note.read_text("utf-8")
        == SESSION.replace("[ ] @ana First", "[x] @ana First done:2025-08-01") + SAVED
    )
    assert not list(note.parent.glob("*.mj-tmp"))


@pytest.mark.skipif(not _strace_works(), reason="needs strace and ptrace")
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_a_signal_between_the_two_swaps_does_not_delete_the_editors_save(
    tmp_path: Path, signal_name: str
) -> None:
    """Between the swap that took a save out and the one that puts it back, that save is
    in mj's temp file: Ctrl-C (or a kill) there must not delete it with the temp file."""
    root, note, item = _journal_with_a_note(tmp_path)
    log = tmp_path / "strace.log"
    # The first swap waits 1 s to start (the editor saves then) and 3 s once done (the
    # signal comes then, with the save in the temp file).
    run = subprocess.Popen(
        ["strace", "-f", "-qq", "-o", str(log), "-e", "trace=renameat2",
         "-e", "inject=renameat2:delay_enter=1000000:delay_exit=3000000:when=1",
         str(MJ), "-C", str(root), "done", item, "--today", "2025-08-01"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (log.exists() and "RENAME_EXCHANGE" in log.read_text()):
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "mj never reached its swap"
            time.sleep(0.01)
        entered = time.monotonic()
        _editor_save(note, "rename")
        time.sleep(max(0.0, entered + 2 - time.monotonic()))  # the swap is done, held
        mj_pid = int(log.read_text().split()[0])  # strace -f: each line starts with it
        os.kill(mj_pid, getattr(signal, signal_name))
        out, err = run.communicate(timeout=TIMEOUT)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, 9)
            run.communicate()
    assert "Traceback" not in err
    assert run.returncode != 0, (out, err)  # stopped
    assert note.read_text("utf-8") == SESSION + SAVED  # the save, as the editor made it
    # SIGTERM's default ends mj at once: its temp file may stay, holding only mj's bytes.
    left = [temp.read_text("utf-8") for temp in note.parent.glob("*.mj-tmp")]
    assert not left if signal_name == "SIGINT" else all(SAVED not in text for text in left)
    assert signal_name != "SIGINT" or "Aborted!" in err


@pytest.mark.skipif(not _strace_works(), reason="needs strace and ptrace")
@pytest.mark.parametrize("error", ["EINVAL", "ENOSYS"])
def test_where_files_cannot_be_swapped_mj_checks_and_renames(tmp_path: Path, error: str) -> None:
    # A file system without RENAME_EXCHANGE (NFS) answers EINVAL, an old kernel ENOSYS.
    root, note, item = _journal_with_a_note(tmp_path)
    log = tmp_path / "strace.log"
    run = subprocess.run(
        ["strace", "-f", "-qq", "-o", str(log), "-e", "trace=renameat2,renameat,rename",
         "-e", f"inject=renameat2:error={error}",
         str(MJ), "-C", str(root), "done", item, "--today", "2025-08-01"],
        capture_output=True, text=True, timeout=TIMEOUT,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "[x] @ana First done:2025-08-01" in note.read_text("utf-8")
    traced = log.read_text()
    assert f"RENAME_EXCHANGE) = -1 {error}" in traced
    assert "rename(" in traced or "renameat(" in traced  # os.replace, as before
    assert not list(note.parent.glob("*.mj-tmp"))


def test_an_item_added_during_a_rebase_survives_the_abort_mj_advises(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    ana, ben = shared.mentee, shared.mentor
    start = {"sessions/2025-07-18.md": SESSION, "sessions/2025-07-25.md": SESSION.replace(
        "07-18", "07-25")}  # fmt: skip
    commit_files(ana, start, "two sessions")
    git(ana, "push", "-q", "origin", "main")
    git(ben, "pull", "-q", "origin", "main")
    commit_files(ben, {NOTE: SESSION.replace("First", "First, Ben's words")}, "ben")
    git(ben, "push", "-q", "origin", "main")
    commit_files(ana, {NOTE: SESSION.replace("First", "First, Ana's words")}, "ana")
    git(ana, "fetch", "-q", "origin")
    stopped = git(ana, "rebase", "origin/main", check=False)
    assert (ana / ".git" / "rebase-merge").is_dir() or "CONFLICT" in stopped

    added = mj("add", "Book the room", "--owner", "ana", "--to", "sessions/2025-07-25.md", cwd=ana)
    refused = mj("commit", cwd=ana)
    assert refused.exit_code == 1 and "git rebase --abort" in refused.output
    # mj writes nothing a way out of the rebase would reset: it says to finish it first.
    assert added.exit_code == 1 and "a rebase is unfinished" in " ".join(added.output.split())
    assert "Book the room" not in (ana / "sessions/2025-07-25.md").read_text("utf-8")
    git(ana, "rebase", "--abort")
    added = mj("add", "Book the room", "--owner", "ana", "--to", "sessions/2025-07-25.md", cwd=ana)
    assert added.exit_code == 0
    assert "Book the room" in (ana / "sessions/2025-07-25.md").read_text("utf-8")


def test_commit_names_a_new_note_that_git_ignores_instead_of_nothing_changed(
    tmp_path: Path,
) -> None:
    """A pattern in .gitignore (one the other person pushed: `*.md`, `sessions/2027-*`)
    or in .git/info/exclude hides a new session from git. `mj status` counts it, yet
    `mj commit` said "nothing to commit: no journal file changed" and `mj sync`
    "nothing to push": the note is never shared and nothing says so."""
    shared = make_shared(tmp_path)
    ana = shared.mentee
    (ana / ".git" / "info" / "exclude").write_text("sessions/2027-*\n", "utf-8")
    (ana / "sessions").mkdir()
    (ana / "sessions/2027-02-01.md").write_text(SESSION.replace("2025-07-18", "2027-02-01"))
    result = mj("commit", cwd=ana)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "git ignores sessions/2027-02-01.md" in said
    assert ".git/info/exclude:1: sessions/2027-*" in said and "`git add -f -- FILE`" in said
    git(ana, "add", "-f", "--", "sessions/2027-02-01.md")  # what it says to do
    assert mj("commit", cwd=ana).exit_code == 0
    assert "sessions/2027-02-01.md" in git(ana, "ls-tree", "-r", "--name-only", "HEAD")


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (("agreement", "--format", "md"), "agreement.md"),
        (("summary", "--format", "md"), NOTE),
        (("calendar",), NOTE),
    ],
)
def test_a_report_is_never_written_over_a_journal_document(
    tmp_path: Path, args: tuple[str, ...], target: str
) -> None:
    """`mj agreement --format md -o agreement.md` (one letter from `-o agreement-doc.md`)
    replaced the agreement, its front matter and signatures with the rendered page, and
    `mj summary -o` / `mj calendar -o` a session note, uncommitted edits and all."""
    root = tmp_path / "journal"
    (root / "sessions").mkdir(parents=True)
    (root / "agreement.md").write_bytes(AGREEMENT)
    (root / NOTE).write_text(SESSION + "Uncommitted thoughts.\n", "utf-8")
    before = (root / target).read_bytes()
    result = mj(*args, "-o", target, cwd=root)
    assert (root / target).read_bytes() == before
    assert result.exit_code == 1 and target in result.output
    for _ in range(2):  # a report written before is written over, as ever
        assert mj(*args, "-o", "report.out", cwd=root).exit_code == 0


def _commit(repo: Path, fast: bool) -> tuple[int, str]:
    """`mj commit` in-process, or (``fast``) through the console script's own path as a
    user runs it: its exit code and what it said, on one line."""
    if fast:
        argv = [sys.executable, "-m", "mentorjournal", "commit"]
        run = subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=60)
        return run.returncode, " ".join((run.stdout + run.stderr).split())
    result = mj("commit", cwd=repo)
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize("fast", [False, True])
def test_a_commit_of_other_notes_names_the_note_git_ignores(tmp_path: Path, fast: bool) -> None:
    """The same note, when another note changed too: it was left behind in silence."""
    shared = make_shared(tmp_path)
    ana = shared.mentee
    (ana / ".gitignore").write_text("private/\nsessions/2027-*\n", "utf-8")
    git(ana, "add", ".gitignore")
    (ana / "sessions").mkdir()
    (ana / "sessions/2027-02-01.md").write_text(SESSION.replace("2025-07-18", "2027-02-01"))
    (ana / "sessions/2025-07-18.md").write_text(SESSION)
    code, said = _commit(ana, fast)
    assert code == 0 and "committed " in said
    ignored = "git ignores sessions/2027-02-01.md (.gitignore:2: sessions/2027-*)"
    assert f"not committed: {ignored}" in said
    tracked = git(ana, "ls-tree", "-r", "--name-only", "HEAD")
    assert "sessions/2025-07-18.md" in tracked and "2027-02-01" not in tracked


@pytest.mark.parametrize("fast", [False, True])
def test_an_ignored_editor_lock_file_is_not_named_as_a_note(tmp_path: Path, fast: bool) -> None:
    """Emacs keeps `.#NOTE.md` (a symlink) beside a note it edits, and a usual ignore
    rule (`.#*`) hides it: that is no note left behind, and no rule to remove."""
    shared = make_shared(tmp_path)
    ana = shared.mentee
    (ana / ".git/info/exclude").write_text(".#*\n", "utf-8")
    (ana / "sessions").mkdir()
    (ana / "sessions/2025-07-18.md").write_text(SESSION)
    (ana / "sessions/.#2025-07-18.md").symlink_to("ana@host.4242:1700000000")
    code, said = _commit(ana, fast)
    assert code == 0 and "committed " in said
    assert "not committed" not in said and ".#" not in said
    tracked = git(ana, "ls-tree", "-r", "--name-only", "HEAD")
    assert "sessions/2025-07-18.md" in tracked and ".#" not in tracked
