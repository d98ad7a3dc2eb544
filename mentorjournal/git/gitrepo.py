"""Every local git operation mj performs: reads, the state checks, staging, committing.

Every local git call (reads, the state checks, `init_repo`, `stage`, `commit`)
goes through one runner, `_run`: `git -C DIR` through `subprocess`, with
`--no-optional-locks`, so a read never takes `index.lock` or rewrites the index,
and with the environment git gives a hook (`GIT_INDEX_FILE` for `git commit -a`
or `git commit PATH`) kept, so the hook judges exactly what the commit will
record. Importing GitPython costs ~45-70 ms, which `mj status`, `mj commit` and the
pre-commit hook cannot afford; the exchanges with a remote (`exchange.py`) use it.

Every remote, branch or ref value that reaches git is checked first: a value
starting with `-` would be read as an option, and the `ext::` transport runs an
arbitrary command. Git failures become `MjError` with git's own error lines, never
a traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.index import gitstate

__all__ = [
    "CommitInfo",
    "FileChange",
    "StatusEntry",
    "Upstream",
    "changed_in_index",
    "check_ref_value",
    "commit",
    "common_git_dir",
    "core_hooks_path",
    "current_branch",
    "ensure_can_commit",
    "ensure_can_sync",
    "file_at_revision",
    "git_dir",
    "hooks_dir",
    "index_entries",
    "init_repo",
    "log_file_changes",
    "log_for_path",
    "read_blobs",
    "repo_toplevel",
    "stage",
    "staged_files",
    "status_entries",
    "upstream_of",
    "worktree_status",
]

# Index entries that are not file contents: submodules (gitlinks).
_GITLINK_MODE = "160000"
# Files `mj commit` stages; an untracked one of these is uncommitted journal work.
_JOURNAL_FILE = re.compile(r"^(agreement\.md|goals/[^/]+\.md|sessions/[^/]+\.md)$")
_MAX_ERROR_LINES = 6
# Whatever the user's config says (log.follow, log.showSignature), print only the format.
_PLAIN_LOG = ("--no-color", "--no-follow", "--no-show-signature")
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


@dataclass(frozen=True)
class CommitInfo:
    """One commit touching a path, as `mj history` lists it."""

    sha: str
    author_name: str
    author_email: str
    # Author date, strict ISO 8601 with offset (`git log %aI`).
    date: str
    subject: str


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed: its blob before and after (None: added or deleted)."""

    path: str
    before: str | None
    after: str | None


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
    for name in ("GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"):
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
    argv = ["git", "--no-optional-locks", "-C", str(cwd), *args]
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
    if proc.returncode not in tuple(ok_codes):
        said = proc.stderr.strip() or proc.stdout.strip()  # `git commit` says why on stdout
        summary = _summarise(said.decode("utf-8", "replace"))
        raise MjError(f"git {args[0]} failed in {cwd}: {summary}")
    return proc


def _out(cwd: Path, *args: str) -> str:
    return _run(cwd, args).stdout.decode("utf-8", "surrogateescape").rstrip("\n")


def _summarise(stderr: str) -> str:
    """git's error lines without hints and progress noise, short enough to read."""
    lines = [line.strip() for line in stderr.replace("\r", "\n").splitlines()]
    keep = [line for line in lines if line and not line.startswith("hint:")]
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


def repo_toplevel(path: Path) -> Path | None:
    """The working tree's top-level directory containing `path`, or None outside a repo."""
    if not path.is_dir():
        return None
    proc = _run(path, ["rev-parse", "--show-toplevel"], ok_codes=range(256))
    text = proc.stdout.decode("utf-8", "surrogateescape").strip()
    if proc.returncode != 0 or not text:
        return None
    return Path(text)


def git_dir(path: Path) -> Path | None:
    """This worktree's own git directory (where MERGE_HEAD and index.lock live)."""
    if not path.is_dir():
        return None
    proc = _run(path, ["rev-parse", "--absolute-git-dir"], ok_codes=range(256))
    text = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(text) if proc.returncode == 0 and text else None


def common_git_dir(path: Path) -> Path | None:
    """The git directory shared by all worktrees (refs, config, default hooks)."""
    if not path.is_dir():
        return None
    proc = _run(path, ["rev-parse", "--git-common-dir"], ok_codes=range(256))
    text = proc.stdout.decode("utf-8", "surrogateescape").strip()
    if proc.returncode != 0 or not text:
        return None
    return (path / text).resolve()


