"""A stale index (a copied or touched repository) is refreshed once, and only when safe.

After `cp -a` every file has a new inode and ctime, so git's stat data no longer
match and every `git status` hashes every file again without writing down what it
learnt. `git diff-files --quiet` (which never refreshes) tells a stale index from a
fresh one.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git, make_repo, repo_state

from mentorjournal.cli import fastpath

NOTE = "---\ndate: 2025-07-{day:02d}\nattendees: [ana, ben]\n---\n- [ ] @ana Step {day}\n"


def _journal(path: Path) -> Path:
    repo = make_repo(path)
    assert mj("init", str(repo), "--mentor", "ben", "--mentee", "ana").exit_code == 0
    for day in range(1, 21):
        (repo / "sessions" / f"2025-07-{day:02d}.md").write_text(NOTE.format(day=day))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "twenty notes")
    return repo


def _stale(repo: Path) -> bool:
    return subprocess.run(["git", "-C", str(repo), "diff-files", "--quiet"]).returncode != 0


def _touch(path: Path) -> None:
    """New times (ctime too) for unchanged content; mtime a minute back, because git
    compares whole seconds."""
    moved = path.stat().st_mtime - 60
    os.utime(path, (moved, moved))


def _copy(tmp_path: Path) -> Path:
    original = _journal(tmp_path / "original")
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(original), str(copy)], check=True, timeout=60)
    assert _stale(copy)
    return copy


def _status(repo: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = fastpath.run(["-C", str(repo), "status", "--json", "--today", "2025-08-01"], out, err)
    if code is None:  # no snapshot yet: the click CLI answers and leaves one
        result = mj("status", "--json", "--today", "2025-08-01", cwd=repo)
        code, text = result.exit_code, result.stdout
    else:
        text = out.getvalue()
    assert code == 0
    return text


def test_a_copied_repository_gets_its_index_refreshed_once(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    before = repo_state(copy)

    first = _status(copy)
    assert not _stale(copy)  # refreshed by the first run
    second = _status(copy)

    assert first == second
    assert repo_state(copy) == before  # HEAD, branch, index entries, every file
    assert git(copy, "status", "--porcelain") == ""


def test_a_touched_journal_is_refreshed_from_the_kept_snapshot(tmp_path: Path) -> None:
    repo = _journal(tmp_path / "j")
    first = _status(repo)
    _status(repo)  # from the snapshot now
    for path in [repo / "agreement.md", *(repo / "sessions").iterdir()]:
        _touch(path)
    assert _stale(repo)
    index = (repo / ".git" / "index").read_bytes()

    assert _status(repo) == first

    assert not _stale(repo)
    assert git(repo, "ls-files", "-s") and (repo / ".git" / "index").read_bytes() != index


def _in_a_merge(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "side")
    (repo / "sessions" / "2025-07-01.md").write_text(NOTE.format(day=1) + "side\n")
    git(repo, "commit", "-q", "-am", "side")
    git(repo, "switch", "-q", "main")
    (repo / "sessions" / "2025-07-01.md").write_text(NOTE.format(day=1) + "main\n")
    git(repo, "commit", "-q", "-am", "main")
    git(repo, "merge", "-q", "side", check=False)
    assert (repo / ".git" / "MERGE_HEAD").exists()


@pytest.mark.parametrize("situation", ["index.lock", "merge", "hook index", "no optional locks"])
def test_the_index_is_left_alone_when_refreshing_it_is_not_mj_s_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, situation: str
) -> None:
    copy = _copy(tmp_path)
    index_file = copy / ".git" / "index"
    if situation == "index.lock":
        (copy / ".git" / "index.lock").write_bytes(b"")  # another git is writing
    elif situation == "merge":
        _in_a_merge(copy)
        _touch(copy / "agreement.md")
    elif situation == "hook index":  # a hook's, or `git commit PATH`'s temporary index
        index_file = tmp_path / "hook-index"
        shutil.copy2(copy / ".git" / "index", index_file)
        monkeypatch.setenv("GIT_INDEX_FILE", str(index_file))
    else:
        monkeypatch.setenv("GIT_OPTIONAL_LOCKS", "0")
    index = index_file.read_bytes()

    _status(copy)

    assert index_file.read_bytes() == index
    if situation == "index.lock":
        assert (copy / ".git" / "index.lock").read_bytes() == b""  # never removed


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_repository_is_not_refreshed(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    index = (copy / ".git" / "index").read_bytes()
    (copy / ".git").chmod(0o555)
    try:
        _status(copy)
    finally:
        (copy / ".git").chmod(0o755)
    assert (copy / ".git" / "index").read_bytes() == index
