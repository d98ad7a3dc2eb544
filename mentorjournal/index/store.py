"""A parse cache keyed by git blob id: only files that changed are read and parsed again.

What a file parses to (and its schema findings) depends only on its path and bytes,
so the cache maps ``path + blob id`` to the packed result. Freshness comes from git
itself: ``git ls-files -s`` gives the blob id of every tracked file and
``git status`` names the few that differ from the index (those are hashed here).
Renames back and reverts hit the cache. Outside git every file is read and hashed.

The cache is an optimisation, never a source of truth: a missing, corrupt or
foreign cache is rebuilt silently, and the results are the same without it.
Bodies of goals and sessions are not stored (a 10,000-session journal would
otherwise load 40 MB per run): a Document reads its body from the file (or the
index's blob) the first time a command asks for it.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mentorjournal.format import layout
from mentorjournal.index import cachefile, gitstate, recordfile
from mentorjournal.index.survey import Survey, take_survey

# The parser, the records and the journal's assembly are imported where a record
# is parsed or built: a kept view (a warm mj summary or validate) needs none of them.

# Below this many misses, parsing in this process beats starting workers.
PARALLEL_THRESHOLD = 400

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Callable

    from mentorjournal.format.document import Packed, Stored
    from mentorjournal.model import Journal

    # A file to parse, with its bytes when they were read already.
    Job = tuple[str, bytes | None]
    # (its record, None: not a journal file; the blob id of the bytes parsed when it
    # is not the one the survey named, "" when the file could not be read, else None)
    Fresh = tuple[Stored | None, str | None]


# ---------------------------------------------------------------- packing


# Timestamps may be this coarse (FAT's are 2 s): a file changed this close to git's
# look may have changed after it.
_COARSE_NS = 2 * 10**9


def _record(root: str, path: str, given: bytes | None, trusted: int) -> Fresh:
    """The record of a file the store lacks, read from the working tree unless
    ``given`` its bytes, and the blob id to key it by when that is not the one the
    survey named: the file changed after git looked (its ctime or mtime is not older
    than ``trusted``), so git's verdict may be on other bytes. "" when the file
    cannot be read (gone meanwhile); no record when it is not a journal file."""
    from mentorjournal.checks.filecheck import parse_and_check

    where = Path(root) / path
    data = given if given is not None else layout.read_head(str(where))
    if data is None:
        return None, ""
    if not layout.is_candidate(path, data):
        return None, None
    record = _stored(parse_and_check(path, data))
    if given is not None:
        return record, None
    try:
        after = where.stat()  # after the read: a change while it was read shows too
        if after.st_ctime_ns < trusted and after.st_mtime_ns < trusted:
            return record, None
    except OSError:
        pass
    from mentorjournal.digest import blob_id

    return record, blob_id(data)


def _parse_many(root: str, trusted: int, jobs: list[Job]) -> bytes:
    """A worker's records, as one marshal: it keeps their interned strings shared (a
    pickle would not). Workers read the files themselves: the parent never holds
    the journal's bytes (28 MB at 10,000 notes)."""
    return marshal.dumps([_record(root, path, given, trusted) for path, given in jobs])


# ---------------------------------------------------------------- loading


