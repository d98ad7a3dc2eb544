"""The files mj keeps under `.git/mentorjournal/` (outside git: `~/.cache/mentorjournal/`):
where each lives, which code wrote it (``fingerprint``), and reading and writing them
so that a missing, damaged, foreign or odd file (a FIFO) costs only speed.

Only ``os`` is imported at module level: this is on the fast paths.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    import mmap
    from collections.abc import Iterable
    from typing import BinaryIO

FORMAT = 6
# The modules whose code decides what the caches hold.
_LIBRARIES = ("yaml", "markdown_it", "jsonschema", "fastjsonschema", "icalendar")

_FINGERPRINT: list[str] = []  # worked out once a process: its code cannot change under it


def fingerprint() -> str:
    """Changes whenever the code or schemas that decide a cached result change."""
    if not _FINGERPRINT:
        _FINGERPRINT.append(_fingerprint())
    return _FINGERPRINT[0]


def _fingerprint() -> str:
    from mentorjournal import __version__
    from mentorjournal.checks import schemas

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the package
    parts = [__version__, str(FORMAT)]
    # Every module and template of the package, not a list to keep up to date: a view
    # kept by store.view depends on the report's code as much as a record on the parser's.
    watched = []
    for folder, dirs, names in os.walk(here):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        watched += [os.path.join(folder, n) for n in sorted(names) if not n.startswith(".")]
    folder = schemas.schema_dir()
    watched += [os.path.join(folder, f"{kind}.schema.json") for kind in schemas.KINDS]
    # The libraries that decide what a file parses to and which findings it has: a
    # new release (PyYAML 6.0.4 changed an error) must not answer from old records.
    from importlib.machinery import PathFinder  # importlib.util costs ~2.5 ms more

    specs = [PathFinder.find_spec(library) for library in _LIBRARIES]
    watched += [spec.origin for spec in specs if spec is not None and spec.origin]
    for path in watched:
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if stat.st_mode & 0o170000 == 0o100000:  # regular files only, not __pycache__
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def user_cache_dir() -> str:
    """The user's cache folder for mj (XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mentorjournal")


def cache_path(root: str, git_dir: str | None, name: str) -> str:
    """``name-<key>.marshal`` for the journal at ``root``, under .git/mentorjournal/."""
    import zlib  # not hashlib: loading OpenSSL costs ~20 ms, and this names, not protects

    real = os.path.realpath(root).encode()
    key = f"{zlib.crc32(real):08x}{zlib.adler32(real):08x}"
    if git_dir is not None:
        return os.path.join(git_dir, "mentorjournal", f"{name}-{key}.marshal")
    return os.path.join(user_cache_dir(), f"{name}-{key}.marshal")


def open_cache(where: str) -> BinaryIO | None:
    """A cache file open for reading; None when it is missing, unreadable or not a
    regular file (a FIFO put there must not hang mj: it is opened without blocking,
    then refused)."""
    import stat

    try:
        fd = os.open(where, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return os.fdopen(fd, "rb")
    except OSError:
        pass
    os.close(fd)
    return None


def load(where: str) -> bytes:
    """A cache file's bytes; empty when ``open_cache`` finds none to read."""
    handle = open_cache(where)
    if handle is None:
        return b""
    try:
        with handle:
            return handle.read()
    except OSError:
        return b""


def mapped(where: str) -> bytes | mmap.mmap:
    """A large cache file's bytes, mapped rather than read (reading a 15 MB snapshot
    body costs ~8 ms, mapping it none: a run unpacks only the pieces it needs); empty
    when ``open_cache`` finds none to read. Files are replaced whole, never changed in
    place, so a mapping keeps the bytes it was made of."""
    import mmap

    handle = open_cache(where)
    if handle is None:
        return b""
    with handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file
            return b""
        except OSError:  # a file system that cannot map files: read it
            try:
                return handle.read()
            except OSError:
                return b""


def store(where: str, data: bytes | Iterable[bytes | memoryview]) -> None:
    """Replace a cache file atomically (``data``: its bytes, or its pieces in order);
    a cache that cannot be written only costs speed."""
    temp = f"{where}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(where), exist_ok=True)
        with open(temp, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
        os.replace(temp, where)
    except OSError:
        try:  # noqa: SIM105  (contextlib is not imported on mj status's fast path)
            os.remove(temp)
        except OSError:
            pass
