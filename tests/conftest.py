"""Shared fixtures: every test runs with an isolated git config and a fixed clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gitutil import git, git_sandbox, make_repo  # noqa: F401  (git_sandbox: fixture)

from mentorjournal.cli.app import main

# The repository: tests/ sits at its top, whatever folder a test file is in.
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SAMPLE = ROOT / "sample-journal"


@pytest.fixture(autouse=True)
def _isolated(git_sandbox: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:  # noqa: F811
    monkeypatch.delenv("MJ_TODAY", raising=False)
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):  # COLUMNS: laid out for 80
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """The sample journal, committed to a fresh repository."""
    root = make_repo(tmp_path / "sample")
    shutil.copytree(SAMPLE, root, dirs_exist_ok=True)
    git(root, "add", "--", ".")
    git(root, "commit", "-q", "-m", "sample")
    return root


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """A copy of tests/data/base-journal: agreement, one goal, two sessions."""
    root = tmp_path / "journal"
    shutil.copytree(DATA / "base-journal", root)
    return root


def mj(*args: str, cwd: Path | None = None) -> Result:
    """Run the mj command line in-process; exceptions other than exit are test failures."""
    prefix = ["-C", str(cwd)] if cwd is not None else []
    result = CliRunner().invoke(main, [*prefix, *args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result
