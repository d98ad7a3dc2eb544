"""Every local git call mj makes goes through one runner, `_run`: the reads and state checks
here, the writes (`writes.py`), the exchanges with a remote (`remote.py`).

`_run` is `git -C DIR` through `subprocess`, with `--no-optional-locks`, so a read never
takes `index.lock` or rewrites the index, and with the environment git gives a hook
(`GIT_INDEX_FILE` for `git commit -a` or `git commit PATH`) kept, so the hook judges
exactly what the commit will record.

Every remote, branch or ref value that reaches git is checked first: a value
starting with `-` would be read as an option, and the `ext::` transport runs an
arbitrary command. Git failures become `MjError` with git's own error lines, never
a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.index import gitstate

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `mj commit` stays off typing
if TYPE_CHECKING:
    import subprocess

# Files `mj commit` stages; an untracked one of these is uncommitted journal work.
_JOURNAL_FILE = re.compile(r"^(agreement\.md|goals/[^/]+\.md|sessions/[^/]+\.md)$")
_MAX_ERROR_LINES = 6
_HOOK_WARNING = re.compile(r"^\S.*:\d+:\d+: warning\[[a-z0-9-]+\] |^0 errors, \d+ warnings? in ")


@dataclass(frozen=True)
class StatusEntry:
    """One line of `git status --porcelain=v1`, with journal-relative paths."""

    # Two status letters: index then working tree ("M ", " M", "R ", "??" ...).
    code: str
    path: str
    # Where a renamed or copied file came from; None if not a rename or from outside.
    orig_path: str | None = None


@dataclass(frozen=True)
class Upstream:
    """The branch on a remote that a local branch pulls from and pushes to."""

    remote: str
    # Branch name on the remote, without `refs/heads/`.
    branch: str

    @property
    def tracking_ref(self) -> str:
        """The remote-tracking ref a fetch updates, e.g. `refs/remotes/origin/main`."""
        return f"refs/remotes/{self.remote}/{self.branch}"

    def __str__(self) -> str:
        return f"{self.remote}/{self.branch}"


# --------------------------------------------------------------------------- read path


def _git_env() -> dict[str, str]:
    """The environment for git, with hook-provided relative paths made absolute.

    A hook runs in the top-level directory with `GIT_INDEX_FILE` (and sometimes
    `GIT_DIR`) possibly relative to it; `git -C elsewhere` would misread them.
    """
    env = dict(os.environ)
    for name in gitstate.LOCATING:  # as the entry points do (gitstate.anchor_locating)
        value = env.get(name)
        if value and not Path(value).is_absolute():
            env[name] = str(Path.cwd() / value)
    # Never let a credential or host-key prompt hang a read.
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    return env


def _run(
    cwd: Path,
    args: Sequence[str],
    *,
    stdin: bytes | None = None,
    ok_codes: Iterable[int] = (0,),
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run a git command in `cwd` (``env`` added to the environment); git's failure, or
    running past ``timeout`` seconds, becomes an `MjError` with what git said."""
    import subprocess  # here: `mj commit` and the hook start git without it (~5 ms)

    argv = ["git", *gitstate.SAFE, "--no-optional-locks", "-C", str(cwd), *args]
    try:
        proc = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            env={**_git_env(), **(env or {})},
            check=False,
            timeout=timeout,
        )
    except FileNotFoundError as exc:
        raise MjError("git is not installed or not on PATH: install git and retry") from exc
    except subprocess.TimeoutExpired:
        raise MjError(f"git {args[0]} gave no answer within {timeout:.0f} s in {cwd}") from None
    if proc.returncode == 128 and b"safe.bareRepository" in proc.stderr:  # gitstate.SAFE
        refused = _summarise(proc.stderr.decode("utf-8", "replace"))
        raise MjError(
            f"git takes a folder of the journal for a repository of its own: it holds HEAD, "
            f"config, objects/ and refs/, which anyone can commit and whose config can make "
            f"git run commands, so mj runs no git there ({refused}). Remove them from the "
            f"journal, or keep the journal at the top of its repository"
        )
    if proc.returncode not in tuple(ok_codes):
        said = proc.stderr.strip() or proc.stdout.strip()  # `git commit` says why on stdout
        summary = _summarise(said.decode("utf-8", "replace"))
        if b"Please tell me who you are" in said:  # git's hint lines, which _summarise drops
            summary += (
                '. Tell git who you are, once: git config --global user.name "Your Name"'
                " and git config --global user.email you@example.com, then retry"
            )
        raise MjError(f"git {args[0]} failed in {cwd}: {summary}")
    return proc


