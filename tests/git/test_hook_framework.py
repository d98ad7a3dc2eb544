"""mj's hook beside the pre-commit framework (pre-commit.com), with the real `pre-commit`
and real `git commit` in repositories made by `mj init`.

Hooks here chain into each other, and a regression once looped until the machine ran
out of process ids, so every command runs through `bounded` (tests/bounded.py): its
own session, a timeout and a cap on its processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bounded import bounded
from conftest import ROOT, mj
from gitutil import git, head, write

from mentorjournal.git import hook

pytest.importorskip("pre_commit")

MARK = "FRAMEWORK-HOOK-RAN"
GOAL = """\
---
title: Portfolio site
status: active
opened: 2025-07-01
target: 2025-12-01
success: Site live with 3 case studies
---
## Milestones

- [ ] Second case study due:2025-08-20
"""
SESSION = """\
---
date: 2025-07-{day}
attendees: [ana, {who}]
goals: [portfolio]
---
## Notes

- [ ] @ana Draft the outline due:2025-08-01
"""


def _session(repo: Path, day: int, who: str = "ben") -> None:
    """Stage a session on 2025-07-DAY (with a stranger instead of ben: invalid) and the
    goal it links to."""
    write(repo, "goals/portfolio.md", GOAL)
    write(repo, f"sessions/2025-07-{day}.md", SESSION.format(day=day, who=who))
    git(repo, "add", "--", "goals", "sessions")


# --------------------------------------------------------------------------- bounded runs


def _env(tmp_path: Path) -> dict[str, str]:
    """This environment, with the framework's cache in tmp_path and this venv's bin first."""
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": bin_dir + os.pathsep + os.environ["PATH"],
    }


def _pre_commit(repo: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = bounded([sys.executable, "-m", "pre_commit", *args], repo, _env(tmp_path))
    assert result.returncode == 0, result.stdout
    return result


def _commit(repo: Path, tmp_path: Path, message: str) -> subprocess.CompletedProcess[str]:
    return bounded(["git", "commit", "-m", message], repo, _env(tmp_path))


# --------------------------------------------------------------------------- repositories


def _config(repo: Path, marker: Path, *more: dict[str, object]) -> None:
    """A local framework config (no network) whose hook prints MARK and counts its runs."""
    ours = {
        "id": "marker",
        "name": "marker",
        "language": "system",
        "entry": f"sh -c 'echo {MARK}; echo ran >> \"$0\"' {marker}",
        "pass_filenames": False,
        "always_run": True,
        "verbose": True,
    }
    config = {"repos": [{"repo": "local", "hooks": [ours, *more]}]}
    write(repo, ".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))


def _init(repo: Path) -> None:
    result = mj("init", str(repo), "--mentor", "ben", "--mentee", "ana", "--today", "2025-07-01")
    assert result.exit_code == 0, result.output


def _start(repo: Path) -> None:
    """Commit the journal and the framework's config (hooks off: no side has run yet)."""
    git(repo, "add", "--", ".")
    git(repo, "commit", "-q", "--no-verify", "-m", "Start")


def _hooks(repo: Path) -> dict[str, bytes]:
    """The hook scripts (git's samples aside), by name."""
    folder = repo / ".git" / "hooks"
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.endswith(".sample")}


def _runs(marker: Path) -> int:
    return len(marker.read_text().splitlines()) if marker.exists() else 0


def _assert_both_run(repo: Path, tmp_path: Path, marker: Path) -> str:
    """A valid session commits, an invalid one is refused; the framework's hook runs
    exactly once for each, and mj's check decides. Returns what both commits said."""
    runs = _runs(marker)
    _session(repo, 18)
    before = head(repo)
    passed = _commit(repo, tmp_path, "A session")
    assert passed.returncode == 0, passed.stdout
    assert head(repo) != before
    assert MARK in passed.stdout and _runs(marker) == runs + 1

    _session(repo, 25, who="zed")
    before = head(repo)
    refused = _commit(repo, tmp_path, "A session with a stranger")
    assert refused.returncode != 0
    assert "unknown-person" in refused.stdout
    assert head(repo) == before
    assert MARK in refused.stdout and _runs(marker) == runs + 2
    git(repo, "rm", "-q", "--cached", "--", "sessions/2025-07-25.md")
    (repo / "sessions" / "2025-07-25.md").unlink()
    return passed.stdout + refused.stdout