def core_hooks_path(path: Path) -> str | None:
    """The `core.hooksPath` setting in effect for this repository, or None if unset."""
    return _config(path, "core.hooksPath")


def hooks_dir(path: Path) -> Path:
    """Where git looks for hooks: `core.hooksPath` if set, else the common `hooks/`."""
    return (path / _out(path, "rev-parse", "--git-path", "hooks")).resolve()


def _prefix(journal_root: Path) -> str:
    """The journal's path inside its repository, `""` or ending in `/`."""
    return _out(journal_root, "rev-parse", "--show-prefix")


def _ls_files(cwd: Path) -> list[tuple[str, str, str]]:
    """(mode, blob id, path relative to cwd) of stage-0 index entries under cwd."""
    raw = _run(cwd, ["ls-files", "-s", "-z", "--", "."]).stdout
    entries = []
    for record in _split_z(raw):
        info, _, path = record.partition("\t")
        mode, blob, stage = info.split(" ")
        # Stages 1-3 are the sides of an unresolved conflict, not committable content.
        if stage == "0" and mode != _GITLINK_MODE:
            entries.append((mode, blob, path))
    return entries


def index_entries(journal_root: Path) -> dict[str, str]:
    """Journal-relative posix path -> blob id for every file in the index under the journal."""
    return {path: blob for _, blob, path in _ls_files(journal_root)}


def read_blobs(repo: Path, blob_ids: list[str]) -> dict[str, bytes]:
    """The content of each object id (or `rev:path` name), read by one `git cat-file`."""
    if not blob_ids:
        return {}
    for name in blob_ids:
        if "\n" in name or "\r" in name:
            raise MjError(f"object name {name!r} contains a line break: mj cannot read it")
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


def staged_files(journal_root: Path) -> dict[str, bytes]:
    """Journal-relative path -> the bytes `git commit` would record (index content)."""
    entries = index_entries(journal_root)
    blobs = read_blobs(journal_root, sorted(set(entries.values())))
    return {path: blobs[blob] for path, blob in entries.items() if blob in blobs}


def changed_in_index(journal_root: Path) -> list[str]:
    """Journal-relative paths whose index version differs from HEAD (added, changed, deleted)."""
    raw = _run(
        journal_root,
        ["diff", "--cached", "--name-only", "--no-renames", "-z", "--relative", "--", "."],
    ).stdout
    return sorted(_split_z(raw))


def status_entries(journal_root: Path) -> list[StatusEntry]:
    """`git status` for the journal: staged, unstaged and untracked files, renames kept."""
    prefix = _prefix(journal_root)
    raw = _run(
        journal_root,
        ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."],
    ).stdout
    entries: list[StatusEntry] = []
    for code, path, orig in gitstate.status_records(raw):
        if not path.startswith(prefix):
            continue
        rel_orig = orig[len(prefix) :] if orig and orig.startswith(prefix) else None
        entries.append(StatusEntry(code, path[len(prefix) :], rel_orig))
    return entries


def worktree_status(journal_root: Path) -> list[tuple[str, str]]:
    """(status code, journal-relative path) for every changed or untracked journal file."""
    return [(entry.code, entry.path) for entry in status_entries(journal_root)]


def file_at_revision(repo: Path, rev: str, path: str) -> bytes | None:
    """A file's bytes at a revision (path relative to `repo`), or None if it did not exist."""
    check_ref_value(rev, "revision")
    name = f"{rev}:./{path}"
    return read_blobs(repo, [name]).get(name)


def log_for_path(repo: Path, path: str, *, limit: int | None = None) -> list[CommitInfo]:
    """Commits that changed `path` (relative to `repo`), newest first.

    Fields and commits are NUL-separated: git never prints a NUL in a name or a
    subject, while any other byte (a newline, \\x1e, \\x1f) can be in both.
    """
    # %ad with --date=raw ("seconds +hhmm"): %aI fails on a date before 1970 in its zone.
    args = ["log", "-z", "--date=raw", "--format=%H%x00%an%x00%ae%x00%ad%x00%s", *_PLAIN_LOG]
    if limit is not None:
        args.append(f"--max-count={limit}")
    if not _has_commits(repo):
        return []  # an unborn branch has no history yet
    raw = _run(repo, [*args, "--", path]).stdout.removesuffix(b"\0")
    fields = raw.decode("utf-8", "replace").split("\0") if raw else []
    records = [fields[start : start + 5] for start in range(0, len(fields), 5)]
    if any(len(record) != 5 or not _SHA.fullmatch(record[0]) for record in records):
        raise MjError(f"git log printed what mj cannot read in {repo}; run `git fsck`")
    return [
        CommitInfo(sha, name, email, _iso(date), subject)
        for sha, name, email, date, subject in records
    ]