def answer(
    started: gitstate.Git,
    cwd: Path,
    args: Sequence[str],
    stdin: bytes = b"",
    ok: tuple[int, ...] = (0,),
    env: dict[str, str] | None = None,
) -> bytes:
    """What ``started`` (git ``args`` in ``cwd``, run in the background without the
    subprocess module: ~5 ms of `mj commit`) printed; when it failed, git ``args``
    once more through ``_run``, whose MjError gives git's own words. Only for
    commands that may run twice (reads, and writes that write the same again)."""
    said = started.output(ok)
    return said if said is not None else _run(cwd, args, stdin=stdin, ok_codes=ok, env=env).stdout


def _out(cwd: Path, *args: str) -> str:
    return _run(cwd, args).stdout.decode("utf-8", "surrogateescape").rstrip("\n")


def _summarise(stderr: str) -> str:
    """git's error lines without hints, progress noise and the warnings of mj's hook
    (``FILE:LINE:COL: warning[CODE]``, "0 errors, N warnings": they did not stop it),
    short enough to read."""
    lines = [line.strip() for line in stderr.replace("\r", "\n").splitlines()]
    keep = [line for line in lines if line and not line.startswith("hint:")]
    keep = [line for line in keep if not _HOOK_WARNING.search(line)]
    important = [
        line
        for line in keep
        if line.startswith(("fatal:", "error:", "remote:", "!", "CONFLICT", "ssh:"))
    ]
    chosen = important or keep
    if not chosen:
        return "git gave no reason"
    if len(chosen) > _MAX_ERROR_LINES:
        chosen = [*chosen[:_MAX_ERROR_LINES], "..."]
    return "; ".join(chosen)


