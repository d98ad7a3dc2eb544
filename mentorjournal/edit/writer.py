"""Writing the user's files: atomically, inside the journal, changing only the intended bytes.

Every write of a journal file goes through here: ``rewrite`` (change a file),
``create_new`` (a file that must not exist yet), or ``add_line`` (one or the other).
``atomic_write`` is their last step, and the whole of ``mj summary -o``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mentorjournal.errors import ChangedMeanwhileError, MjError
from mentorjournal.format import layout

if TYPE_CHECKING:
    from mentorjournal.model import Document

T = TypeVar("T")


def rewrite(root: Path, path: Path, change: Callable[[bytes], tuple[bytes, T]]) -> T:
    """Compare-and-swap ``path`` (in the journal at ``root``) to the bytes ``change``
    makes of its current bytes; return the result ``change`` gives beside them.

    ``change`` raises MjError when its edit does not apply. When the file changed
    between the read and the rename (another mj, an editor's save), nothing is written
    and ``change`` runs again on the fresh bytes. Each retry means another write
    landed, so 20 writers at once all get through.

    Refused while a rebase, merge, cherry-pick or revert is unfinished there: abandoning
    it (`git rebase --abort`, which `mj commit` names as a way out) resets the files, and
    the change would go with them.
    """
    from mentorjournal.index.gitstate import git_location, operation_in_progress

    location = git_location(str(root))
    operation = operation_in_progress(location[1]) if location else None
    if operation is not None:
        what, how = operation
        raise MjError(
            f"cannot change {path.name}: {what} is unfinished in this repository, and "
            f"ending it may reset the files and this change with them. Finish it first "
            f"({how}), then run the command again"
        )
    for _ in range(20):
        data = _read_whole(path)
        new, result = change(data)
        if new == data:
            return result
        try:
            atomic_write(path, new, expected=data, root=root)
        except ChangedMeanwhileError:
            continue
        return result
    raise ChangedMeanwhileError(
        f"{path} kept changing while mj tried to write it; nothing was written, "
        "run the command again"
    )


def refuse_conflicts(doc: Document, command: str) -> None:
    """No mj edit goes into a file a merge left half done."""
    conflict = next((f for f in doc.findings if f.code == "conflict-marker"), None)
    if conflict is not None:
        raise MjError(
            f"{doc.path}:{conflict.line}: the file holds merge conflict markers "
            "(<<<<<<<, =======, >>>>>>>); mj writes nothing into it. Finish the merge "
            "first: keep the lines you want, delete the marker lines, save, then "
            f"`git add` the file and run `{command}` again."
        )


def _read_whole(path: Path) -> bytes:
    """All of a regular file of at most 1 MiB, or MjError saying why not."""
    data = layout.read_head(str(path))
    if data is None:
        raise MjError(f"{path} cannot be read: {layout.why_unreadable(str(path))}")
    if len(data) > layout.MAX_BYTES:
        raise MjError(f"{path} is larger than 1 MiB; mj does not edit it")
    return data


def atomic_write(
    path: Path, data: bytes, expected: bytes | None = None, *, root: Path | None = None
) -> None:
    """Replace ``path`` with ``data`` via a temp file and ``os.replace``.

    With ``expected`` this is a compare-and-swap, under a lock on the file's folder that
    every mj write takes: when the file no longer holds those bytes, nothing is written
    and ChangedMeanwhileError says so. An editor takes no lock, so on Linux the temp
    file and the note are swapped in one step and what came out is compared: a save
    made meanwhile goes back in (``_swap_in``). Elsewhere the file is read again right
    before the rename. The slow part (writing and syncing the temp file) happens before
    the lock. With ``root`` the path must lie in that journal.
    """
    _confined(root, path)
    with _os_errors(path):
        # A new file gets the user's umask (0644 typically), never mkstemp's 0600.
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        temp = _write_temp(path, data, mode)
        try:
            import fcntl

            lock = os.open(path.parent, os.O_RDONLY)  # the folder's own: no lock file left
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if expected is None:
                    os.replace(temp, path)
                elif not _swap_in(temp, path, expected, data):  # no swap: check, rename
                    if _read_whole(path) != expected:
                        raise _changed(path)
                    os.replace(temp, path)
            finally:
                os.close(lock)  # closing releases the lock
        finally:
            Path(temp).unlink(missing_ok=True)


def _changed(path: Path) -> ChangedMeanwhileError:
    return ChangedMeanwhileError(
        f"{path} changed while mj was working on it; run the command again"
    )


def _swap_in(temp: str, path: Path, expected: bytes, data: bytes) -> bool:
    """Swap ``temp`` (holding ``data``) in for ``path`` when what ``path`` holds is
    ``expected``; False when this system cannot swap two files (nothing done). An
    editor's save that landed after the caller read ``expected`` comes out of the swap
    and is swapped back in; one that lands while that happens (a new file, or written
    into mj's) is newer still and stays.

    Between the swaps that save is in ``temp``, which the caller deletes: Ctrl-C, a
    closed terminal or a kill wait until it is back (blocked, not ignored)."""
    import signal

    ours = os.lstat(temp).st_ino
    held = signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGINT, signal.SIGHUP, signal.SIGTERM))
    try:
        if not _exchange(temp, str(path)):
            return False
        try:
            if _read_whole(Path(temp)) == expected:
                return True
        except MjError:  # the editor left something mj does not read (a link, a folder)
            pass
        _exchange(temp, str(path))
        if os.lstat(temp).st_ino != ours or Path(temp).read_bytes() != data:
            _exchange(temp, str(path))
        raise _changed(path)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _exchange(one: str, other: str) -> bool:
    """Swap two files in one step (Linux's ``renameat2`` with RENAME_EXCHANGE); False
    where the C library or the file system cannot, and nothing was done."""
    try:
        import ctypes

        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (ImportError, OSError, AttributeError):
        return False
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE (linux/fs.h)
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(at_cwd, os.fsencode(one), at_cwd, os.fsencode(other), exchange) == 0:
        return True
    failed = ctypes.get_errno()
    if failed in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # an old kernel, a file system without it (NFS), a seccomp filter
    if failed == errno.ENOENT:  # the note was removed meanwhile
        raise _changed(Path(other))
    raise OSError(failed, os.strerror(failed), other)


def create_new(path: Path, data: bytes, *, root: Path) -> None:
    """Write a new file of the journal at ``root`` atomically; refuse if it exists, even
    if it appears meanwhile."""
    _confined(root, path)
    exists = MjError(f"{path.relative_to(root)} already exists; mj never overwrites a file")
    if os.path.lexists(path):
        raise exists
    with _os_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = _write_temp(path, data, 0o666 & ~_umask())
        try:
            # link() fails if the name exists, so a file created meanwhile is never replaced.
            os.link(temp, path)
        except FileExistsError:
            raise exists from None
        finally:
            Path(temp).unlink(missing_ok=True)


def add_line(root: Path, path: Path, line: bytes, present: Callable[[bytes], bool]) -> bool:
    """Append ``line`` to ``path`` in the journal at ``root`` (a new file when there is
    none) unless ``present`` finds it in the bytes there; True when written."""
    if not os.path.lexists(path):
        create_new(path, line, root=root)
        return True

    def added(data: bytes) -> tuple[bytes, bool]:
        if present(data):
            return data, False
        return data + (b"" if not data or data.endswith(b"\n") else b"\n") + line, True

    return rewrite(root, path, added)


def _confined(root: Path | None, path: Path) -> None:
    reason = None if root is None else layout.write_refusal(str(root), str(path))
    if reason is not None:
        raise MjError(reason)


@contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    """A failing write (a folder where the file should be, no permission, a full disk)
    is a refusal naming the file, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise MjError(f"{path} cannot be written: {exc.strerror or exc}") from None


def _write_temp(path: Path, data: bytes, mode: int) -> str:
    """``data`` written and synced to a new file beside ``path`` that no one else has
    open; returns its name. Made as ``tempfile.mkstemp`` makes it (mode 0600, never
    through a symlink), without importing tempfile, shutil and random on every `mj
    done` (~3 ms)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    # The name cut short: a note named near the 255-byte limit stays editable (40
    # characters: at most 160 bytes, with 21 more within 255). 48 random bits do not
    # meet a name already there; if they did, O_EXCL refuses, and the write with it.
    temp = str(path.parent / f".{path.name[:40]}.{os.urandom(6).hex()}.mj-tmp")
    fd = os.open(temp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def render_markdown(meta: dict[str, Any], body: str) -> str:
    """A new journal file: YAML front matter (key order kept) and a Markdown body."""
    import frontmatter

    post = frontmatter.Post(body.strip("\n") + "\n", **meta)
    text: str = frontmatter.dumps(post, sort_keys=False)
    return text if text.endswith("\n") else text + "\n"
