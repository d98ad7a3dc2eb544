"""Standard YAML tags on values they cannot read: a finding at the line, never a traceback.

`mj validate` for each case is in tests/data/bad/cases.json; here the other ways
in: `mj status`, `mj validate --staged` and the installed hook on a real commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import mj
from gitutil import commit_through_hook, fill_template, git, git_sandbox, head  # noqa: F401

pytestmark = pytest.mark.usefixtures("git_sandbox")

NOTE = "sessions/2025-07-18.md"
VALUES = [
    "confidential: !!bool maybe",
    "confidential: !!bool",
    "duration: !!int",
    "duration: !!int abc",
    "duration: !!float x",
    "mode: !!timestamp nonsense",
]


def _note(line: str) -> str:
    front = f"---\ndate: 2025-07-18\nattendees: [ana, ben]\n{line}\n---\n"
    return front + "# Notes\n\n- [ ] @ana Read\n"


@pytest.fixture(scope="module")
def journal_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository made by `mj init`, hook installed, its first commit made."""
    root = tmp_path_factory.mktemp("tags") / "pair"
    made = mj("init", str(root), "--mentor", "ben", "--mentee", "ana", "--today", "2025-07-01")
    assert made.exit_code == 0, made.output
    fill_template(root)
    git(root, "add", "--", ".")
    first = commit_through_hook(root, "-m", "Start the journal")
    assert first.returncode == 0, first.stdout
    return root


@pytest.mark.parametrize("line", VALUES)
def test_status_staged_check_and_hook_report_the_line(journal_repo: Path, line: str) -> None:
    repo = journal_repo
    (repo / NOTE).parent.mkdir(exist_ok=True)
    (repo / NOTE).write_text(_note(line))
    try:
        status = mj("status", "--json", cwd=repo)
        assert status.exit_code == 0 and "Traceback" not in status.output
        listed = json.loads(status.stdout)["open"]
        assert [(o["path"], o["line"]) for o in listed] == [(NOTE, 8)]  # the body still reads

        git(repo, "add", "--", NOTE)
        staged = mj("validate", "--staged", "--json", cwd=repo)
        assert staged.exit_code == 1
        found = json.loads(staged.stdout)["findings"]
        assert [(f["path"], f["line"], f["code"]) for f in found] == [(NOTE, 4, "yaml-syntax")]
        assert found[0]["column"] == line.index("!!") + 1

        before = head(repo)
        refused = commit_through_hook(repo, "-m", "a note with a bad tag")
        assert refused.returncode == 1
        assert f"{NOTE}:4:{line.index('!!') + 1}: error[yaml-syntax]" in refused.stdout
        assert "Traceback" not in refused.stdout and head(repo) == before
    finally:
        git(repo, "rm", "-q", "--cached", "--ignore-unmatch", "--", NOTE)
        (repo / NOTE).unlink()
