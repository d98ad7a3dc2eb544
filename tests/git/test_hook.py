"""The pre-commit hook installer, against real repositories and real `git commit`."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bounded import bounded
from conftest import ROOT, mj
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    AGREEMENT,
    commit_files,
    git,
    git_sandbox,
    head,
    make_journal,
    make_program,
    make_repo,
    write,
)

from mentorjournal.errors import MjError
from mentorjournal.git import hook

pytestmark = pytest.mark.usefixtures("git_sandbox")

REPO_ROOT = ROOT
SESSION = (
    "---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n# Notes\n\n- [ ] @ana Read chapter 3\n"
)
FOREIGN = '#!/bin/sh\necho ran > "$(git rev-parse --show-toplevel)/legacy-ran"\nexit {code}\n'


def _hook_path(repo: Path) -> Path:
    return repo / ".git" / "hooks" / "pre-commit"


def _foreign_hook(repo: Path, code: int = 0) -> bytes:
    path = _hook_path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FOREIGN.format(code=code))
    path.chmod(0o755)
    return path.read_bytes()


def _fake_python(directory: Path, code: int = 0) -> Path:
    """A stand-in interpreter that records how the hook called it."""
    script = directory / "fake-python"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f'#!/bin/sh\necho "$@" > "{directory}/python-args"\nexit {code}\n')
    script.chmod(0o755)
    return script


def _commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`git commit` through the hooks, bounded; its stdout holds the hooks' output too."""
    return bounded(["git", "-C", str(repo), "commit", "--quiet", *args], repo)


def _stage_edit(repo: Path) -> None:
    write(repo, "agreement.md", AGREEMENT + "\nAn edit.\n")
    git(repo, "add", "--", "agreement.md")


# --------------------------------------------------------------------------- install


def test_only_the_driver_git_runs_counts_as_an_older_setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older driver in the user's global config is the one git runs while the clone
    sets none, and is named; once `mj hook install` sets this clone's, it is not."""
    from mentorjournal.git.setupcheck import missing_setup

    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    old = '[merge "mentorjournal"]\n\tdriver = python -m mentorjournal merge-driver %O\n'
    (tmp_path / "global").write_text(old)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "global"))
    assert "older mj's" in (missing_setup(repo) or "")
    assert mj("hook", "install", cwd=repo).exit_code == 0  # this clone's driver, first
    assert missing_setup(repo) is None


