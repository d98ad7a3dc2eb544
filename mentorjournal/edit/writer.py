"""Writing the user's files: atomically, and changing only the intended bytes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mentorjournal.errors import ChangedMeanwhileError, MjError


def atomic_write(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` via a temp file and ``os.replace``.

    With ``expected`` this is a compare-and-swap: the file is read again right before
    the rename, under a lock on its folder that every mj write takes, and when it no
    longer holds those bytes (an editor saved it, another mj wrote it) nothing is
    written and ChangedMeanwhileError says so. The slow part (writing and syncing the
    temp file) happens before the lock, so the window an editor could hit is tiny.
    """
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    temp = _write_temp(path, data, mode)
    try:
        with _folder_lock(path.parent):
            if expected is not None:
                try:
                    current = path.read_bytes()
                except OSError as exc:
                    raise MjError(f"{path} could not be read again: {exc.strerror}") from None
                if current != expected:
                    raise ChangedMeanwhileError(
                        f"{path} changed while mj was working on it; run the command again"
                    )
            os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``folder`` (its own fd: no lock file left behind)."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def create_new(path: Path, data: bytes) -> None:
    """Write a new file atomically; refuse if it exists, even if it appears meanwhile."""
    if path.exists():
        raise MjError(f"{path} already exists; mj never overwrites a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, data, 0o666 & ~_umask())
    try:
        # link() fails if the name exists, so a file created meanwhile is never replaced.
        os.link(temp, path)
    except FileExistsError:
        raise MjError(f"{path} already exists; mj never overwrites a file") from None
    finally:
        Path(temp).unlink(missing_ok=True)


def _write_temp(path: Path, data: bytes, mode: int | None) -> str:
    """``data`` written and synced to a temp file beside ``path``; returns its name."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mj-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
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