def _iso(raw: str) -> str:
    """git's raw date ("1700000000 +0100") as strict ISO 8601 with its offset."""
    import datetime as dt

    seconds, _, zone = raw.partition(" ")
    try:
        sign = -1 if zone.startswith("-") else 1
        offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * sign
        when = dt.datetime.fromtimestamp(int(seconds), dt.timezone(offset))
    except (ValueError, OverflowError, OSError):
        return "1970-01-01T00:00:00+00:00"  # a date git itself cannot show
    return when.isoformat()


def log_file_changes(repo: Path, path: str) -> list[tuple[str, tuple[FileChange, ...]]]:
    """(commit sha, the files it changed under `path`) newest first; paths relative to
    `repo`, with the blob ids before and after, so no file name is ever sent back to git.

    Merge commits list no files (their changes are told by the commits merged).
    """
    if not _has_commits(repo):
        return []
    fields = ["-z", "--format=%x00%H", "--raw", "--no-abbrev", "--no-renames", "--relative"]
    raw = _run(repo, ["log", *fields, *_PLAIN_LOG, "--", path]).stdout
    found: list[tuple[str, list[FileChange]]] = []
    tokens = iter(raw.split(b"\0"))
    for token in tokens:
        if token.startswith((b":", b"\n:")):
            # ":old-mode new-mode old-blob new-blob status", then the path as its own token
            name = next(tokens, b"").decode("utf-8", "replace")
            fields = token.decode("ascii").split(" ")
            if len(fields) == 5 and found:  # not a merge's combined "::" line
                old, new = _blob_or_none(fields[2]), _blob_or_none(fields[3])
                found[-1][1].append(FileChange(name, old, new))
        elif token:
            found.append((token.decode("ascii"), []))
    return [(sha, tuple(changes)) for sha, changes in found]


def _blob_or_none(blob: str) -> str | None:
    return None if blob.strip("0") == "" else blob


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
    proc = _run(repo, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], ok_codes=(0, 1, 128))
    return proc.stdout.decode("ascii", "replace").strip() if proc.returncode == 0 else None


def _has_commits(repo: Path) -> bool:
    return head_commit(repo) is not None


def _ref_exists(repo: Path, ref: str) -> bool:
    proc = _run(repo, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], ok_codes=(0, 1))
    return proc.returncode == 0


def _count(repo: Path, revisions: str) -> int:
    return int(_out(repo, "rev-list", "--count", revisions, "--"))


# --------------------------------------------------------------------------- checks


def check_ref_value(value: str, what: str) -> str:
    """Refuse a remote, branch or ref value git could misread as an option or command."""
    if not value or not value.strip():
        raise MjError(f"the {what} name is empty: give a {what} name")
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


def _operation_in_progress(gdir: Path) -> tuple[str, str] | None:
    """(what, how to finish or abandon it) for an unfinished git operation, or None."""
    if (gdir / "rebase-merge").is_dir():
        return ("a rebase", "`git rebase --continue` or `git rebase --abort`")
    if (gdir / "rebase-apply").is_dir():
        if (gdir / "rebase-apply" / "applying").exists():
            return ("a `git am`", "`git am --continue` or `git am --abort`")
        return ("a rebase", "`git rebase --continue` or `git rebase --abort`")
    if (gdir / "MERGE_HEAD").exists():
        return (
            "a merge",
            "resolve the conflicts, `git add` the files and `git commit`, or `git merge --abort`",
        )
    if (gdir / "CHERRY_PICK_HEAD").exists():
        return ("a cherry-pick", "`git cherry-pick --continue` or `git cherry-pick --abort`")
    if (gdir / "REVERT_HEAD").exists():
        return ("a revert", "`git revert --continue` or `git revert --abort`")
    if (gdir / "sequencer").is_dir():
        return ("a cherry-pick or revert sequence", "`git cherry-pick --abort` or `--continue`")
    return None