def _mj_then_framework(repo: Path, tmp_path: Path) -> None:
    _init(repo)
    _config(repo, tmp_path / "marker")
    _start(repo)
    _pre_commit(repo, tmp_path, "install")


def _framework_then_init(repo: Path, tmp_path: Path) -> None:
    git(repo.parent, "init", "-q", str(repo))
    _config(repo, tmp_path / "marker")
    _pre_commit(repo, tmp_path, "install")
    _init(repo)
    _start(repo)


def _framework_then_hook_install(repo: Path, tmp_path: Path) -> None:
    _init(repo)
    assert mj("hook", "uninstall", cwd=repo).exit_code == 0
    _config(repo, tmp_path / "marker")
    _start(repo)
    _pre_commit(repo, tmp_path, "install")
    result = mj("hook", "install", cwd=repo)
    assert result.exit_code == 0 and "pre-commit framework" in result.output


ORDERS: dict[str, Callable[[Path, Path], None]] = {
    "mj-then-framework": _mj_then_framework,
    "framework-then-mj-init": _framework_then_init,
    "framework-then-mj-hook-install": _framework_then_hook_install,
}


# --------------------------------------------------------------------------- both orders


@pytest.mark.parametrize("order", ORDERS)
def test_both_hooks_run_in_either_install_order(tmp_path: Path, order: str) -> None:
    repo = tmp_path / "j"
    ORDERS[order](repo, tmp_path)
    hooks = repo / ".git" / "hooks"
    # One layout whatever the order: the framework's script, mj's as its legacy hook.
    assert set(_hooks(repo)) == {"pre-commit", "pre-commit.legacy"}
    assert hook.is_ours(hooks / "pre-commit.legacy")
    assert not hook.is_ours(hooks / "pre-commit")
    _assert_both_run(repo, tmp_path, tmp_path / "marker")


@pytest.mark.parametrize("order", ORDERS)
def test_mj_uninstall_then_framework_uninstall(tmp_path: Path, order: str) -> None:
    repo = tmp_path / "j"
    ORDERS[order](repo, tmp_path)
    framework = _hooks(repo)["pre-commit"]
    assert mj("hook", "uninstall", cwd=repo).exit_code == 0
    assert _hooks(repo) == {"pre-commit": framework}  # what `pre-commit install` alone leaves
    _session(repo, 25, who="zed")
    result = _commit(repo, tmp_path, "mj no longer checks")
    assert result.returncode == 0 and MARK in result.stdout
    _pre_commit(repo, tmp_path, "uninstall")
    assert _hooks(repo) == {}


def test_framework_uninstall_then_mj_uninstall(tmp_path: Path) -> None:
    repo = tmp_path / "j"
    _framework_then_init(repo, tmp_path)
    _pre_commit(repo, tmp_path, "uninstall")
    assert set(_hooks(repo)) == {"pre-commit"} and hook.is_ours(repo / ".git/hooks/pre-commit")
    _session(repo, 25, who="zed")
    refused = _commit(repo, tmp_path, "mj alone still checks")
    assert refused.returncode != 0 and "unknown-person" in refused.stdout
    assert MARK not in refused.stdout
    assert mj("hook", "uninstall", cwd=repo).exit_code == 0
    assert _hooks(repo) == {}


USER_HOOK = '#!/bin/sh\necho ran >> "{log}"\n'


