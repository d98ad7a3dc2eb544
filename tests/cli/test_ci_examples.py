"""The CI examples in docs/ci/ do what they say: their own commands (all but installing
mj) run in a real journal repository with this mj on PATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from gitutil import git, make_journal, make_program, write

BROKEN = "---\ndate: 2025-07-18\nattendees: [ana, bob]\n---\n- [ ] Nobody's\n"


def run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in bash -e, as both CI services run a step, with this venv's mj first."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def github_steps() -> dict[str, str]:
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text())
    assert set(workflow[True]) == {"pull_request", "push"}  # YAML 1.1 reads `on` as True
    steps = workflow["jobs"]["validate"]["steps"]
    return {step["name"]: step["run"] for step in steps if "name" in step}


def test_github_workflow_annotates_the_findings(tmp_path: Path) -> None:
    root = make_journal(tmp_path / "journal")
    script = github_steps()["mj validate"]
    assert run(script, root).returncode == 0
    write(root, "sessions/2025-07-18.md", BROKEN)
    result = run(script, root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=sessions/2025-07-18.md,line=3,col=18,title=unknown-person::"
        "attendee 'bob' is not in the agreement",
        "::warning file=sessions/2025-07-18.md,line=5,col=1,title=no-owner::"
        "action item has no owner: add @handle of who commits to it",
    ]


def test_github_workflow_for_a_program_repository(tmp_path: Path) -> None:
    # The same step checks every journal, a pair whose folder has a space in it too.
    script = github_steps()["mj validate"]
    program = make_program(tmp_path / "program")
    assert run(script, program).returncode == 0
    write(
        program, "pairs/cy dee/agreement.md", (program / "pairs/ana-ben/agreement.md").read_text()
    )
    write(program, "pairs/cy dee/sessions/2025-07-18.md", BROKEN)
    result = run(script, program)
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=pairs/cy dee/sessions/2025-07-18.md,line=3,")


def test_both_checkouts_take_the_whole_history() -> None:
    """Signatures are checked against the history: in a shallow clone none counts."""
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text())
    checkout = next(
        s for s in workflow["jobs"]["validate"]["steps"] if "checkout" in s.get("uses", "")
    )
    assert checkout["with"]["fetch-depth"] == 0
    job = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text())["mj-validate"]
    assert job["variables"]["GIT_DEPTH"] == 0


@pytest.mark.parametrize("broken", [False, True])
def test_gitlab_job_fails_and_writes_a_code_quality_report(tmp_path: Path, broken: bool) -> None:
    job = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text())["mj-validate"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality.json"
    script = "\n".join(line for line in job["script"] if not line.startswith("pip install"))
    root = make_journal(tmp_path / "journal")
    if broken:
        write(root, "sessions/2025-07-18.md", BROKEN)
    result = run(script, root)
    report = json.loads((root / "gl-code-quality.json").read_text())
    if not broken:
        assert (result.returncode, report) == (0, [])
        return
    assert result.returncode == 1
    assert "sessions/2025-07-18.md:3:18: error[unknown-person]" in result.stdout
    assert [(r["check_name"], r["severity"], r["location"]) for r in report] == [
        ("unknown-person", "major", {"path": "sessions/2025-07-18.md", "lines": {"begin": 3}}),
        ("no-owner", "minor", {"path": "sessions/2025-07-18.md", "lines": {"begin": 5}}),
    ]
    assert len({r["fingerprint"] for r in report}) == 2


def test_staged_in_a_fresh_clone_checks_the_whole_journal(tmp_path: Path) -> None:
    """What pre-commit.ci runs (.pre-commit-hooks.yaml): the hook's entry in a fresh
    clone, where nothing is staged and the index is the whole checkout."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    entry = next(hook["entry"] for hook in hooks if hook["id"] == "mj-validate")
    origin = make_journal(tmp_path / "origin")
    write(origin, "sessions/2025-07-18.md", BROKEN)
    git(origin, "add", "--", ".")
    git(origin, "commit", "-q", "--no-verify", "-m", "broken, past the hook")
    git(tmp_path, "clone", "-q", str(origin), "clone")
    result = run(entry, tmp_path / "clone")
    assert result.returncode == 1
    assert "sessions/2025-07-18.md:3:18: error[unknown-person]" in result.stdout