def _repo_dirs(path: Path) -> tuple[Path, Path]:
    top = repo_toplevel(path)
    gdir = git_dir(path)
    if top is None or gdir is None:
        raise MjError(f"{path} is not inside a git repository: run `git init` (or `mj init`)")
    return top, gdir


def _ensure_no_lock_or_operation(path: Path, doing: str) -> tuple[Path, Path]:
    top, gdir = _repo_dirs(path)
    lock = gdir / "index.lock"
    if lock.exists():
        # Never delete it: another git process (an editor, a GUI) may be running.
        raise MjError(
            f"cannot {doing}: {lock} exists, so another git process is using the repository "
            f"or one crashed. Wait for it to finish; if no git program is running, delete "
            f"{lock} yourself and retry."
        )
    operation = _operation_in_progress(gdir)
    if operation is not None:
        what, finish = operation
        raise MjError(
            f"cannot {doing}: {what} is in progress in {top}. Finish it with {finish}, then retry."
        )
    return top, gdir


def ensure_can_commit(repo: Path) -> None:
    """Refuse to commit mid-merge/rebase/cherry-pick/revert, on a detached HEAD or locked index."""
    top, _ = _ensure_no_lock_or_operation(repo, "commit")
    if current_branch(top) is None:
        raise MjError(
            f"cannot commit: HEAD is detached in {top} (no branch is checked out), so the "
            "commit would be easy to lose. Switch to a branch with `git switch <branch>` "
            "(or create one with `git switch -c <name>`), then retry."
        )


def ensure_can_sync(journal_root: Path) -> None:
    """Refuse to sync with uncommitted journal changes or an unfinished git operation."""
    top, _ = _ensure_no_lock_or_operation(journal_root, "sync")
    if current_branch(top) is None:
        raise MjError(
            f"cannot sync: HEAD is detached in {top}. Switch to your branch with "
            "`git switch <branch>`, then run `mj sync` again."
        )
    from mentorjournal.format.layout import is_editor_temp

    # What `mj commit` would record; other files are git's to carry over (read-tree
    # refuses to overwrite a changed one), editor files and symlinks mj never stages.
    pending = [
        entry.path
        for entry in status_entries(journal_root)
        if _JOURNAL_FILE.match(entry.path)
        and not is_editor_temp(entry.path.rsplit("/", 1)[-1])
        and not (entry.code == "??" and (journal_root / entry.path).is_symlink())
    ]
    if pending:
        shown = ", ".join(pending[:5]) + (" ..." if len(pending) > 5 else "")
        raise MjError(
            f"cannot sync: uncommitted journal changes ({shown}). Run `mj commit` first, "
            "then `mj sync`."
        )


# --------------------------------------------------------------------------- write path


def init_repo(path: Path) -> Path:
    """Create a git repository at `path` unless it is already inside one; return its top level."""
    existing = repo_toplevel(path) if path.exists() else None
    if existing is not None:
        return existing
    path.mkdir(parents=True, exist_ok=True)
    _run(path, ["init", "--quiet"])
    top = repo_toplevel(path)
    if top is None:
        raise MjError(f"git init did not create a repository in {path}")
    return top


def stage(repo: Path, paths: Sequence[str | Path]) -> None:
    """`git add` exactly these paths (relative to `repo` or absolute), deletions included."""
    if not paths:
        return
    # Only the directory is resolved, so a tracked symlink is staged as itself.
    base = repo.resolve()
    absolute = [str(base / path) for path in paths]
    # A file named `*.md` or `:(glob)x` is a file, not a pattern.
    _run(repo, ["add", "--", *absolute], env={"GIT_LITERAL_PATHSPECS": "1"})


def commit(repo: Path, message: str) -> str:
    """Commit the index with `message` (hooks run); return the new commit's sha."""
    ensure_can_commit(repo)
    staged = _run(repo, ["diff", "--cached", "--quiet", "--no-ext-diff"], ok_codes=(0, 1))
    if staged.returncode == 0:
        raise MjError("nothing to commit: no change is staged. Edit a journal file first.")
    _run(repo, ["commit", "--quiet", "-m", message])
    sha = head_commit(repo)
    if sha is None:
        raise MjError(f"git commit left no commit in {repo}")
    return sha