@pytest.mark.parametrize("mj_first", [True, False], ids=["user-mj-framework", "user-framework-mj"])
def test_a_users_own_hook_survives_both(tmp_path: Path, mj_first: bool) -> None:
    repo = tmp_path / "j"
    git(tmp_path, "init", "-q", str(repo))
    own = repo / ".git" / "hooks" / "pre-commit"
    own.write_text(USER_HOOK.format(log=tmp_path / "user-log"))
    own.chmod(0o755)
    original = own.read_bytes()
    _config(repo, tmp_path / "marker")
    if mj_first:
        _init(repo)
        _pre_commit(repo, tmp_path, "install")
    else:
        _pre_commit(repo, tmp_path, "install")
        _init(repo)
    _start(repo)
    assert _hooks(repo)["pre-commit.before-mj"] == original

    _assert_both_run(repo, tmp_path, tmp_path / "marker")
    assert _runs(tmp_path / "user-log") == 2  # the user's hook ran for both commits

    framework = _hooks(repo)["pre-commit"]
    assert mj("hook", "uninstall", cwd=repo).exit_code == 0
    # Exactly what `pre-commit install` over the user's hook leaves.
    assert _hooks(repo) == {"pre-commit": framework, "pre-commit.legacy": original}
    _pre_commit(repo, tmp_path, "uninstall")
    assert _hooks(repo) == {"pre-commit": original}


# --------------------------------------------------------------------------- loops


def test_a_hand_made_loop_through_mj_runs_mj_once(tmp_path: Path) -> None:
    """mj's script copied to where it keeps the replaced hook: it would start itself forever."""
    repo = tmp_path / "j"
    _init(repo)
    _start(repo)
    hooks = repo / ".git" / "hooks"
    (hooks / "pre-commit.before-mj").write_bytes((hooks / "pre-commit").read_bytes())
    (hooks / "pre-commit.before-mj").chmod(0o755)
    _session(repo, 25, who="zed")
    refused = _commit(repo, tmp_path, "looping hooks")
    assert refused.returncode != 0 and "unknown-person" in refused.stdout
    assert refused.stdout.count("skipping the nested run") == 1
    _session(repo, 25)
    assert _commit(repo, tmp_path, "looping hooks").returncode == 0


def test_a_hand_made_loop_through_the_framework_runs_each_once(tmp_path: Path) -> None:
    """The framework's script copied to where mj keeps a replaced hook: mj, started by the
    framework, would start the framework again (which then fails its own legacy check)."""
    repo = tmp_path / "j"
    _mj_then_framework(repo, tmp_path)
    hooks = repo / ".git" / "hooks"
    (hooks / "pre-commit.before-mj").write_bytes((hooks / "pre-commit").read_bytes())
    (hooks / "pre-commit.before-mj").chmod(0o755)
    said = _assert_both_run(repo, tmp_path, tmp_path / "marker")
    assert said.count("the pre-commit framework is running already") == 2
    # mj at the top, the framework under it and mj again as the framework's legacy hook.
    (hooks / "pre-commit").write_bytes((hooks / "pre-commit.legacy").read_bytes())
    _session(repo, 26)
    passed = _commit(repo, tmp_path, "mj, framework, mj")
    assert passed.returncode == 0, passed.stdout
    assert "skipping the nested run" in passed.stdout and _runs(tmp_path / "marker") == 3


