"""Writing the user's files: atomically, and changing only the intended bytes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from mentorjournal.errors import MjError


def atomic_write(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` via a temp file and ``os.replace``.

    With ``expected``, refuse when the file no longer holds those bytes (someone
    saved it since we read it), so no edit is silently lost.
    """
    if expected is not None:
        try:
            current = path.read_bytes()
        except OSError as exc:
            raise MjError(f"{path} could not be read again: {exc.strerror}") from None
        if current != expected:
            raise MjError(f"{path} changed while mj was working on it; run the command again")
    mode = None
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mj-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def render_markdown(meta: dict[str, Any], body: str) -> str:
    """A new journal file: YAML front matter (key order kept) and a Markdown body."""
    import frontmatter

    post = frontmatter.Post(body.strip("\n") + "\n", **meta)
    text: str = frontmatter.dumps(post, sort_keys=False)
    return text if text.endswith("\n") else text + "\n"
