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
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any, BinaryIO, TypeVar

    T = TypeVar("T")

FORMAT = 8
# The modules whose code decides what the caches hold.
_LIBRARIES = ("yaml", "markdown_it", "jsonschema", "fastjsonschema", "icalendar")

_FINGERPRINT: list[str] = []  # worked out once a process: its code cannot change under it


def without_collector(call: Callable[[], T]) -> T:
    """``call()`` with Python's cyclic collector paused. Reading the index makes ~100,000
    small objects that all stay alive: collecting meanwhile only costs time (half of a
    warm load; ~30 ms of `mj new session` at 20,000 open items)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        return call()
    finally:
        if collecting:
            gc.enable()


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


def beside(where: str, part: str) -> str:
    """The file beside the cache file ``where`` (``name-<key>.marshal``) that holds its
    ``part``: ``name-part-<key>.marshal``."""
    folder, file_name = os.path.split(where)
    name, _, rest = file_name.partition("-")
    return os.path.join(folder, f"{name}-{part}-{rest}")


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
    """Replace a cache file atomically (``data``: its bytes, or its pieces in order,
    made as they are written); a cache that cannot be written only costs speed.
    Whatever stops the writing (a piece that cannot be made, Ctrl-C) takes the
    temporary file with it: it may hold a report's text."""
    temp = f"{where}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(where), exist_ok=True)
        with open(temp, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
        os.replace(temp, where)
    except BaseException as stopped:
        discard(temp)
        if not isinstance(stopped, OSError):
            raise


def discard(where: str) -> None:
    """Remove a cache file if it is there; one that cannot be removed only costs speed."""
    try:  # noqa: SIM105  (contextlib is not imported on mj status's fast path)
        os.remove(where)
    except OSError:
        pass


# Entries a part of a framed cache file holds (``framed_dict``).
_PART = 1024


def framed(values: Iterable[object]) -> Iterator[bytes]:
    """A cache file's pieces for ``store``: each value a marshal after its length, so
    that neither writing nor reading holds a second copy of a large file at once (a
    16 MB marshal costs twice that while it is made)."""
    import marshal

    for value in values:
        part = marshal.dumps(value)  # type: ignore[arg-type]
        yield len(part).to_bytes(8, "little")
        yield part


def parts(where: str) -> Iterator[Any]:
    """The values of a file ``framed`` wrote, one at a time (the file is never held
    whole); raises EOFError or ValueError where it is damaged, and ends at once when
    ``open_cache`` finds no file to read."""
    import marshal

    handle = open_cache(where)
    if handle is None:
        return
    with handle:
        left = os.fstat(handle.fileno()).st_size
        while size := handle.read(8):
            wanted = int.from_bytes(size, "little")
            if len(size) != 8 or wanted > left:  # damaged: never ask for more than is there
                raise EOFError("a cache file cut short")
            part = handle.read(wanted)
            left -= 8 + len(part)
            yield marshal.loads(part)


def framed_dict(head: object, entries: dict[str, Any]) -> Iterator[bytes]:
    """``framed``: ``head`` (what the reader must find first: a fingerprint), then the
    entries 1,024 at a time, then how many there are (so that a file cut where a part
    ends is not taken for a smaller one)."""
    from itertools import chain

    keys = list(entries)
    chunks = (
        {key: entries[key] for key in keys[at : at + _PART]} for at in range(0, len(keys), _PART)
    )
    yield from framed(chain((head,), chunks, (len(entries),)))


def unframed_dict(where: str, wanted: object = None) -> tuple[object, dict[str, Any]] | None:
    """(the head, the entries) ``framed_dict`` wrote; None when the file is missing or
    damaged, or when its head is not ``wanted`` (unless that is None): then the rest
    is not read."""
    entries: dict[str, Any] = {}
    try:
        values = parts(where)
        head = next(values, None)
        if head is None or (wanted is not None and head != wanted):
            return None
        for chunk in values:
            if not isinstance(chunk, dict):  # the count that ends the file, and nothing after
                whole = type(chunk) is int and chunk == len(entries) and next(values, None) is None
                return (head, entries) if whole else None
            entries.update(chunk)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return None  # cut short: no count at its end


# A kept value's text longer than this is kept in pieces of about this size (``keep``).
_PIECE = 1 << 20


def _long(part: object) -> bool:
    """A text, or a text in pieces (a tuple of them), too long to marshal beside itself."""
    if isinstance(part, str):
        return len(part) > _PIECE
    if isinstance(part, tuple) and all(isinstance(piece, str) for piece in part):
        return sum(len(piece) for piece in part) > _PIECE
    return False


def _pieces(text: str | tuple[str, ...]) -> Iterator[str]:
    """A long text as it is kept: in its own pieces, or in pieces of ``_PIECE``."""
    if isinstance(text, tuple):
        yield from text
        return
    for at in range(0, len(text), _PIECE):
        yield text[at : at + _PIECE]


def keep(where: str, key: str, value: object) -> None:
    """Keep ``value`` (text, or a tuple of plain values) under ``key``, ``framed``: the
    key, the value with its long texts left out (None in their place) and where they
    go, then each such text in pieces (``_pieces``): a 10 MB report is never marshalled
    whole beside itself. A value marshal cannot write is not kept."""
    from itertools import chain

    whole = (value,) if isinstance(value, str) else value
    if not isinstance(whole, tuple):
        return
    holes = tuple(at for at, part in enumerate(whole) if _long(part))
    shape = tuple(None if at in holes else part for at, part in enumerate(whole))
    texts = [whole[at] for at in holes]
    counts = [len(text) if isinstance(text, tuple) else -(-len(text) // _PIECE) for text in texts]
    joined = [isinstance(text, str) for text in texts]
    pieces = chain.from_iterable(map(_pieces, texts))
    head = (key, isinstance(value, str), shape, tuple(zip(holes, counts, joined, strict=True)))
    try:  # noqa: SIM105 (contextlib is not imported on a warm report's path)
        store(where, framed(chain((head,), pieces)))
    except ValueError:
        pass  # not plain data: nothing kept, the answer still right


def kept(where: str, key: str) -> object:
    """What ``keep`` kept under ``key``; None when missing, damaged or kept
    under another key (then only the key is read)."""
    try:
        values = parts(where)
        head = next(values, None)
        if not (isinstance(head, tuple) and len(head) == 4 and head[0] == key):
            return None
        _, alone, shape, holes = head
        whole = list(shape)
        for at, count, joined in holes:
            pieces = tuple(next(values) for _ in range(count))
            if not all(isinstance(piece, str) for piece in pieces):
                return None
            whole[at] = "".join(pieces) if joined else pieces
    except (OSError, EOFError, ValueError, TypeError, IndexError, StopIteration):
        return None
    return whole[0] if alone else tuple(whole)