def test_install_writes_an_executable_marked_hook(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    path = hook.install(repo)
    assert path == _hook_path(repo).resolve()
    assert path.stat().st_mode & stat.S_IXUSR
    text = path.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert hook.MARKER in text.splitlines()
    assert sys.executable in text
    assert hook.is_ours(path)
    assert not path.with_name("pre-commit.before-mj").exists()
    # No temporary files left behind.
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_install_from_a_subfolder_and_a_worktree(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    (repo / "goals").mkdir()
    assert hook.install(repo / "goals") == _hook_path(repo).resolve()
    other = tmp_path / "wt"
    git(repo, "worktree", "add", "--quiet", "-b", "side", str(other))
    # Worktrees share the hooks of the main repository.
    assert hook.install(other) == _hook_path(repo).resolve()


def test_reinstall_is_byte_identical_and_untouched(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    path = hook.install(repo)
    before = (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_ino)
    hook.install(repo)
    assert (path.read_bytes(), path.stat().st_mtime_ns, path.stat().st_ino) == before


def test_reinstall_with_another_interpreter_updates_our_hook(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    hook.install(repo, python="/opt/old/python3")
    path = hook.install(repo)
    assert sys.executable in path.read_text()
    assert not path.with_name("pre-commit.before-mj").exists()


def test_interpreter_path_with_spaces_and_quotes_is_quoted(tmp_path: Path) -> None:
    odd = tmp_path / "it's a dir"
    fake = _fake_python(odd)
    repo = make_journal(tmp_path / "j")
    hook.install(repo, python=str(fake))
    _stage_edit(repo)
    assert _commit(repo, "-m", "edit").returncode == 0
    from mentorjournal.git.hook import ENTRY

    # -P: not the work tree (a yaml.py of the journal's) first on sys.path.
    assert (odd / "python-args").read_text() == f"-P -c {ENTRY} hook-run\n"


def test_foreign_hook_is_kept_run_first_and_restored(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    original = _foreign_hook(repo, code=0)
    fake = _fake_python(tmp_path / "py")
    path = hook.install(repo, python=str(fake))
    kept = path.with_name("pre-commit.before-mj")
    assert kept.read_bytes() == original

    _stage_edit(repo)
    assert _commit(repo, "-m", "edit").returncode == 0
    assert (repo / "legacy-ran").exists()
    assert (tmp_path / "py" / "python-args").exists()

    assert hook.uninstall(repo) is True
    assert path.read_bytes() == original
    assert path.stat().st_mode & stat.S_IXUSR
    assert not kept.exists()


def test_failing_foreign_hook_fails_the_commit_before_mj_runs(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _foreign_hook(repo, code=1)
    fake = _fake_python(tmp_path / "py")
    hook.install(repo, python=str(fake))
    before = head(repo)
    _stage_edit(repo)
    assert _commit(repo, "-m", "edit").returncode != 0
    assert (repo / "legacy-ran").exists()
    assert not (tmp_path / "py" / "python-args").exists()
    assert head(repo) == before


def test_mj_failure_fails_the_commit(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    hook.install(repo, python=str(_fake_python(tmp_path / "py", code=1)))
    before = head(repo)
    _stage_edit(repo)
    assert _commit(repo, "-m", "edit").returncode != 0
    assert head(repo) == before


def test_reinstall_over_our_hook_keeps_the_replaced_hook(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    original = _foreign_hook(repo)
    hook.install(repo, python="/opt/old/python3")
    hook.install(repo)
    assert _hook_path(repo).with_name("pre-commit.before-mj").read_bytes() == original


def test_refuses_when_both_a_foreign_hook_and_a_kept_one_exist(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    original = _foreign_hook(repo)
    kept = _hook_path(repo).with_name("pre-commit.before-mj")
    kept.write_text("#!/bin/sh\nexit 0\n")
    with pytest.raises(MjError, match="neither is mj's"):
        hook.install(repo)
    assert _hook_path(repo).read_bytes() == original


def test_uninstall_leaves_a_foreign_hook_alone(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    original = _foreign_hook(repo)
    assert hook.uninstall(repo) is False
    assert _hook_path(repo).read_bytes() == original


def test_uninstall_without_a_kept_hook_removes_the_hook(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    path = hook.install(repo)
    assert hook.uninstall(repo) is True
    assert not path.exists()
    assert hook.uninstall(repo) is False


def test_outside_a_repository_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MjError, match="git init"):
        hook.install(tmp_path)


def test_a_hooks_folder_that_cannot_be_written_is_said_not_a_traceback(tmp_path: Path) -> None:
    # Found in session 14: .git/hooks a file gave FileExistsError's traceback from
    # `mj hook install`, and `mj init` said "core.hooksPath is set", which it was not.
    repo = tmp_path / "j"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.rmtree(repo / ".git" / "hooks", ignore_errors=True)
    (repo / ".git" / "hooks").write_text("")
    result = mj("hook", "install", cwd=repo)
    said = f"could not write git's pre-commit hook in {repo / '.git' / 'hooks'}: it is not a folder"
    assert result.exit_code == 1 and said in result.output
    assert "Traceback" not in result.output
    result = mj("init", "--mentor", "ben", "--mentee", "ana", cwd=repo)
    assert result.exit_code == 0, result.output
    assert f"hook    not installed: {said}" in result.output
    assert (repo / "agreement.md").is_file() and (repo / ".git" / "hooks").is_file()


def test_a_hooks_folder_that_cannot_be_changed_stops_uninstall_with_a_message(
    tmp_path: Path,
) -> None:
    # Found in session 14's review: `mj hook uninstall` gave PermissionError's traceback.
    repo = make_journal(tmp_path / "j")
    assert mj("hook", "install", cwd=repo).exit_code == 0
    hooks = repo / ".git" / "hooks"
    hooks.chmod(0o555)
    as_root = os.geteuid() == 0  # root writes anyway: only the immutable flag stops it
    pinned = ["chattr", "+i", str(hooks)]
    if as_root and (not shutil.which("chattr") or subprocess.run(pinned).returncode):
        hooks.chmod(0o755)
        pytest.skip("root, and no chattr +i here: the folder stays writable")
    try:
        result = mj("hook", "uninstall", cwd=repo)
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", hooks], check=True)
        hooks.chmod(0o755)
    said = f"could not remove mj's hook {hooks / 'pre-commit'}: "
    assert result.exit_code == 1 and said in result.output
    assert hook.is_ours(hooks / "pre-commit")


# --------------------------------------------------------------------------- core.hooksPath


def test_core_hooks_path_is_refused_with_a_hint(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    git(repo, "config", "core.hooksPath", ".githooks")
    with pytest.raises(MjError, match=r"core\.hooksPath.*--follow-hooks-path"):
        hook.install(repo)
    assert not (repo / ".githooks").exists()
    assert not _hook_path(repo).exists()


def test_forced_install_goes_into_core_hooks_path(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    git(repo, "config", "core.hooksPath", ".githooks")
    shared = repo / ".githooks"
    shared.mkdir()
    (shared / "pre-commit").write_text(FOREIGN.format(code=0))
    (shared / "pre-commit").chmod(0o755)
    fake = _fake_python(tmp_path / "py")

    path = hook.install(repo / ".", force_hooks_path=True, python=str(fake))

    assert path == (shared / "pre-commit").resolve()
    assert hook.is_ours(path)
    assert (shared / "pre-commit.before-mj").exists()
    _stage_edit(repo)
    assert _commit(repo, "-m", "edit").returncode == 0
    assert (repo / "legacy-ran").exists() and (tmp_path / "py" / "python-args").exists()
    assert hook.uninstall(repo) is True
    assert not hook.is_ours(shared / "pre-commit")


# --------------------------------------------------------------------------- fallbacks


def test_missing_interpreter_falls_back_to_mj_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_journal(tmp_path / "j")
    hook.install(repo, python=str(tmp_path / "gone" / "python3"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mj = bin_dir / "mj"
    mj.write_text(f'#!/bin/sh\necho "$@" > "{tmp_path}/mj-args"\nexit 0\n')
    mj.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    _stage_edit(repo)
    result = _commit(repo, "-m", "edit")
    assert result.returncode == 0
    assert (tmp_path / "mj-args").read_text().split() == ["hook-run"]
    assert "is gone; using mj from PATH" in result.stdout


def test_missing_interpreter_and_no_mj_fails_with_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_journal(tmp_path / "j")
    hook.install(repo, python=str(tmp_path / "gone" / "python3"))
    git_bin = Path(shutil.which("git") or "/usr/bin/git").parent
    monkeypatch.setenv("PATH", f"{git_bin}{os.pathsep}/bin")
    if shutil.which("mj"):
        pytest.skip("an mj is installed system-wide")
    before = head(repo)
    _stage_edit(repo)
    result = _commit(repo, "-m", "edit")
    assert result.returncode != 0
    assert "mj hook install" in result.stdout and "--no-verify" in result.stdout
    assert head(repo) == before


# --------------------------------------------------------------------------- targets


def test_hook_run_targets_are_the_touched_journals(tmp_path: Path) -> None:
    repo = make_program(tmp_path / "program")
    assert hook.hook_run_targets(repo) == []
    write(repo, "README.md", "# Program!\n")
    git(repo, "add", "--", "README.md")
    assert hook.hook_run_targets(repo) == []
    write(repo, "pairs/cy-dee/sessions/2025-07-18.md", SESSION)
    git(repo, "add", "--", "pairs/cy-dee")
    # Unstaged changes do not count.
    write(repo, "pairs/ana-ben/agreement.md", AGREEMENT + "x\n")
    assert hook.hook_run_targets(repo / "pairs") == [repo.resolve() / "pairs" / "cy-dee"]
    # A new journal in this very commit is checked too.
    write(repo, "pairs/eve-fay/agreement.md", AGREEMENT)
    git(repo, "add", "--", "pairs/eve-fay")
    assert hook.hook_run_targets(repo) == [
        repo.resolve() / "pairs" / "cy-dee",
        repo.resolve() / "pairs" / "eve-fay",
    ]


def test_hook_run_targets_for_a_journal_at_the_root(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _stage_edit(repo)
    assert hook.hook_run_targets(repo) == [repo.resolve()]


# --------------------------------------------------------------------------- .pre-commit-hooks.yaml


def test_pre_commit_hooks_manifest() -> None:
    """The framework runs the check on every commit (deletions too) over the whole index;
    tests/git/test_hook_framework.py runs it through the real pre-commit."""
    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    (entry,) = manifest
    assert entry["id"] == "mj-validate"
    assert entry["entry"] == "mj validate --staged"
    assert entry["language"] == "python"
    assert entry["pass_filenames"] is False
    assert entry["always_run"] is True
    assert "files" not in entry


# --------------------------------------------------------------------------- end to end


def test_hook_refuses_an_invalid_staged_file(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    before = head(repo)
    write(repo, "sessions/2025-07-18.md", SESSION.replace("[ana, ben]", "[zed]"))
    git(repo, "add", "--", "sessions")
    result = _commit(repo, "-m", "bad session")
    assert result.returncode != 0
    assert "sessions/2025-07-18.md" in result.stdout
    assert head(repo) == before


def test_hook_passes_a_valid_index_and_never_touches_the_worktree(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    write(repo, "sessions/2025-07-18.md", SESSION)
    git(repo, "add", "--", "sessions")
    # The working copy is invalid (unknown attendee, CRLF, a bad byte): not committed.
    dirty = SESSION.replace("[ana, ben]", "[zed]").replace("\n", "\r\n").encode() + b"\xff\r\n"
    write(repo, "sessions/2025-07-18.md", dirty)
    result = _commit(repo, "-m", "good session")
    assert result.returncode == 0, result.stdout
    assert (repo / "sessions" / "2025-07-18.md").read_bytes() == dirty
    assert git(repo, "show", "HEAD:sessions/2025-07-18.md") == SESSION


def test_hook_checks_every_touched_journal_in_a_program_repo(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "program")
    commit_files(
        repo, {"pairs/a/agreement.md": AGREEMENT, "pairs/b/agreement.md": AGREEMENT}, "pairs"
    )
    hook.install(repo)
    write(repo, "pairs/a/sessions/2025-07-18.md", SESSION)
    write(repo, "pairs/b/sessions/2025-07-18.md", SESSION.replace("[ana, ben]", "[zed]"))
    git(repo, "add", "--", "pairs")
    result = _commit(repo, "-m", "two sessions")
    assert result.returncode != 0
    assert "zed" in result.stdout


def _path_without_mj() -> str:
    """A PATH with git and the system tools but not this virtual environment's bin/."""
    git_bin = str(Path(shutil.which("git") or "/usr/bin/git").parent)
    venv_bin = str(Path(sys.executable).parent)
    dirs = [git_bin, "/usr/bin", "/bin"]
    return os.pathsep.join(d for d in dict.fromkeys(dirs) if d != venv_bin)


def test_hook_works_with_the_virtual_environment_off_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    path = _path_without_mj()
    if shutil.which("mj", path=path):
        pytest.skip("an mj is installed system-wide")
    monkeypatch.setenv("PATH", path)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    before = head(repo)

    write(repo, "sessions/2025-07-18.md", SESSION.replace("[ana, ben]", "[zed]"))
    git(repo, "add", "--", "sessions")
    refused = _commit(repo, "-m", "bad session")
    assert refused.returncode != 0
    assert "unknown-person" in refused.stdout
    assert head(repo) == before

    write(repo, "sessions/2025-07-18.md", SESSION)
    git(repo, "add", "--", "sessions")
    passed = _commit(repo, "-m", "good session")
    assert passed.returncode == 0, passed.stdout
    assert head(repo) != before


def test_hook_run_names_files_from_the_repository_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "program")
    commit_files(repo, {"pairs/a/agreement.md": AGREEMENT}, "pair a")
    write(repo, "pairs/a/sessions/2025-07-18.md", SESSION.replace("[ana, ben]", "[zed]"))
    git(repo, "add", "--", "pairs")
    result = mj("hook-run", cwd=repo)
    assert result.exit_code == 1
    assert "pairs/a/sessions/2025-07-18.md:3:" in result.output
    assert "--no-verify" in result.output
    # The pre-commit framework runs `mj validate --staged` at the root: same verdict.
    staged = mj("validate", "--staged", "--json", cwd=repo)
    assert staged.exit_code == 1
    paths = {f["path"] for f in json.loads(staged.stdout)["findings"]}
    assert "pairs/a/sessions/2025-07-18.md" in paths
    # Without --staged it checks the working tree of every journal in the program.
    worktree = mj("validate", cwd=repo)
    assert worktree.exit_code == 1 and "pairs/a/sessions/2025-07-18.md:3:" in worktree.output


def test_hook_commands_install_and_uninstall(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    original = _foreign_hook(repo)
    result = mj("hook", "install", cwd=repo)
    assert result.exit_code == 0 and "hook installed" in result.output
    assert hook.is_ours(_hook_path(repo))
    assert mj("hook", "uninstall", cwd=repo).exit_code == 0
    assert _hook_path(repo).read_bytes() == original
    assert "nothing changed" in mj("hook", "uninstall", cwd=repo).output

    git(repo, "config", "core.hooksPath", ".githooks")
    refused = mj("hook", "install", cwd=repo)
    assert refused.exit_code == 1 and "--follow-hooks-path" in refused.output
    assert mj("hook", "install", "--follow-hooks-path", cwd=repo).exit_code == 0
    assert hook.is_ours(repo / ".githooks" / "pre-commit")


def _hook_imports(repo: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """`git commit` through the installed hook, with the modules its Python imported."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    result = bounded(["git", "commit", *args], repo, env)
    return result, result.stdout


def test_installed_hook_takes_the_fast_staged_check(tmp_path: Path) -> None:
    """A clean commit is checked without click (what benchmarks/bench.py measures);
    one with findings goes to the CLI, which words the refusal."""
    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "start")
    mj("validate", "--staged", cwd=repo)  # the first check leaves the snapshot behind

    write(repo, "sessions/2025-07-18.md", SESSION)
    git(repo, "add", "--", "sessions")
    passed, imports = _hook_imports(repo, "-q", "-m", "good session")
    assert passed.returncode == 0, passed.stdout
    assert "mentorjournal.index.stagedcheck" in imports and "click" not in imports

    write(
        repo,
        "sessions/2025-07-19.md",
        SESSION.replace("2025-07-18", "2025-07-19").replace("ben", "zed"),
    )
    git(repo, "add", "--", "sessions")
    refused, imports = _hook_imports(repo, "-q", "-m", "bad session")
    assert refused.returncode == 1
    assert "unknown-person" in refused.stdout and "--no-verify" in refused.stdout
    assert "click" in imports


def test_the_hook_keeps_its_results_even_when_the_journal_is_untouched(tmp_path: Path) -> None:
    """With nothing kept yet, the fast hook runs the full check itself (and keeps its
    results), so a commit of other files does not go through click every time."""
    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    for name in ("README.md", "NOTES.txt"):
        write(repo, name, f"{name}\n")
        git(repo, "add", "--", name)
        passed, imports = _hook_imports(repo, "-q", "-m", name)
        assert passed.returncode == 0, passed.stdout
        assert "mentorjournal.index.stagedcheck" in imports and "click" not in imports


def _logging_python(directory: Path) -> Path:
    """The real interpreter behind a script that notes each time the hook starts it."""
    script = directory / "logging-python"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f'#!/bin/sh\necho ran >> "{directory}/ran"\nexec "{sys.executable}" "$@"\n')
    script.chmod(0o755)
    return script


def test_mj_commit_spares_the_hook_a_second_check_of_the_same_tree(tmp_path: Path) -> None:
    """`mj commit` has checked the very tree it commits: the hook sees that with one
    `git write-tree` and starts no Python. Any other tree is checked as ever, so
    the variable cannot wave an invalid commit through."""
    repo = make_journal(tmp_path / "j")
    logs = tmp_path / "logs"
    _hook_path(repo).write_text(hook.render_script(str(_logging_python(logs))))
    _hook_path(repo).chmod(0o755)
    write(repo, "sessions/2025-07-18.md", SESSION)
    assert mj("commit", "-m", "first", cwd=repo).exit_code == 0
    assert not (logs / "ran").exists()
    assert git(repo, "log", "-1", "--format=%s").strip() == "first"

    checked = f"{git(repo, 'rev-parse', 'HEAD^{tree}').strip()} {head(repo)}"
    write(repo, "sessions/2025-07-19.md", SESSION.replace("18", "19").replace("ben", "zed"))
    git(repo, "add", "--", "sessions")
    env = {**os.environ, "MJ_CHECKED": checked}
    refused = bounded(["git", "commit", "-q", "-m", "bad"], repo, env)
    assert refused.returncode == 1 and "unknown-person" in refused.stdout
    assert (logs / "ran").read_text() == "ran\n"


def test_mj_commit_still_runs_the_hook_a_user_had(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _foreign_hook(repo)
    hook.install(repo)
    write(repo, "sessions/2025-07-18.md", SESSION)
    assert mj("commit", cwd=repo).exit_code == 0
    assert (repo / "legacy-ran").read_text() == "ran\n"


def _nested(repo: Path) -> None:
    """A second journal in a folder of the first, committed."""
    write(repo, "pairs/x/agreement.md", AGREEMENT)
    write(repo, "pairs/x/sessions/2025-07-18.md", SESSION)
    git(repo, "add", "--", "pairs")
    git(repo, "commit", "-q", "--no-verify", "-m", "nested")


def test_a_nested_journals_staged_note_is_checked_by_the_fast_hook_and_mj_commit(
    tmp_path: Path,
) -> None:
    """The journal at the top is not the only one: the hook checks every journal the
    commit touches, and `mj commit`, which checks its own, does not tell it to skip."""
    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "start")
    _nested(repo)
    assert mj("validate", "--staged", cwd=repo).exit_code == 0  # the top keeps results
    bad = SESSION.replace("ben", "zed")
    write(repo, "pairs/x/sessions/2025-07-18.md", bad)
    git(repo, "add", "--", "pairs")
    refused = _commit(repo, "-m", "through the hook")
    assert refused.returncode == 1 and "unknown-person" in refused.stdout
    write(repo, "sessions/2025-07-19.md", SESSION.replace("18", "19"))
    before = head(repo)
    result = mj("commit", "-m", "mine", cwd=repo)
    assert result.exit_code == 1 and "unknown-person" in result.output
    assert head(repo) == before


def test_the_hook_skips_only_on_the_history_mj_commit_checked(tmp_path: Path) -> None:
    """The agreement's signatures are judged against history: a HEAD that moved
    between `mj commit`'s check and the commit means the hook checks."""
    repo = make_journal(tmp_path / "j")
    logs = tmp_path / "logs"
    _hook_path(repo).write_text(hook.render_script(str(_logging_python(logs))))
    _hook_path(repo).chmod(0o755)
    git(repo, "commit", "-q", "--allow-empty", "-m", "start")
    start = head(repo)
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", "moved")
    for day, checked_on, ran in (("18", start, "ran\n" * 2), ("19", "", "ran\n" * 2)):
        write(repo, f"sessions/2025-07-{day}.md", SESSION.replace("18", day))
        git(repo, "add", "--", "sessions")
        tree = git(repo, "write-tree").strip()
        env = {**os.environ, "MJ_CHECKED": f"{tree} {checked_on or head(repo)}"}
        assert bounded(["git", "commit", "-q", "-m", day], repo, env).returncode == 0
        # "start" ran it; a HEAD other than the one checked on runs it; the same skips it
        assert (logs / "ran").read_text() == ran


@pytest.mark.parametrize("how", [("rm", "-q"), ("rm", "-q", "--cached")])
def test_a_commit_that_removes_the_agreement_is_refused(
    tmp_path: Path, how: tuple[str, ...]
) -> None:
    """Deleting agreement.md (or unstaging it) left the notes a journal of no one's,
    and the hook let the commit through: nothing checked or counted them after."""
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"sessions/2025-07-18.md": SESSION}, "a session")
    hook.install(repo)
    before = head(repo)
    git(repo, *how, "--", "agreement.md")
    refused = _commit(repo, "-m", "drop the agreement")
    assert refused.returncode != 0 and head(repo) == before
    assert "agreement.md:1:1: error[no-agreement] the journal has notes" in refused.stdout
    staged = mj("validate", "--staged", cwd=repo)
    assert staged.exit_code == 1 and "no-agreement" in staged.output


def test_a_commit_that_removes_a_pairs_agreement_is_refused(tmp_path: Path) -> None:
    program = make_program(tmp_path / "program")
    commit_files(program, {"pairs/ana-ben/sessions/2025-07-18.md": SESSION}, "a session")
    hook.install(program)
    before = head(program)
    git(program, "rm", "-q", "--", "pairs/ana-ben/agreement.md")
    refused = _commit(program, "-m", "drop a pair's agreement")
    assert refused.returncode != 0 and head(program) == before
    assert "pairs/ana-ben/agreement.md:1:1: error[no-agreement]" in refused.stdout
    git(program, "checkout", "HEAD", "--", "pairs/ana-ben/agreement.md")  # what it says
    # Moved to a new pair's folder (git would call it a rename): the notes still stay.
    (program / "pairs" / "eve-fay").mkdir()
    git(program, "mv", "--", "pairs/ana-ben/agreement.md", "pairs/eve-fay/agreement.md")
    refused = _commit(program, "-m", "the agreement to a new pair")
    assert refused.returncode != 0 and head(program) == before
    assert "pairs/ana-ben/agreement.md:1:1: error[no-agreement]" in refused.stdout
    git(program, "mv", "--", "pairs/eve-fay/agreement.md", "pairs/ana-ben/agreement.md")
    # Removing the whole pair, its notes with it, is no such error.
    git(program, "rm", "-q", "-r", "--", "pairs/ana-ben")
    assert _commit(program, "-m", "the pair ended").returncode == 0


def test_notes_of_no_pair_in_a_program_commit_as_before(tmp_path: Path) -> None:
    """Only a deleted agreement is lost: docs/sessions/ of slides commits as any file."""
    program = make_program(tmp_path / "program")
    hook.install(program)
    write(program, "docs/sessions/kickoff.md", "---\ntitle: Kickoff slides\n---\n# Slides\n")
    git(program, "add", "--", "docs")
    assert _commit(program, "-m", "slides").returncode == 0


def test_a_journal_whose_agreement_was_deleted_says_how_to_put_it_back(tmp_path: Path) -> None:
    """Without agreement.md no journal is found; where sessions/ still hold notes, the
    way out is to restore it, not `mj init` (which would start another agreement)."""
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"sessions/2025-07-18.md": SESSION}, "a session")
    git(repo, "rm", "-q", "--", "agreement.md")
    git(repo, "commit", "-q", "--no-verify", "-m", "drop the agreement")
    run = [sys.executable, "-m", "mentorjournal", "status"]
    said = bounded(run, repo / "sessions", dict(os.environ))
    assert said.returncode == 1 and "run `mj init`" not in said.stdout
    assert "`git -C .. log -1 -- agreement.md` names that COMMIT" in " ".join(said.stdout.split())
    deleted = git(repo, "log", "-1", "--format=%h", "--", "agreement.md").strip()
    git(repo, "checkout", f"{deleted}^", "--", "agreement.md")  # as the message says
    assert bounded(run, repo / "sessions", dict(os.environ)).returncode == 0


def test_notes_git_never_knew_beside_no_agreement_still_say_run_mj_init(tmp_path: Path) -> None:
    """A goals/ folder of one's own above a folder that is no journal (a home folder's
    ~/goals/, a dotfiles repository) is no deleted journal: the way out is `mj init`,
    not to "put back" an agreement.md git never had there, nor `mj init ..`."""
    home = make_repo(tmp_path / "home")
    commit_files(home, {"goals/2026.md": "# My goals\n"}, "goals")
    (home / "projects").mkdir()
    run = [sys.executable, "-m", "mentorjournal", "status"]
    said = bounded(run, home / "projects", dict(os.environ))
    assert said.returncode == 1 and "run `mj init`" in said.stdout
    assert "put it back" not in said.stdout.lower()


def test_put_it_back_from_a_folder_since_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mj -C DIR status` started in a folder that is gone: the hint's paths cannot start
    from there (os.path.relpath raised FileNotFoundError, a traceback), so they are whole."""
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"sessions/2025-07-18.md": SESSION}, "a session")
    git(repo, "rm", "-q", "--", "agreement.md")
    (tmp_path / "gone").mkdir()
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    said = mj("status", cwd=repo)
    assert said.exit_code == 1 and f"`git -C {repo} checkout HEAD -- agreement.md`" in said.output


def test_put_it_back_from_outside_the_repository_runs_as_written(tmp_path: Path) -> None:
    """`mj -C j status` from the folder above the repository: the hint's git commands
    must work from there, where git finds no repository of its own (`git -C j`)."""
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"sessions/2025-07-18.md": SESSION}, "a session")
    (repo / "agreement.md").unlink()
    said = bounded([sys.executable, "-m", "mentorjournal", "-C", "j", "status"], tmp_path)
    command = re.search(
        r"`(git -C j checkout HEAD -- agreement.md)`", " ".join(said.stdout.split())
    )
    assert said.returncode == 1 and command, said.stdout
    subprocess.run(shlex.split(command[1]), cwd=tmp_path, check=True, timeout=60)
    assert (repo / "agreement.md").is_file()