class Progress:
    """A one-line counter on stderr, shown only on a terminal and once a run passes 1 s."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.start = time.monotonic()
        self.enabled = sys.stderr.isatty() and total > 0
        self.shown = False

    def update(self, done: int) -> None:
        if self.enabled and time.monotonic() - self.start > 1.0:
            sys.stderr.write(f"\rmj: reading {done}/{self.total} files")
            sys.stderr.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 40 + "\r")
            sys.stderr.flush()


def _parse_misses(root: str, trusted: int, jobs: list[Job]) -> list[Fresh]:
    progress = Progress(len(jobs))
    if len(jobs) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        results = []
        for number, (path, given) in enumerate(jobs, start=1):
            results.append(_record(root, path, given, trusted))
            if number % 200 == 0:
                progress.update(number)
        progress.close()
        return results
    from concurrent.futures import ProcessPoolExecutor

    workers = os.cpu_count() or 2
    size = max(50, len(jobs) // (workers * 8))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk_result in pool.map(
            _parse_many, [root] * len(chunks), [trusted] * len(chunks), chunks
        ):
            results.extend(marshal.loads(chunk_result))
            progress.update(len(results))
    progress.close()
    return results


def _stored(packed: Packed) -> Stored:
    """A record as the store keeps it: its positions as one marshal (``KeptPositions``),
    a body it keeps (retrospectives', the agreement's) as UTF-8: as text, one emoji
    makes a whole body 4 bytes a character (~14 MB at 2,500 retrospectives)."""
    kind, meta, positions, body, body_line, items, findings, private, parsed = packed
    kept = None if body is None else body.encode("utf-8", "surrogatepass")
    meta, items = _shared(meta), _shared(items)
    return (kind, meta, marshal.dumps(positions), kept, body_line, items, findings, private, parsed)


# Tuples of plain values that records share (an item's owners, goal links, owner
# columns), one object each, so that marshal writes each once per part of the file
# and loads one object for all of them (~5 MB of copies at 10,000 notes).
_TUPLES: dict[tuple[object, ...], tuple[object, ...]] = {}


def _shared(value: T) -> T:
    """``value`` with its short strings interned and its tuples of strings and numbers
    shared: marshal then writes each once and loads one object for every record that
    has it (a key name, a handle, a goal id, a due date: ~10 MB of copies at 10,000
    notes)."""
    if isinstance(value, str):
        return sys.intern(value) if len(value) < 32 else value  # type: ignore[return-value]
    if isinstance(value, tuple):
        parts = tuple(_shared(part) for part in value)
        if len(_TUPLES) < 10_000 and all(type(part) in (str, int) for part in parts):
            return _TUPLES.setdefault(parts, parts)  # type: ignore[return-value]
        return parts  # type: ignore[return-value]
    if isinstance(value, list):
        return [_shared(part) for part in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {_shared(key): _shared(part) for key, part in value.items()}  # type: ignore[return-value]
    return value


def _file_reader(root: Path, path: str) -> Callable[[], bytes | None]:
    return lambda: layout.read_head(str(root / path))


def _blob_reader(root: Path, blob: str) -> Callable[[], bytes | None]:
    return lambda: gitstate.read_blobs(str(root), [blob]).get(blob)


class Loaded:
    """A journal loaded through the cache, with what the status snapshot is keyed by."""

    __slots__ = ("blobs", "checksum", "index_blobs", "journal", "listing")

    def __init__(
        self,
        journal: Journal,
        blobs: dict[str, str],
        index_blobs: dict[str, str],
        listing: layout.Listing | None,
        checksum: bytes | None,
    ) -> None:
        self.journal = journal
        # Path -> blob id of the bytes each document was parsed from.
        self.blobs = blobs
        # Path -> blob id in the index, for tracked files.
        self.index_blobs = index_blobs
        self.listing = listing
        # The index's checksum, read before git listed it (None outside git).
        self.checksum = checksum


def load_cached(root: Path, *, staged: bool = False) -> Journal:
    """The journal at ``root`` (working tree, or the index with ``staged``), via the cache.

    ``MJ_NO_CACHE=1`` starts from an empty store and leaves none behind: the same
    code path, with every look-up a miss.
    """
    return load(root, staged=staged).journal


def load(root: Path, *, staged: bool = False, given: tuple[bytes, bytes] | None = None) -> Loaded:
    """``load_cached`` with the blob ids and listing it worked from. ``given``: what
    ``gitstate.ls_files`` and ``changed_files`` say of ``root``, when the caller asked
    git once for many journals (a program's pairs): a git process costs ~5 ms."""
    return cachefile.without_collector(
        lambda: _records(root, staged, take_survey(root, staged, given))
    )


def _records(root: Path, staged: bool, survey: Survey) -> Loaded:
    """The documents of a survey: records from the store, the misses parsed now."""
    fingerprint = cachefile.fingerprint()
    where = cachefile.cache_path(str(root), survey.git_dir, "cache")
    keep = not os.environ.get("MJ_NO_CACHE")
    whole, added = recordfile.read(where, fingerprint) if keep else ({}, {})
    entries = {**whole, **added} if added else whole
    keys, contents, blobs = survey.keys, survey.contents, survey.blobs
    current_blobs = survey.current_blobs
    misses = [path for path, key in keys.items() if key not in entries]
    if staged and misses:
        wanted: dict[str, list[str]] = {}
        for path in misses:  # two paths may hold one blob (a copy, a symlink's target)
            wanted.setdefault(current_blobs[path], []).append(path)
        for blob, staged_bytes in gitstate.read_blobs(str(root), list(wanted)).items():
            for path in wanted[blob]:
                contents[path] = staged_bytes
    # Bytes the survey hashed or git gave; the other files the parser reads itself (a
    # staged blob git could not give, from the working tree: never trusted).
    jobs: list[Job] = [(path, contents.get(path)) for path in misses]
    contents.clear()
    trusted = 0 if staged else survey.started_ns - _COARSE_NS
    fresh: dict[str, Stored] = {}
    parsed = _parse_misses(str(root), trusted, jobs)
    for (path, _), (record, moved) in zip(jobs, parsed, strict=True):
        if record is not None:
            fresh[path] = record
        if moved == "":  # gone meanwhile: not there, as far as this run knows
            current_blobs.pop(path, None)
            keys.pop(path, None)
        elif moved is not None:  # changed after git looked: keyed by what was parsed
            current_blobs[path] = moved
            keys[path] = f"{path}\0{'index' if staged else 'worktree'}\0{moved}"
        survey.rekeyed |= moved is not None
    del parsed
    skipped = set(misses) - set(fresh)
    del jobs  # bytes read from git or hashed by the survey: parsed, no longer needed

    from mentorjournal.format.document import document_from_packed
    from mentorjournal.journal import assemble
    from mentorjournal.model import Document, Journal

    current: dict[str, Stored] = {}
    for path in sorted(keys):
        key = keys[path]
        packed = None if path in skipped else fresh.get(path) or entries.get(key)
        if packed is not None:
            current[key] = packed
    # Records of files gone or changed stay until there are many (or a parse writes).
    if keep and (fresh or len(entries) - len(current) > recordfile.MOST_ADDED):
        recordfile.write(where, fingerprint, current, whole)
    del entries, whole, added, fresh  # what is current is all that is left to build from

    documents: list[Document] = []
    for path in sorted(keys):
        packed = current.pop(keys[path], None)  # the record's rows go once its items are made
        if packed is not None and (packed[0] != "other" or packed[6]):
            reader = _blob_reader(root, current_blobs[path]) if staged else _file_reader(root, path)
            documents.append(document_from_packed(path, packed, True, reader))
    journal = Journal(str(root), tuple(assemble(documents)), tuple(survey.findings))
    checksum = survey.checksum if survey.in_git else None
    return Loaded(journal, current_blobs, blobs, survey.listing, checksum)


def view(
    root: Path,
    name: str,
    args: tuple[str, ...],
    compute: Callable[[Journal], T],
    kind: type[T],
    given: tuple[bytes, bytes] | None = None,
) -> T:
    """``compute`` of the working tree's journal, kept until a file, the code or ``args``
    change. The value (a ``kind``: text, or tuples of plain values) is remembered under
    a digest of every record key it was computed from; a miss computes it the one way.
    ``given``: as for ``load``.
    """
    from mentorjournal.digest import sha256_hex

    survey = take_survey(root, False, given)

    def digest() -> str:
        parts = (cachefile.fingerprint(), *args, *sorted(survey.keys.values()), "")
        said = "".join(map(repr, survey.findings))
        return sha256_hex(("\0".join(parts) + said).encode("utf-8", "surrogateescape"))

    key = digest()
    where = cachefile.cache_path(str(root), survey.git_dir, f"view-{name}")
    keep = not os.environ.get("MJ_NO_CACHE")
    if keep:
        kept = cachefile.kept(where, key)
        if isinstance(kept, kind):
            return kept
        del kept  # an old report's text (~10 MB at 10,000 notes) must not outlive the miss
    read = [cachefile.without_collector(lambda: _records(root, False, survey).journal)]
    # What the records were found by is done with (~4 MB at 10,000 notes); the key
    # needs only the keys and the findings.
    survey.blobs, survey.current_blobs, survey.listing = {}, {}, None
    # The call holds the only reference: ``compute`` may let the journal (most of a
    # run's memory) go once it has computed what it renders.
    value = compute(read.pop())
    if keep:
        if survey.rekeyed:  # a file saved while the journal was read has another key
            key = digest()
        cachefile.keep(where, key, value)
    return value
