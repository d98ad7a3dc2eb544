"""`mj init`: a journal that validates out of the box, in or outside a repository."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git, make_repo

from mentorjournal.git.hook import is_ours


def test_init_in_an_empty_folder_then_validate_and_status(tmp_path: Path) -> None:
    target = tmp_path / "pair"
    result = mj("init", str(target), "--mentor", "ben", "--mentee", "ana", "--today", "2026-01-10")
    assert result.exit_code == 0, result.output
    assert (target / ".git").is_dir()
    assert (target / "goals").is_dir() and (target / "sessions").is_dir()
    assert (target / ".gitignore").read_text() == "private/\n"
    assert is_ours(target / ".git" / "hooks" / "pre-commit")
    # What init set up, and how to share: the merge driver is configured and named.
    assert git(target, "config", "merge.mentorjournal.driver").strip()
    assert "merge   driver set up" in result.output
    assert "`git remote add origin URL`" in result.output and "`mj clone URL`" in result.output
    validated = json.loads(mj("validate", "--json", cwd=target).stdout)
    assert validated["ok"] is True  # the prompts left to fill in are warnings, not errors
    assert {f["code"] for f in validated["findings"]} == {"placeholder"}
    # Each says where it is: the front-matter key, or the heading above it.
    said = {f["message"] for f in validated["findings"]}
    assert "template text not filled in yet (purpose): write your own words here" in said
    assert any("(Roles and responsibilities)" in message for message in said)
    status = json.loads(mj("status", "--json", "--today", "2026-01-10", cwd=target).stdout)
    assert status["review"] == {"due": "2026-04-10", "overdue": False}
    assert status["signatures"]["missing"] == ["ben", "ana"]


def test_agreement_template_covers_every_practice(tmp_path: Path) -> None:
    mj("init", str(tmp_path / "j"))
    body = (tmp_path / "j" / "agreement.md").read_text().lower()
    for section in (
        "purpose",
        "roles",
        "goals",
        "cadence and preparation",
        "communication boundaries",
        "confidentiality and consent",
        "conflicts of interest",
        "resources",
        "success criteria",
        "review and retrospectives",
        "escalation",
        "sign-off",
    ):
        assert f"## {section}" in body, section


def test_init_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "j"
    target.mkdir()
    (target / "agreement.md").write_text("mine\n")
    result = mj("init", str(target))
    assert result.exit_code == 1
    assert "agreement.md already exists" in result.output
    assert (target / "agreement.md").read_text() == "mine\n"
    assert not (target / "goals").exists()


def test_init_inside_a_repository_keeps_its_gitignore(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "program")
    (repo / ".gitignore").write_text("*.tmp")
    result = mj("init", "pairs/ana-ben", "--mentor", "ben", "--mentee", "ana", cwd=repo)
    assert result.exit_code == 0, result.output
    assert not (repo / "pairs" / "ana-ben" / ".git").exists()
    assert (repo / ".gitignore").read_text() == "*.tmp"
    assert (repo / "pairs" / "ana-ben" / ".gitignore").read_text() == "private/\n"
    assert git(repo, "status", "--porcelain") != ""


def test_init_in_a_shared_repository_does_not_say_to_add_a_remote(tmp_path: Path) -> None:
    # The repository is the user's and already has its origin: `git remote add origin`
    # would fail with "remote origin already exists".
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    repo = make_repo(tmp_path / "program")
    git(repo, "remote", "add", "origin", str(remote))
    result = mj("init", "pairs/ana-ben", "--mentor", "ben", "--mentee", "ana", cwd=repo)
    assert result.exit_code == 0, result.output
    assert "git remote add" not in result.output
    assert "merge   driver set up" in result.output


def test_bad_handle_is_refused(tmp_path: Path) -> None:
    result = mj("init", str(tmp_path / "j"), "--mentor", "Ben")
    assert result.exit_code == 2  # a usage error: the flag's value
    assert "'Ben' is not a handle" in result.output
    assert not (tmp_path / "j" / "agreement.md").exists()
    # The two flags naming one person is a usage error too (it exited 1, a refusal).
    same = mj("init", str(tmp_path / "j"), "--mentor", "ana", "--mentee", "ana")
    assert same.exit_code == 2 and "mentor and mentee need different handles" in same.output
    assert not (tmp_path / "j" / "agreement.md").exists()


def test_init_refusals_that_had_no_test(tmp_path: Path) -> None:
    """A blank name; a folder under a file; a goals/.gitkeep that is a symlink (mj never
    writes through one): each refused with what is wrong, and no agreement written."""
    result = mj("init", str(tmp_path / "a"), "--mentor", "ben", "--mentor-name", " ")
    assert result.exit_code == 2 and "a name cannot be empty" in result.output
    (tmp_path / "file").write_text("x\n")
    result = mj("init", str(tmp_path / "file" / "j"), "--mentor", "ben", "--mentee", "ana")
    assert result.exit_code == 1
    assert f"mj init could not make {tmp_path / 'file' / 'j'}: Not a directory" in result.output
    (tmp_path / "g" / "goals").mkdir(parents=True)
    (tmp_path / "g" / "goals" / ".gitkeep").symlink_to(tmp_path / "file")
    result = mj("init", str(tmp_path / "g"), "--mentor", "ben", "--mentee", "ana")
    assert result.exit_code == 1
    assert "goals/.gitkeep is a symlink" in result.output
    assert (tmp_path / "file").read_text() == "x\n"
    assert not any((tmp_path / name / "agreement.md").exists() for name in ("a", "g"))


def test_init_keeps_a_gitignore_that_ignores_private_and_a_hooks_path(tmp_path: Path) -> None:
    """A .gitignore that already ignores private/ is left as it is; with core.hooksPath
    set, init still succeeds and says how to install the hook."""
    repo = make_repo(tmp_path / "j")
    (repo / ".gitignore").write_text("node_modules/\nprivate/\n")
    git(repo, "config", "core.hooksPath", ".githooks")
    result = mj("init", str(repo), "--mentor", "ben", "--mentee", "ana")
    assert result.exit_code == 0, result.output
    assert (repo / ".gitignore").read_text() == "node_modules/\nprivate/\n"
    assert "wrote   .gitignore" not in result.output
    assert "hook    not installed (core.hooksPath is set)" in result.output
    assert not (repo / ".githooks").exists()


def _odd_gitignore(target: Path, kind: str) -> None:
    if kind == "folder":
        (target / ".gitignore").mkdir()
    elif kind == "symlink":
        (target / "elsewhere").write_text("*.tmp\n")
        (target / ".gitignore").symlink_to("elsewhere")
    elif kind == "fifo":
        os.mkfifo(target / ".gitignore")
    else:
        (target / ".gitignore").write_text("*.tmp\n")
        (target / ".gitignore").chmod(0)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("folder", "is a folder"),
        ("symlink", "is a symlink, which git does not follow"),
        ("fifo", "is not a regular file"),
        pytest.param(
            "unreadable",
            "cannot be read (Permission denied)",
            marks=pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file"),
        ),
    ],
)
def test_init_over_an_odd_gitignore_refuses_and_writes_nothing(
    tmp_path: Path, kind: str, said: str
) -> None:
    target = tmp_path / "j"
    target.mkdir()
    _odd_gitignore(target, kind)
    before = sorted(p.name for p in target.iterdir())

    result = mj("init", str(target), "--mentor", "ben", "--mentee", "ana")

    assert result.exit_code == 1
    assert f"Error: {target / '.gitignore'} {said}" in result.output
    assert "run mj init again" in result.output
    assert sorted(p.name for p in target.iterdir()) == before  # nothing half-written
    assert not (target / ".git").exists()


@pytest.mark.parametrize("kind", ["file", "symlink"])
@pytest.mark.parametrize("folder", ["goals", "sessions"])
def test_init_over_a_folder_that_is_not_a_folder_refuses(
    tmp_path: Path, folder: str, kind: str
) -> None:
    target = tmp_path / "j"
    target.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    if kind == "file":
        (target / folder).write_text("notes\n")
    else:
        (target / folder).symlink_to(outside)

    result = mj("init", str(target))

    assert result.exit_code == 1
    assert f"{target / folder} is a {kind}, not a folder" in result.output
    assert sorted(p.name for p in target.iterdir()) == [folder]
    assert list(outside.iterdir()) == []  # nothing written through the link


def test_init_keeps_a_gitignore_that_is_not_utf8(tmp_path: Path) -> None:
    target = tmp_path / "j"
    target.mkdir()
    (target / ".gitignore").write_bytes(b"caf\xe9/\n")

    result = mj("init", str(target))

    assert result.exit_code == 0, result.output
    assert (target / ".gitignore").read_bytes() == b"caf\xe9/\nprivate/\n"
