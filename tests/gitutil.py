"""Real git repositories for tests: an isolated git config, repos, a shared remote.

Use the `git_sandbox` fixture (import it into a test module, or list it in
`pytest.mark.usefixtures`) so that no user or system git config (a global
`core.hooksPath`, signing, a different default branch) leaks into a test.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def env(self) -> dict[str, str]:
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
        }


MENTOR = Identity("Ben Mentor", "ben@example.org")
MENTEE = Identity("Ana Mentee", "ana@example.org")

# The least agreement a journal needs (two people, weekly), for tests that write notes.
SMALL_AGREEMENT = b"""---
mentor: {handle: ben, name: Ben}
mentee: {handle: ana, name: Ana}
purpose: Grow.
start: 2025-07-01
review: 2025-10-01
cadence: {every: weekly, length: 30, mode: video}
---

# Agreement
"""

AGREEMENT = """\
---
mentor: {handle: ben, name: Ben Mentor}
mentee: {handle: ana, name: Ana Mentee}
purpose: Grow Ana into a confident product designer.
start: 2025-07-01
review: 2025-10-01
cadence: {every: biweekly, length: 45, mode: video}
---
# Agreement

- [ ] @ana Draft case study 1 due:2025-08-01
"""


@dataclass(frozen=True)
class SharedRepo:
    """A bare remote and the two clones a mentor and a mentee work in."""

    remote: Path
    mentor: Path
    mentee: Path


@pytest.fixture
def git_sandbox(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point git at a fresh global config and unset identity variables; yield HOME."""
    home = tmp_path_factory.mktemp("home")
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = Test Default\n\temail = default@example.org\n"
        "[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n"
        "[tag]\n\tgpgsign = false\n"
        "[advice]\n\tdetachedHead = false\n"
        '[protocol "file"]\n\tallow = always\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_CONFIG_COUNT",
        "GIT_EDITOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_EDITOR", "true")
    yield home


def git(cwd: Path, *args: str, identity: Identity | None = None, check: bool = True) -> str:
    """Run git in `cwd` and return stdout; fail the test with stderr if it fails."""
    env = dict(os.environ)
    if identity is not None:
        env.update(identity.env())
    proc = subprocess.run(
        ["git", "-C", str(cwd), *args], capture_output=True, text=True, env=env, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def configure(repo: Path, identity: Identity) -> None:
    """Give a repository its own author identity and no signing."""
    git(repo, "config", "user.name", identity.name)
    git(repo, "config", "user.email", identity.email)
    git(repo, "config", "commit.gpgsign", "false")


def make_repo(path: Path, identity: Identity = MENTOR) -> Path:
    """A new non-bare repository on branch main with no commits."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    configure(path, identity)
    return path


def write(root: Path, rel: str, content: str | bytes) -> Path:
    """Write a file (bytes exactly as given, text as UTF-8 with LF), creating folders."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_bytes(content.encode("utf-8"))
    return target


def commit_files(repo: Path, files: dict[str, str | bytes], message: str) -> str:
    """Write, stage and commit these files; return the new commit's sha."""
    for rel, content in files.items():
        write(repo, rel, content)
    git(repo, "add", "--", *files)
    git(repo, "commit", "--quiet", "--no-verify", "-m", message)
    return head(repo)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def make_journal(path: Path, identity: Identity = MENTOR) -> Path:
    """A repository whose root is a journal with one commit holding agreement.md."""
    make_repo(path, identity)
    commit_files(path, {"agreement.md": AGREEMENT}, "Start the journal")
    return path


def make_program(path: Path) -> Path:
    """A program repository: no journal at its root, one per pair under pairs/."""
    make_repo(path)
    files = {"README.md": "# Program\n"}
    files |= {f"pairs/{pair}/agreement.md": AGREEMENT for pair in ("ana-ben", "cy-dee")}
    commit_files(path, files, "Two pairs")
    return path


def make_shared(tmp_path: Path) -> SharedRepo:
    """A bare remote holding a journal, cloned by the mentor and by the mentee."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    seed = make_journal(tmp_path / "seed")
    git(seed, "remote", "add", "origin", str(remote))
    git(seed, "push", "--quiet", "origin", "main")
    mentor = tmp_path / "mentor"
    mentee = tmp_path / "mentee"
    git(tmp_path, "clone", "--quiet", str(remote), str(mentor))
    git(tmp_path, "clone", "--quiet", str(remote), str(mentee))
    configure(mentor, MENTOR)
    configure(mentee, MENTEE)
    return SharedRepo(remote, mentor, mentee)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` outside `.git`, as bytes, to prove nothing changed."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def repo_state(repo: Path) -> tuple[str, str, str, dict[str, bytes]]:
    """HEAD, the branch, the index's entries and the working tree, for before/after checks."""
    return (
        head(repo),
        git(repo, "symbolic-ref", "HEAD").strip(),
        git(repo, "ls-files", "-s"),
        snapshot(repo),
    )


def commit_through_hook(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`git commit` with its hooks, bounded (tests/bounded.py): a hook chain that ran
    away is killed with all it started. Its output is all in ``stdout``."""
    from bounded import bounded

    return bounded(["git", "commit", "--no-edit", "-q", *args], repo)


def fill_template(root: Path) -> None:
    """Write over every template prompt of a new journal's agreement, as a pair would
    before signing (left, each is a `placeholder` warning and `mj sign` refuses)."""
    agreement = root / "agreement.md"
    text = agreement.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(purpose: )?'?Replace with .*(\n  .*)*", _agreed, text)
    agreement.write_text(text, encoding="utf-8")


def _agreed(found: re.Match[str]) -> str:
    return (found.group(1) or "") + "Agreed together at the kickoff."