def test_install_repairs_the_layouts_older_mj_left(tmp_path: Path) -> None:
    """Older mj moved the framework's hook to pre-commit.legacy (every commit failed) and
    kept a user's hook as pre-commit.legacy (the framework then overwrote it)."""
    repo = tmp_path / "j"
    _framework_then_init(repo, tmp_path)
    hooks = repo / ".git" / "hooks"
    framework = (hooks / "pre-commit").read_bytes()
    ours = (hooks / "pre-commit.legacy").read_bytes()
    (hooks / "pre-commit").write_bytes(ours)
    (hooks / "pre-commit.legacy").write_bytes(framework)
    hook.install(repo)
    assert _hooks(repo) == {"pre-commit": framework, "pre-commit.legacy": ours}
    _assert_both_run(repo, tmp_path, tmp_path / "marker")

    _pre_commit(repo, tmp_path, "uninstall")
    user = USER_HOOK.format(log=tmp_path / "user-log").encode()
    (hooks / "pre-commit.legacy").write_bytes(user)
    (hooks / "pre-commit.legacy").chmod(0o755)
    hook.install(repo)
    assert _hooks(repo) == {"pre-commit": ours, "pre-commit.before-mj": user}
    assert hook.uninstall(repo) is True
    assert _hooks(repo) == {"pre-commit": user}


# --------------------------------------------------------------------------- .pre-commit-hooks.yaml


def _manifest_as_local() -> dict[str, object]:
    """This repository's mj-validate hook as a `repo: local` entry (no network: the
    framework runs `mj` from PATH instead of building an environment for it)."""
    (entry,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return {**entry, "language": "system"}


def _guide_local() -> dict[str, object]:
    """The `repo: local` entry docs/guide.md tells framework users to add."""
    blocks = (ROOT / "docs" / "guide.md").read_text().split("```yaml\n")[1:]
    configs = [yaml.safe_load(block.split("```")[0]) for block in blocks]
    (local,) = [c for c in configs if c["repos"][0]["repo"] == "local"]
    (entry,) = local["repos"][0]["hooks"]
    return dict(entry)


@pytest.mark.parametrize("entry", [_manifest_as_local, _guide_local], ids=["manifest", "guide"])
def test_framework_users_are_checked_on_a_commit_that_only_deletes(
    tmp_path: Path, entry: Callable[[], dict[str, object]]
) -> None:
    repo = tmp_path / "j"
    _init(repo)
    assert mj("hook", "uninstall", cwd=repo).exit_code == 0  # the framework alone checks
    _config(repo, tmp_path / "marker", entry())
    _start(repo)
    _pre_commit(repo, tmp_path, "install")
    assert not any(hook.is_ours(repo / ".git" / "hooks" / name) for name in _hooks(repo))

    _session(repo, 18)
    # The framework checks the commits: mj does not ask for its own hook after a write.
    added = mj("add", "Book a room", "--owner", "ana", "--to", "sessions/2025-07-18.md", cwd=repo)
    assert added.exit_code == 0 and "pre-commit hook" not in added.output, added.output
    config = repo / ".pre-commit-config.yaml"
    kept = config.read_text()
    commented = "\n".join(f"# {line}" if "mj" in line else line for line in kept.splitlines())
    config.write_text(commented + "\n")  # the hook commented out: no check, so the note
    added = mj("add", "Book a hall", "--owner", "ana", "--to", "sessions/2025-07-18.md", cwd=repo)
    assert "no mj pre-commit hook" in added.output, added.output
    config.write_text(kept)
    git(repo, "add", "--", "sessions")
    assert _commit(repo, tmp_path, "A goal and a session").returncode == 0
    before = head(repo)
    git(repo, "rm", "-q", "--", "goals/portfolio.md")
    refused = _commit(repo, tmp_path, "Drop the goal the session links to")
    assert refused.returncode != 0, refused.stdout
    assert "unknown-goal" in refused.stdout and MARK in refused.stdout
    assert head(repo) == before


@pytest.mark.slow
def test_pre_commit_try_repo_checks_a_deletion(tmp_path: Path) -> None:
    """The hook as framework users get it: built from this repository by `try-repo`."""
    repo = tmp_path / "j"
    _init(repo)
    _session(repo, 18)
    _start(repo)
    git(repo, "rm", "-q", "--", "goals/portfolio.md")
    result = bounded(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "mj-validate"],
        repo,
        _env(tmp_path),
    )
    assert result.returncode == 1, result.stdout
    assert "unknown-goal" in result.stdout