def _split_z(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", "surrogateescape")
    return [part for part in text.split("\0") if part]


def _rev_parse(path: Path, option: str) -> str | None:
    """What `git rev-parse OPTION` says in the folder ``path``; None outside a repo."""
    if not path.is_dir():
        return None
    proc = _run(path, ["rev-parse", option], ok_codes=range(256))
    text = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return text if proc.returncode == 0 and text else None


def repo_toplevel(path: Path) -> Path | None:
    """The working tree's top-level directory containing `path`, or None outside a repo."""
    text = _rev_parse(path, "--show-toplevel")
    return Path(text) if text else None


def locate(path: Path) -> tuple[Path, Path] | None:
    """(top level, this worktree's git directory) of the repository holding ``path``,
    from one git run; None outside a repository."""
    if not path.is_dir():
        return None
    proc = _run(path, ["rev-parse", "--show-toplevel", "--absolute-git-dir"], ok_codes=range(256))
    lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
    if proc.returncode != 0 or len(lines) != 3 or not lines[0] or not lines[1]:
        top, gdir = repo_toplevel(path), git_dir(path)  # a line break in a folder's name
        return None if top is None or gdir is None else (top, gdir)
    return Path(lines[0]), Path(lines[1])


def git_dir(path: Path) -> Path | None:
    """This worktree's own git directory (where MERGE_HEAD and index.lock live)."""
    text = _rev_parse(path, "--absolute-git-dir")
    return Path(text) if text else None


def common_git_dir(path: Path) -> Path | None:
    """The git directory shared by all worktrees (refs, config, default hooks)."""
    text = _rev_parse(path, "--git-common-dir")
    return (path / text).resolve() if text else None


def hooks_dir(path: Path) -> Path:
    """Where git looks for hooks: `core.hooksPath` if set, else the common `hooks/`."""
    return (path / _out(path, "rev-parse", "--git-path", "hooks")).resolve()


def _prefix(journal_root: Path) -> str:
    """The journal's path inside its repository, `""` or ending in `/`."""
    return _out(journal_root, "rev-parse", "--show-prefix")


def index_entries(journal_root: Path) -> dict[str, str]:
    """Journal-relative posix path -> blob id for every file in the index under the journal."""
    raw = _run(journal_root, ["ls-files", "-s", "-z", "--", "."]).stdout
    entries = {}
    for record in _split_z(raw):
        info, _, path = record.partition("\t")
        mode, blob, stage = info.split(" ")
        # Stages 1-3 are the sides of an unresolved conflict, and a submodule (gitlink)
        # is no file: neither is committable content.
        if stage == "0" and mode != "160000":
            entries[path] = blob
    return entries


def read_blobs(repo: Path, blob_ids: list[str]) -> dict[str, bytes]:
    """The content of each object id (or `rev:path` name: mj's own, never with a line
    break), read by one `git cat-file`."""
    if not blob_ids:
        return {}
    request = "".join(f"{name}\n" for name in blob_ids).encode("utf-8", "surrogateescape")
    raw = _run(repo, ["cat-file", "--batch"], stdin=request).stdout
    found: dict[str, bytes] = {}
    pos = 0
    for name in blob_ids:
        end = raw.index(b"\n", pos)
        header = raw[pos:end].decode("utf-8", "surrogateescape")
        pos = end + 1
        if header.endswith(" missing") or header.endswith(" ambiguous"):
            continue
        size = int(header.rsplit(" ", 1)[1])
        found[name] = raw[pos : pos + size]
        pos += size + 1  # content is followed by a newline
    return found


# What differs between HEAD and the index, as ``changed_in_index`` reads it.
DIFF_CACHED = ("diff", "--cached", "--raw", "--no-abbrev", "--no-renames", "-z", "--relative")
HEAD_COMMIT = ("rev-parse", "--verify", "--quiet", "HEAD^{commit}")


def changed_in_index(
    journal_root: Path, raw: bytes | None = None
) -> dict[str, tuple[str | None, str | None]]:
    """Journal-relative path -> (HEAD's blob, the index's blob; None where the file is
    absent) of each path whose index version differs from HEAD, sorted by path.
    ``raw``: what ``DIFF_CACHED -- .`` printed in ``journal_root``, when the caller ran it."""
    if raw is None:
        raw = _run(journal_root, [*DIFF_CACHED, "--", "."]).stdout
    fields = _split_z(raw)  # ":old-mode new-mode old-blob new-blob status", then the path
    found = {}
    for meta, path in zip(fields[::2], fields[1::2], strict=True):
        blobs = [None if set(blob) == {"0"} else blob for blob in meta.split(" ")[2:4]]
        found[path] = (blobs[0], blobs[1])
    return dict(sorted(found.items()))


def status_entries(
    journal_root: Path, prefix: str | None = None, raw: bytes | None = None, ignored: bool = False
) -> list[StatusEntry]:
    """`git status` for the journal: staged, unstaged and untracked files, renames kept;
    with ``ignored``, only the files and folders an ignore rule names instead.
    ``prefix``: the journal's path in the repository, when the caller knows it; ``raw``:
    what ``gitstate.STATUS`` printed, when the caller ran it (None: run it now)."""
    prefix = _prefix(journal_root) if prefix is None else prefix
    if raw is None:
        raw = _run(journal_root, gitstate.STATUS).stdout
    entries: list[StatusEntry] = []
    for code, path, orig in gitstate.status_records(raw):
        if not path.startswith(prefix) or (code == "!!") != ignored:
            continue
        rel_orig = orig[len(prefix) :] if orig and orig.startswith(prefix) else None
        entries.append(StatusEntry(code, path[len(prefix) :], rel_orig))
    return entries


def other_journals(top: Path) -> bool:
    """Whether the index holds a journal below the repository's top (an agreement.md
    in a folder): a check of the top's journal does not cover its files."""
    pattern = ":(glob)*/**/agreement.md"
    listed = _run(top, ["ls-files", "-z", "--", pattern], env={"GIT_LITERAL_PATHSPECS": "0"}).stdout
    return bool(listed)


def current_branch(repo: Path) -> str | None:
    """The checked-out branch name, or None on a detached HEAD."""
    proc = _run(repo, ["symbolic-ref", "--quiet", "--short", "HEAD"], ok_codes=(0, 1))
    name = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return name or None


def _config(repo: Path, key: str) -> str | None:
    proc = _run(repo, ["config", "--get", key], ok_codes=(0, 1))
    value = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return value if proc.returncode == 0 else None


def upstream_of(repo: Path, branch: str) -> Upstream | None:
    """The remote branch `branch` tracks, from `branch.<name>.remote/merge`, or None."""
    check_ref_value(branch, "branch")
    remote = _config(repo, f"branch.{branch}.remote")
    merge = _config(repo, f"branch.{branch}.merge")
    if not remote or not merge or remote == ".":
        return None
    check_ref_value(remote, "remote")
    return Upstream(remote, merge.removeprefix("refs/heads/"))


def head_commit(repo: Path) -> str | None:
    """The commit HEAD names; None on an unborn branch or outside a repository."""
    return _commit_of(repo, "HEAD", (0, 1, 128))


def _commit_of(repo: Path, ref: str, ok_codes: tuple[int, ...] = (0, 1)) -> str | None:
    proc = _run(repo, [*HEAD_COMMIT[:3], f"{ref}^{{commit}}"], ok_codes=ok_codes)
    return proc.stdout.decode("ascii", "replace").strip() if proc.returncode == 0 else None


def _count(repo: Path, revisions: str) -> int:
    return int(_out(repo, "rev-list", "--count", revisions, "--"))


def check_ref_value(value: str, what: str) -> str:
    """Refuse a remote, branch or ref value git could misread as an option or command."""
    if not value or not value.strip():
        raise MjError(f"the {what} is empty: give one")
    if value.startswith("-"):
        raise MjError(
            f"refusing {what} {value!r}: it starts with '-', which git would read as an "
            f"option; rename the {what} or use another one"
        )
    if "ext::" in value.lower():
        raise MjError(
            f"refusing {what} {value!r}: the ext:: transport runs arbitrary commands; "
            "use an https:// or ssh remote instead"
        )
    if any(ch in value for ch in "\0\n\r"):
        raise MjError(f"refusing {what} {value!r}: it contains control characters")
    return value
