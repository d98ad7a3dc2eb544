"""A note left with merge conflict markers: errors at the markers, no items, no commit.

Each case is a real unresolved `git pull`: a bare remote, the mentor's and the
mentee's clones (different identities), both editing the same item line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import mj
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    commit_files,
    commit_through_hook,
    git,
    git_sandbox,
    head,
    make_shared,
    snapshot,
    write,
)

pytestmark = pytest.mark.usefixtures("git_sandbox")

NOTE = "sessions/2025-07-18.md"
SESSION = """\
---
date: 2025-07-18
attendees: [ana, ben]
---
# Notes

- [ ] @ana Read chapter 3 due:2025-08-01
- [ ] @ben Send the reading list due:2025-08-02
"""
MARKERS = "<|=>"  # a marker line is 7 or more of one (git's conflict-marker-size)


def _conflicted(tmp_path: Path, style: str) -> tuple[Path, str]:
    """The mentor's clone mid-merge, and the id the item had before both edits."""
    shared = make_shared(tmp_path)
    commit_files(shared.mentor, {NOTE: SESSION}, "First session")
    git(shared.mentor, "push", "-q", "origin", "main")
    status = json.loads(mj("status", "--json", cwd=shared.mentor).stdout)
    old_id = next(o["id"] for o in status["open"] if o["text"] == "Read chapter 3")

    git(shared.mentee, "pull", "-q", "--no-rebase", "origin", "main")
    commit_files(
        shared.mentee, {NOTE: SESSION.replace("chapter 3", "chapters 3 and 4")}, "Ana: more"
    )
    git(shared.mentee, "push", "-q", "origin", "main")
    commit_files(shared.mentor, {NOTE: SESSION.replace("chapter 3", "chapter 5")}, "Ben: other")
    style, _, size = style.partition("-")
    if size:  # git writes longer markers where an attribute asks for them
        (shared.mentor / ".git" / "info" / "attributes").write_text(
            f"*.md conflict-marker-size={size}\n"
        )
    git(shared.mentor, "config", "merge.conflictStyle", style)
    assert mj("hook", "install", cwd=shared.mentor).exit_code == 0
    pulled = git(shared.mentor, "pull", "--no-rebase", "origin", "main", check=False)
    assert (shared.mentor / ".git" / "MERGE_HEAD").exists(), pulled
    return shared.mentor, old_id


def _marker_lines(data: bytes) -> list[int]:
    lines = data.decode().split("\n")
    return [
        n
        for n, line in enumerate(lines, 1)
        if line[:1] and line[0] in MARKERS and line[:7] == line[0] * 7
    ]


@pytest.mark.parametrize("style", ["merge", "diff3", "zdiff3", "merge-10"])
def test_unresolved_merge_is_an_error_with_no_items(tmp_path: Path, style: str) -> None:
    repo, old_id = _conflicted(tmp_path, style)
    data = (repo / NOTE).read_bytes()
    markers = _marker_lines(data)
    assert len(markers) == (3 if style.startswith("merge") else 4)

    validated = mj("validate", "--json", cwd=repo)
    assert validated.exit_code == 1
    found = json.loads(validated.stdout)["findings"]
    assert [(f["path"], f["line"], f["code"]) for f in found] == [
        (NOTE, line, "conflict-marker") for line in markers
    ]

    status = mj("status", "--json", cwd=repo)
    assert status.exit_code == 0
    listed = json.loads(status.stdout)["open"]
    # The agreement's item is still there; nothing of the conflicted note is.
    assert [o["path"] for o in listed] == ["agreement.md"]

    staged = mj("validate", "--staged", "--json", cwd=repo)
    assert staged.exit_code == 1
    assert [(f["path"], f["code"]) for f in json.loads(staged.stdout)["findings"]] == [
        (NOTE, "conflict-marker")
    ]

    # No id reaches an item inside the conflict, and the note is left as it is.
    refused = mj("done", old_id, cwd=repo)
    assert refused.exit_code == 1
    assert (repo / NOTE).read_bytes() == data


def test_hook_refuses_a_merge_committed_with_its_markers(tmp_path: Path) -> None:
    repo, _ = _conflicted(tmp_path, "diff3")
    before = head(repo)
    git(repo, "add", "--", NOTE)  # "resolved" as it is, markers and all
    assert mj("validate", "--staged", cwd=repo).exit_code == 1
    tree = snapshot(repo)

    refused = commit_through_hook(repo)
    assert refused.returncode == 1
    for line in _marker_lines((repo / NOTE).read_bytes()):
        assert f"{NOTE}:{line}:1: error[conflict-marker]" in refused.stdout
    assert head(repo) == before and (repo / ".git" / "MERGE_HEAD").exists()
    assert snapshot(repo) == tree

    # Resolved by hand, the same merge commits.
    write(repo, NOTE, SESSION.replace("chapter 3", "chapters 3 to 5"))
    git(repo, "add", "--", NOTE)
    passed = commit_through_hook(repo)
    assert passed.returncode == 0, passed.stdout
    assert git(repo, "rev-list", "--count", "--merges", "HEAD").strip() == "1"
