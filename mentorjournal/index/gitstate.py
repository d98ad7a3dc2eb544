"""What changed since last time, asked of git: blob ids, modified files, the index.

The caches (``store.py``, ``snapshot.py``) key what they store by git blob id, so
git itself says what is fresh: ``git ls-files -s`` gives the blob id of every
tracked file, ``git status`` names the few that differ from the index. Both run as
child processes started with ``posix_spawn`` (importing ``subprocess`` costs more
than running them), side by side with the caller's own work.

Only ``os`` is imported at module level: this is on the fast paths.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Sequence


def git_location(root: str) -> tuple[str, str, str] | None:
    """(common git directory, this work tree's git directory, top of the work tree),
    found without starting git; None outside a repository. The two directories
    differ in a linked worktree, whose index lives in its own git directory."""
    directory = root
    while True:
        dot_git = os.path.join(directory, ".git")
        if os.path.isdir(dot_git):
            return dot_git, dot_git, directory
        if os.path.isfile(dot_git):
            text = _read_text(dot_git) or ""
            if not text.startswith("gitdir:"):
                return None
            gitdir = os.path.join(directory, text.removeprefix("gitdir:").strip())
            common = _read_text(os.path.join(gitdir, "commondir"))
            shared = gitdir if common is None else os.path.realpath(os.path.join(gitdir, common))
            # Git says "not a git repository" here: so do we, and no cache is made at a
            # path that a file names.
            return (shared, gitdir, directory) if os.path.isdir(shared) else None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


# Git's variables that say where the repository, its work tree or its index is.
LOCATING = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE")
# Given to every git mj starts. Looking for the repository from a journal in a folder,
# git would take that folder for a bare repository of its own if it held HEAD,
# objects/, refs/ and config: files the other person can push, whose config can run
# any command (core.fsmonitor). Git then stops instead, saying why (git 2.38; older
# gits ignore the setting).
SAFE = ("-c", "safe.bareRepository=explicit")


def located_elsewhere() -> bool:
    """Whether git's own variables say where the repository, its work tree or its index
    is, or how far up to look: then only git itself finds them (``git_location`` does
    not read them)."""
    return any(map(os.environ.get, (*LOCATING, "GIT_CEILING_DIRECTORIES")))


def anchor_locating() -> None:
    """Make git's locating variables absolute, from the folder mj was started in: git
    reads a relative one from its own working folder, and mj runs git from the
    journal's root (`cd sessions && GIT_DIR=../.git mj commit`)."""
    for name in LOCATING:
        value = os.environ.get(name)
        if value and not os.path.isabs(value):
            os.environ[name] = os.path.abspath(value)


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return None


def history_mark(root: str) -> str:
    """What a result read from git history is fresh under: HEAD's commit, and how much
    history is here (`git fetch --unshallow` adds some under the same HEAD)."""
    location = git_location(root)
    if location is None:
        return "no repository"
    head = (Git(root, ["rev-parse", "-q", "--verify", "HEAD"]).output() or b"").decode()
    try:
        shallow = os.stat(os.path.join(location[0], "shallow"))
    except OSError:
        return head.strip()
    return f"{head.strip()} {shallow.st_size}:{shallow.st_mtime_ns}"


def index_checksum(worktree_git_dir: str) -> bytes | None:
    """The trailing checksum of the index: equal checksums, equal index content.

    With ``index.skipHash`` git writes twenty zero bytes there instead, which would
    say "unchanged" forever: then the index itself is hashed (~2 ms at 10,000 files).
    """
    index = os.environ.get("GIT_INDEX_FILE") or os.path.join(worktree_git_dir, "index")
    try:
        with open(index, "rb") as handle:
            handle.seek(-20, os.SEEK_END)
            trailer = handle.read(20)
            if trailer != bytes(20):
                return trailer
            import hashlib

            handle.seek(0)
            return hashlib.sha1(handle.read()).digest()
    except OSError:
        return None


# ---------------------------------------------------------------- running git


class Git:
    """One git command running in the background; ``output()`` waits for its stdout
    (and sets ``code``, git's exit code)."""

    __slots__ = ("_fd", "_pid", "code")

    def __init__(
        self,
        root: str,
        arguments: Sequence[str],
        given: bytes = b"",
        env: dict[str, str] | None = None,
        said: bool = False,
    ) -> None:
        """Start git; ``given`` is written to its stdin (keep it under a pipe's 64 KiB);
        ``env``: variables to set for it; ``said``: its stderr joins its stdout (for a
        command that prints little)."""
        self.code: int | None = None
        command = ["git", *SAFE, "-c", "core.quotepath=off", "--no-optional-locks", "-C", root]
        command += arguments
        read, write = os.pipe()
        _widen(read)
        stdin_read, stdin_write = os.pipe()
        null = os.open(os.devnull, os.O_RDWR)
        self._pid: int | None = None
        try:
            self._pid = os.posix_spawnp(
                "git",
                command,
                {**os.environ, **env} if env else os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_DUP2, stdin_read, 0),
                    (os.POSIX_SPAWN_DUP2, write, 1),
                    (os.POSIX_SPAWN_DUP2, write if said else null, 2),
                ],
            )
        except OSError:
            os.close(read)
            self._fd: int | None = None
        else:
            self._fd = read
            # Not contextlib.suppress: importing contextlib costs the fast path ~4 ms.
            try:  # noqa: SIM105
                os.write(stdin_write, given)
            except OSError:
                pass  # git exited early; output() reports its failure
        finally:
            for fd in (write, stdin_read, stdin_write, null):
                os.close(fd)

    def output(self, ok: tuple[int, ...] = (0,)) -> bytes | None:
        """Everything git wrote; None when it could not run or exited with a code not
        in ``ok``."""
        if self._fd is None or self._pid is None:
            return None
        chunks = []
        try:
            while chunk := os.read(self._fd, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(self._fd)
            self._fd = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        self.code = os.waitstatus_to_exitcode(status)
        return b"".join(chunks) if self.code in ok else None


def _widen(pipe: int) -> None:
    """Let git write 1 MiB before anyone reads (Linux; elsewhere a no-op): with 64 KiB,
    a 10,000-note listing waits for the caller, and no longer overlaps its work."""
    try:
        import fcntl

        fcntl.fcntl(pipe, 1031, 1 << 20)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass


def operation_in_progress(git_dir: str) -> tuple[str, str] | None:
    """(what, how to finish or abandon it) for an unfinished git operation in the work
    tree whose git directory is ``git_dir``, or None."""

    def there(name: str) -> bool:
        return os.path.exists(os.path.join(git_dir, name))

    if there(os.path.join("rebase-apply", "applying")):
        return ("a `git am`", "`git am --continue` or `git am --abort`")
    if there("rebase-merge") or there("rebase-apply"):
        return ("a rebase", "`git rebase --continue` or `git rebase --abort`")
    if there("MERGE_HEAD"):
        return (
            "a merge",
            "resolve the conflicts, `git add` the files and `git commit`, or `git merge --abort`",
        )
    if there("CHERRY_PICK_HEAD"):
        return ("a cherry-pick", "`git cherry-pick --continue` or `git cherry-pick --abort`")
    if there("REVERT_HEAD"):
        return ("a revert", "`git revert --continue` or `git revert --abort`")
    if there("sequencer"):
        return ("a cherry-pick or revert sequence", "`git cherry-pick --abort` or `--continue`")
    return None


# An unfinished operation owns the index: refreshing it then is not mj's to do.
_OPERATIONS = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply")


def refresh_if_stale(root: str, worktree_git_dir: str, agreement_clean: bool) -> None:
    """Refresh the index's stat data once when it is stale: after ``cp -a`` or a touch
    of every file, every ``git status`` hashes every file again (~36 ms at 10,000) and,
    with ``--no-optional-locks``, never writes down what it learnt. The sign: agreement.md,
    tracked and unchanged (``agreement_clean``), changed status after the index was
    written. ``git update-index --refresh`` records only new stat data. Not in a hook or
    with another index, not while git holds index.lock, not during a merge, rebase,
    cherry-pick or revert, not in a repository mj cannot write."""
    if not agreement_clean or os.environ.get("GIT_INDEX_FILE"):
        return
    if os.environ.get("GIT_OPTIONAL_LOCKS") == "0":  # the caller asked git to take none
        return
    try:
        written = os.stat(os.path.join(worktree_git_dir, "index")).st_mtime_ns
        if os.lstat(os.path.join(root, "agreement.md")).st_ctime_ns <= written:
            return
    except OSError:
        return
    busy = [os.path.join(worktree_git_dir, name) for name in ("index.lock", *_OPERATIONS)]
    if any(map(os.path.lexists, busy)) or not os.access(worktree_git_dir, os.W_OK):
        return
    # Fails harmlessly when another git takes index.lock first; -q: a modified file
    # is left as it is.
    Git(root, ["update-index", "-q", "--refresh"]).output()


def ls_files(root: str) -> Git:
    return Git(root, ["ls-files", "-s", "-z", "--", "."])


# `git status` of a journal (run in its root) as `mj commit` reads it: every change,
# untracked files one by one, and the files an ignore rule names ("!!"; an ignored
# folder's files are not walked), which `gitrepo.status_entries` keeps apart.
STATUS = (
    "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching", "--", "."
)  # fmt: skip
# The settings that make `git commit` do more than commit-tree (``git/commitwriter``).
COMMIT_SETTINGS = (
    *("config", "-z", "--get-regexp"),
    r"^(core\.hookspath|commit\.gpgsign|commit\.cleanup|i18n\.commitencoding)$",
)


def changed_files(root: str) -> Git:
    """Tracked files whose working copy differs from the index (untracked ones are listed
    by the caller's own walk, so git need not look for them)."""
    return Git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=no", "--", "."])


def read_blobs(root: str, blob_ids: Sequence[str]) -> dict[str, bytes]:
    """The contents of the given blobs as a journal file is read: at most MAX_BYTES + 1
    bytes. git is asked for the sizes first and a larger blob is never read (a 300 MB
    staged note would be held whole, twice): MAX_BYTES + 1 zero bytes stand for it,
    which is all the parser looks at to call a file too large."""
    from mentorjournal.format.layout import MAX_BYTES

    sizes: dict[str, int] = {}
    for request in _requests(blob_ids):
        listed = Git(root, ["cat-file", "--batch-check"], request).output() or b""
        for line in listed.decode("ascii", "replace").splitlines():
            parts = line.split(" ")  # "<id> <type> <size>", or "<id> missing"
            if len(parts) == 3 and parts[2].isdigit():
                sizes[parts[0]] = int(parts[2])
    small = [blob for blob in blob_ids if sizes.get(blob, MAX_BYTES + 1) <= MAX_BYTES]
    found: dict[str, bytes] = {}
    for request in _requests(small):
        found.update(_parse_batch(Git(root, ["cat-file", "--batch"], request).output() or b""))
    found.update({blob: bytes(MAX_BYTES + 1) for blob, size in sizes.items() if size > MAX_BYTES})
    return found


def _requests(blob_ids: Sequence[str]) -> list[bytes]:
    # Requests of 1,000 ids (41 KB) fit a pipe's buffer, so writing one cannot block.
    return [
        "".join(f"{blob}\n" for blob in blob_ids[start : start + 1000]).encode()
        for start in range(0, len(blob_ids), 1000)
    ]


def _parse_batch(output: bytes) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    position = 0
    while position < len(output):
        end = output.index(b"\n", position)
        header = output[position:end].split(b" ")
        position = end + 1
        if len(header) != 3:
            continue  # "<id> missing"
        size = int(header[2])
        found[header[0].decode()] = output[position : position + size]
        position += size + 1
    return found


def parse_ls_files(listed: bytes, links: bool = False) -> dict[str, str]:
    """Journal-relative path -> blob id of every regular tracked file (stage 0); conflicts,
    symlinks and submodules are read from disk. ``links``: of every tracked symlink
    instead (its blob holds the target's path)."""
    blobs: dict[str, str] = {}
    for record in listed.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, blob, stage = meta.split(b" ")
        if stage == b"0" and (mode == b"120000") == links and mode != b"160000":
            blobs[name.decode("utf-8", "surrogateescape")] = blob.decode()
    return blobs


def unmerged(listed: bytes) -> set[str]:
    """Paths of an unresolved merge (conflict stages 1-3) in ``git ls-files -s -z`` output."""
    if b" 1\t" not in listed and b" 2\t" not in listed and b" 3\t" not in listed:
        return set()  # the common case, without splitting every record
    found = set()
    for record in listed.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        if meta[-2:] in (b" 1", b" 2", b" 3"):
            found.add(name.decode("utf-8", "surrogateescape"))
    return found


def has_links(listed: bytes) -> bool:
    """Whether ``git ls-files -s -z`` output names a symlink."""
    return listed.startswith(b"120000 ") or b"\x00120000 " in listed


def parse_status(output: bytes, root: str, top: str) -> set[str]:
    """Journal-relative paths named by ``git status --porcelain -z``."""
    # ls-files names paths from the journal; status from the top of the work tree.
    prefix = relative_prefix(root, top)
    return {path.removeprefix(prefix) for _, path, _ in status_records(output)}


def relative_prefix(root: str, top: str) -> str:
    """``root`` relative to the top of its work tree ``top``, "" or ending in "/"."""
    prefix = os.path.relpath(os.path.realpath(root), os.path.realpath(top)).replace(os.sep, "/")
    return "" if prefix == "." else prefix + "/"


def status_records(output: bytes) -> list[tuple[str, str, str | None]]:
    """(code, path, original path of a rename or copy) per ``status --porcelain -z`` record."""
    parts = iter(output.decode("utf-8", "surrogateescape").split("\0"))
    records: list[tuple[str, str, str | None]] = []
    for record in parts:
        if len(record) >= 4:
            code, path = record[:2], record[3:]
            # With -z a rename or copy is "XY new\0old\0".
            original = next(parts, None) if "R" in code or "C" in code else None
            records.append((code, path, original))
    return records
