"""The status snapshot: what `mj status` needs of every file, kept fresh by git blob id.

The parse cache (``cache.py``) holds everything a file parses to: 11 MB for 10,000
sessions, ~1 s to load and rebuild into records. Status needs far less: each
file's open items (already resolved: ids, goal links, text), each session's date,
and a few facts about the agreement. This snapshot holds just that, in one small
marshal file beside the cache, and a warm `mj status` runs from it without
importing the parsers, the schemas or dataclasses.

Freshness is the parse cache's: a file's record is used only while the file's blob
id is the one it was built from. The index checksum says when git's view is
unchanged, ``git status`` which tracked files differ, the folder mtimes of
``layout.Listing`` whether files came or went; untracked files are hashed.

When only session notes changed, their records are rebuilt here. Anything else
(the agreement, a goal, a file that is not a session, an item id that clashes
with another) returns None, and the caller takes the full path, which writes a
new snapshot. Like the cache, the snapshot is never a source of truth: unreadable,
foreign or stale means rebuilt.
"""

from __future__ import annotations

import bisect
import marshal
import os

from mentorjournal.format import layout
from mentorjournal.index import gitstate
from mentorjournal.index.shelf import Shelf
from mentorjournal.reports import statuscore

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from mentorjournal.format.document import Packed
    from mentorjournal.index.store import Loaded
    from mentorjournal.model import Document, Journal

    # What status keeps of one file: (blob it was read from, index blob or None,
    # kind, date of the session held or None, error count, open rows, short item ids,
    # whether its text must not be copied out of it: ``audience.quotable``).
    Record = tuple[
        str,
        str | None,
        str,
        str | None,
        int,
        tuple[statuscore.JsonRow, ...],
        tuple[str, ...],
        bool,
    ]
    # (rows by path, sorted session dates, records, counts, marshal of the paths)
    Rows = tuple[statuscore.JsonRow, ...]
    # (rows by path, sorted session dates, records, counts, marshal of the paths,
    # every row in ``statuscore.row_key`` order: the same tuples as in rows by path)
    Body = tuple[dict[str, Rows], list[str], Shelf, Shelf, bytes, list[statuscore.JsonRow]]

_TAG = "mj-status-snapshot"
_ID_LENGTH = 6  # items.ID_LENGTH, without importing items


class Snapshot:
    """A journal's status inputs, in two files and three layers.

    Every run reads the head (``status-*.marshal``): the index checksum and folder
    times that say whether anything changed, the journal facts, the error count, and
    the few files that must be hashed each time (not in the index, or differing
    from it). When nothing changed, the output of the same command on the same day
    is kept (``status-json-*``, ``status-text-*``) under the head's generation, and
    that is all a warm run reads.

    The body (``status-body-*``) is read only when something must be computed: open
    rows by file, session dates, and the records of all files (``records``) and how
    many items use each short id (``counts``), shelved in small shards so that a
    changed note costs unpacking a few hundred entries, not 50,000. The paths that
    have a record are kept apart too (one marshal of strings): when a folder changed,
    comparing them with a new walk says which files came or went without unpacking
    every record. Head and body carry the same generation; a mismatch (a writer
    between our two reads) reads as no snapshot.
    """

    __slots__ = (
        *("_base", "_body", "_delta", "_known", "_paths_changed", "_where", "checksum"),
        *("dirs", "errors"),
        *("facts", "generation", "rewritten", "started_ns", "watch"),
    )

    def __init__(
        self, where: str, generation: bytes, head: tuple[Any, ...], body: Body | None
    ) -> None:
        self._where = where
        self.generation = generation
        self.checksum: bytes
        self.dirs: dict[str, int]
        self.started_ns: int
        # (goal ids, cadence every, start, review, (valid, stale, missing, invalid), names, pair)
        self.facts: tuple[Any, ...]
        # path -> blob of files whose bytes are not the index's (read and hash them)
        self.watch: dict[str, str]
        self.errors: int
        self.checksum, self.dirs, self.started_ns, self.facts, self.watch, self.errors = head[:6]
        # The generation of the body file; changes since then are in the delta file.
        self._base: bytes | None = head[6] if len(head) > 6 else None
        self._delta: dict[str, Record | None] = {}
        self._body = body
        # True once this run wrote the snapshot: something changed since the last run.
        self.rewritten = False
        self._known: set[str] | None = None
        self._paths_changed = False

    def body(self) -> Body:
        """(rows by path, sorted session dates, records, counts, paths); ValueError
        when the body file is missing, damaged or of another generation."""
        if self._body is None:
            try:
                tag, mark, generation, rows, dates, records, counts, paths, order = marshal.loads(
                    gitstate.load(_part(self._where, "body"))
                )
            except (EOFError, ValueError, TypeError) as damaged:
                raise ValueError("no snapshot body") from damaged
            if (tag, mark, generation) != (_TAG, gitstate.fingerprint(), self._base):
                raise ValueError("a snapshot body of another generation")
            if not isinstance(paths, bytes):
                raise ValueError("a damaged snapshot body")
            shelves = Shelf(records, _RECORD_SHARDS), Shelf(counts, _ID_SHARDS)
            self._body = (rows, dates, *shelves, paths, order)
            if self.generation != self._base:
                self._replay()
        return self._body

    def _replay(self) -> None:
        """Apply the delta file: the records that changed since the body was written."""
        try:
            tag, base, generation, delta = marshal.loads(gitstate.load(_part(self._where, "delta")))
        except (EOFError, ValueError, TypeError) as damaged:
            raise ValueError("no snapshot delta") from damaged
        if (tag, base, generation) != (_TAG, self._base, self.generation):
            raise ValueError("a snapshot delta of another generation")
        try:
            for path, new in delta.items():
                old = self.records.get(path)
                _count_ids(self.counts, old[6] if old else (), new[6] if new else ())
                self._replace_body(path, old, new)
        except (AttributeError, EOFError, IndexError, TypeError) as damaged:
            raise ValueError("a damaged snapshot delta") from damaged
        self._delta = delta

    @property
    def rows(self) -> dict[str, tuple[statuscore.JsonRow, ...]]:
        return self.body()[0]

    @property
    def dates(self) -> list[str]:
        return self.body()[1]

    @property
    def records(self) -> Shelf:
        return self.body()[2]  # path -> Record

    @property
    def counts(self) -> Shelf:
        return self.body()[3]  # short item id -> how many items use it

    def known_paths(self) -> set[str]:
        """The paths that have a record (raises as marshal does when damaged)."""
        if self._known is None:
            known = marshal.loads(self.body()[4])
            if not isinstance(known, tuple):
                raise TypeError("damaged paths")
            self._known = set(known)
        return self._known

    def store(self) -> None:
        """Write the changes since the body (or, past a few, the whole body), then the
        head, under a new generation (which retires kept output)."""
        rows, dates, records, counts, paths, order = self.body()
        self.generation = os.urandom(8)
        self.rewritten = True
        mark = gitstate.fingerprint()
        if self._base is not None and len(self._delta) <= _MOST_DELTA:
            delta = (_TAG, self._base, self.generation, self._delta)
            gitstate.store(_part(self._where, "delta"), marshal.dumps(delta))
        else:
            if self._paths_changed:
                paths = marshal.dumps(tuple(sorted(self.known_paths())))
                self._body = (rows, dates, records, counts, paths, order)
                self._paths_changed = False
            shelves = (records.pack(), counts.pack(), paths)
            body = (_TAG, mark, self.generation, rows, dates, *shelves, order)
            gitstate.store(_part(self._where, "body"), marshal.dumps(body))
            self._base, self._delta = self.generation, {}
        head = (self.checksum, self.dirs, self.started_ns, self.facts, self.watch, self.errors)
        data = (_TAG, mark, self.generation, (*head, self._base))
        gitstate.store(self._where, marshal.dumps(data))

    @classmethod
    def read(cls, where: str) -> Snapshot | None:
        """The head at ``where``; None when missing, foreign or damaged."""
        try:
            tag, mark, generation, head = marshal.loads(gitstate.load(where))
            if (tag, mark) != (_TAG, gitstate.fingerprint()) or len(head) != 7:
                return None
            if len(head[3]) != 7:
                return None
            return cls(where, generation, head, None)
        except (EOFError, ValueError, TypeError):
            return None

    @classmethod
    def build(
        cls,
        where: str,
        header: tuple[Any, ...],
        files: dict[str, Record],
        counts: dict[str, int],
    ) -> Snapshot:
        """From every file's record (the full path)."""
        rows = {path: entry[5] for path, entry in files.items() if entry[5]}
        dates = sorted(entry[3] for entry in files.values() if entry[3] is not None)
        errors = sum(entry[4] for entry in files.values())
        watch = {path: entry[0] for path, entry in files.items() if entry[0] != entry[1]}
        # A record's rows live in ``rows`` only: kept twice they would double the body.
        records = Shelf.build({p: (*e[:5], (), *e[6:]) for p, e in files.items()}, _RECORD_SHARDS)
        paths = marshal.dumps(tuple(sorted(files)))
        order = statuscore.sort_rows(row for entry in rows.values() for row in entry)
        body = (rows, dates, records, Shelf.build(counts, _ID_SHARDS), paths, order)
        return cls(where, b"", (*header, watch, errors), body)

    def kept_output(self, kind: str, key: str) -> str | None:
        """The output of `mj status` kept for this generation and ``key``, if any."""
        try:
            tag, generation, kept_key, text = marshal.loads(gitstate.load(self._output(kind)))
        except (EOFError, ValueError, TypeError):
            return None
        if (tag, generation, kept_key) != (_TAG, self.generation, key):
            return None
        return text if isinstance(text, str) else None

    def keep_output(self, kind: str, key: str, text: str) -> None:
        gitstate.store(self._output(kind), marshal.dumps((_TAG, self.generation, key, text)))

    def _output(self, kind: str) -> str:
        folder, name = os.path.split(self._where)
        return os.path.join(folder, name.replace("status-", f"status-{kind}-", 1))

    def replace(self, path: str, old: Record | None, new: Record | None) -> None:
        """Swap one file's record, in the head, the body and the delta; ValueError
        when the body does not match the old record (a damaged snapshot)."""
        self._replace_body(path, old, new)
        self._delta[path] = new
        if old is not None:
            self.errors -= old[4]
            self.watch.pop(path, None)
        if new is not None:
            self.errors += new[4]
            if new[0] != new[1]:
                self.watch[path] = new[0]

    def _replace_body(self, path: str, old: Record | None, new: Record | None) -> None:
        self.records.put(path, None if new is None else (*new[:5], (), *new[6:]))
        if (old is None) != (new is None):
            try:
                known = self.known_paths()
            except (EOFError, TypeError) as damaged:
                raise ValueError("damaged paths") from damaged
            if new is None:
                known.discard(path)
            else:
                known.add(path)
            self._paths_changed = True
        if old is not None:
            self._unlist(self.rows.pop(path, ()))
            if old[3] is not None:
                index = bisect.bisect_left(self.dates, old[3])
                if index == len(self.dates) or self.dates[index] != old[3]:
                    raise ValueError("a damaged snapshot: a record's date is not in the summary")
                del self.dates[index]
        if new is not None:
            if new[5]:
                self.rows[path] = new[5]
                order = self.body()[5]
                for row in new[5]:
                    bisect.insort(order, row, key=statuscore.row_key)
            if new[3] is not None:
                bisect.insort(self.dates, new[3])

    def _unlist(self, rows: Rows) -> None:
        order = self.body()[5]
        for row in rows:
            at = bisect.bisect_left(order, statuscore.row_key(row), key=statuscore.row_key)
            if at == len(order) or order[at] != row:
                raise ValueError("a damaged snapshot: a row is not in the order")
            del order[at]

    def open_rows(self, owner: str | None) -> list[statuscore.JsonRow]:
        """Open rows in status order (kept sorted: no sort per run)."""
        order = self.body()[5]
        return order if owner is None else [row for row in order if owner in row[2]]

    def next_meeting(self, today: str) -> tuple[str | None, bool, str | None, str | None]:
        _, every, start, _, _, _, _ = self.facts
        return statuscore.next_meeting(self.dates, every, start, today)

    def status_json(self, today: str, owner: str | None) -> str:
        """`mj status --json`, exactly as ``status.compute_status`` and json give it."""
        _, _, _, review, signatures, _, _ = self.facts
        rows = self.open_rows(owner)
        return statuscore.json_text(today, rows, self.next_meeting(today), review, signatures)


# Changed files kept in the delta file before the whole body is written again.
_MOST_DELTA = 64
_RECORD_SHARDS = 64  # ~160 records each in a 10,000-session journal
_ID_SHARDS = 256  # ~140 short ids each


def _where(root: str, git_dir: str) -> str:
    return gitstate.cache_path(root, git_dir, "status")


def _part(where: str, part: str) -> str:
    """The file beside the head at ``where`` that holds ``part`` (body, delta)."""
    folder, name = os.path.split(where)
    return os.path.join(folder, name.replace("status-", f"status-{part}-", 1))


# ---------------------------------------------------------------- building (full path)


def record(doc: Document, goal_ids: set[str], blob: str, index_blob: str | None) -> Record:
    """What status keeps of one document (already assembled into its journal: its
    items' ids may have been lengthened, and goal milestones inherit an owner)."""
    items = [
        (i.line, i.state, i.text, i.owners, i.due, i.hashtags, i.id, i.key, i.explicit_id)
        for i in doc.items
    ]
    errors = sum(finding.severity == "error" for finding in doc.findings)
    return _record(
        doc.path, doc.kind, doc.meta, doc.parsed, items, errors, goal_ids, blob, index_blob
    )


def packed_record(
    path: str, packed: Packed, goal_ids: set[str], blob: str, index_blob: str | None
) -> Record:
    """``record`` of a session note parsed on its own (``filecheck.parse_and_check``):
    its items' ids are the ones it gets in the journal while no short id clashes."""
    kind, meta, _, _, _, rows, findings, _, parsed = packed
    # ItemRow: (line, state, text, owners, due, done, hashtags, id, key, explicit_id, ...)
    items = [(i[0], i[1], i[2], i[3], i[4], i[6], i[7], i[8], i[9]) for i in rows]
    errors = sum(finding[2] == "error" for finding in findings)
    return _record(path, kind, meta, parsed, items, errors, goal_ids, blob, index_blob)


def _record(
    path: str,
    kind: str,
    meta: Mapping[str, Any],
    parsed: bool,
    items: list[tuple[Any, ...]],
    errors: int,
    goal_ids: set[str],
    blob: str,
    index_blob: str | None,
) -> Record:
    """``items``: (line, state, text, owners, due, hashtags, id, key, explicit id)."""
    from mentorjournal.audience import counts_as_held, quotable
    from mentorjournal.format.dates import parse_date

    rows = tuple(
        statuscore.json_row(statuscore.open_row(path, line, id_, text, owners, due, tags, goal_ids))
        for line, state, text, owners, due, tags, id_, _, _ in items
        if state == "open"
    )
    # The ids items get before clashes are lengthened (explicit ids never clash).
    ids = tuple(key[:_ID_LENGTH] for *_, key, explicit in items if not explicit)
    held = parse_date(meta.get("date")) if counts_as_held(path, kind) and parsed else None
    hidden = not quotable(path, meta)
    return (blob, index_blob, kind, held.isoformat() if held else None, errors, rows, ids, hidden)


def _facts(journal: Journal) -> tuple[Any, ...]:
    """What status and a new session need of the agreement and the goals (none of it
    changes while only session notes do, which is when the snapshot answers)."""
    from mentorjournal.edit.authoring import active_goals, pair_facts
    from mentorjournal.errors import MjError
    from mentorjournal.journal import people
    from mentorjournal.reports.status import agreement_facts

    every, start, review, signatures = agreement_facts(journal)
    names = {handle: person.name for handle, person in people(journal).items()}
    sigs = (signatures.valid, signatures.stale, signatures.missing, signatures.invalid)
    try:
        pair: tuple[Any, ...] | None = (*pair_facts(journal), active_goals(journal))
    except MjError:
        pair = None  # a new session asks the full path, which says what is wrong
    return (tuple(journal.goals), every, start, review, sigs, names, pair)


def save(root: str, loaded: Loaded) -> None:
    """Write the snapshot of a journal just loaded in full through the cache."""
    location = gitstate.git_location(root)
    if location is None or loaded.checksum is None or loaded.listing is None:
        return
    journal = loaded.journal
    goal_ids = set(journal.goals)
    documents = {doc.path: doc for doc in journal.documents}
    files: dict[str, Record] = {}
    counts: dict[str, int] = {}
    for path, blob in loaded.blobs.items():
        index_blob = loaded.index_blobs.get(path)
        doc = documents.get(path)
        if doc is None:  # read, but not a journal document (README.md and the like)
            files[path] = (blob, index_blob, "other", None, 0, (), (), False)
            continue
        files[path] = entry = record(doc, goal_ids, blob, index_blob)
        for short in entry[6]:
            counts[short] = counts.get(short, 0) + 1
    listing = loaded.listing
    header = (loaded.checksum, listing.dirs, listing.started_ns, _facts(journal))
    Snapshot.build(_where(root, location[0]), header, files, counts).store()


# ---------------------------------------------------------------- the fast path


def load_fresh(root: str, meanwhile: Callable[[], None] | None = None) -> Snapshot | None:
    """The snapshot of the journal at ``root``, brought up to date for changed session
    notes; None when the full path must run (no snapshot, or more than notes changed).

    ``meanwhile`` is called while git runs: the caller's own imports fit there.
    """
    location = gitstate.git_location(root)
    if location is None:
        return None
    common_dir, worktree_dir, top = location
    # Start git first: it runs on another core while the snapshot is read.
    changed_git = gitstate.changed_files(root)
    checksum = gitstate.index_checksum(worktree_dir)
    snapshot = Snapshot.read(_where(root, common_dir))
    index_git = None
    if snapshot is not None and checksum is not None and checksum != snapshot.checksum:
        index_git = gitstate.ls_files(root)
    listing = None
    rewalked = False
    if snapshot is not None:
        listing = layout.Listing([], [], snapshot.dirs, snapshot.started_ns)
        if not listing.still_valid(root):
            listing, rewalked = layout.list_journal(root), True
    if meanwhile is not None:
        meanwhile()
    changed_raw = changed_git.output()
    listed = index_git.output() if index_git is not None else b""
    if snapshot is None or checksum is None or changed_raw is None or listed is None:
        return None
    assert listing is not None
    changed = {
        path for path in gitstate.parse_status(changed_raw, root, top) if path.endswith(".md")
    }
    clean = layout.AGREEMENT not in changed and layout.AGREEMENT not in snapshot.watch
    gitstate.refresh_if_stale(root, worktree_dir, clean)

    # Watched files (untracked, or not the index's version) are read every time.
    contents = {path: layout.read_head(os.path.join(root, path)) for path in snapshot.watch}
    blobs = {path: _blob(data) for path, data in contents.items()}
    # Same index, same folders, no tracked file touched but the watched ones (edited,
    # not committed), and those hash as before: nothing changed.
    if (
        index_git is None
        and not rewalked
        and changed <= snapshot.watch.keys()
        and all(blobs[path] == blob for path, blob in snapshot.watch.items())
    ):
        return snapshot
    index_changed = index_git is not None
    try:
        records = snapshot.records
        if index_changed:  # any record's index blob may differ
            every = records.keys()
            candidates = set(listing.paths) | every if rewalked else every
        elif rewalked:
            # Same index: a record with no change to its file and not watched is
            # still right, and only files that came or went need a look.
            known = snapshot.known_paths()
            came_or_went = set(listing.paths) ^ known
            candidates = came_or_went | (changed & known) | set(snapshot.watch)
        else:
            # Same folders: a changed path that has no record is not a journal file.
            candidates = {path for path in changed if path in records} | set(snapshot.watch)
        old_records: dict[str, Record] = {}
        for path in candidates:
            entry = records.get(path)
            if entry is not None:
                if not isinstance(entry, tuple) or len(entry) != 8:
                    return None
                old_records[path] = entry
    except (EOFError, ValueError, TypeError):
        return None  # a damaged snapshot: the full path writes a new one
    index_blobs = gitstate.parse_ls_files(listed) if index_changed else None
    # Without a new walk, every candidate has a record: none is gone.
    listed_paths = set(listing.paths) if rewalked else None
    moved: dict[str, Record] = {}  # same bytes, new index blob
    # path -> (bytes, their blob, index blob); no bytes: gone or unreadable
    stale: dict[str, tuple[bytes | None, str | None, str | None]] = {}
    for path in candidates:
        old = old_records.get(path)
        if listed_paths is not None and path not in listed_paths:
            stale[path] = (None, None, None)  # gone
            continue
        if index_blobs is None:
            index_blob = old[1] if old is not None else None
        else:
            index_blob = index_blobs.get(path)
        if index_blob is not None and path not in changed:
            # The working copy is the index's: no need to read it while the blob matches.
            if old is not None and old[0] == index_blob:
                if old[1] != index_blob:
                    moved[path] = _moved(old, index_blob, snapshot, path)
                continue
            data = layout.read_head(os.path.join(root, path))
            stale[path] = (data, _blob(data), index_blob)
            continue
        if path in contents:
            data, blob = contents[path], blobs[path]
        else:
            data = layout.read_head(os.path.join(root, path))
            blob = _blob(data)
        if data is None and old is None:
            continue
        if old is not None and old[0] == blob:
            if old[1] != index_blob:
                moved[path] = _moved(old, index_blob, snapshot, path)
            continue
        stale[path] = (data, blob, index_blob)

    fresh = _rebuild(stale, old_records, set(snapshot.facts[0]), snapshot)
    if fresh is None:
        return None
    fresh.update(moved)
    if not fresh and not rewalked and not index_changed:
        return snapshot  # only untouched files were looked at: nothing to write
    try:
        for path, entry in fresh.items():
            snapshot.replace(path, old_records.get(path), entry)
    except ValueError:
        return None  # the full path writes a new snapshot
    snapshot.checksum = checksum
    snapshot.dirs, snapshot.started_ns = listing.dirs, listing.started_ns
    snapshot.store()
    return snapshot


def _moved(old: Record, index_blob: str | None, snapshot: Snapshot, path: str) -> Record:
    """``old`` with a new index blob (same bytes), its rows taken from the summary."""
    return (old[0], index_blob, *old[2:5], snapshot.rows.get(path, ()), *old[6:])


def _blob(data: bytes | None) -> str | None:
    return gitstate.blob_id(data) if data is not None else None


def _rebuild(
    stale: dict[str, tuple[bytes | None, str | None, str | None]],
    old_records: dict[str, Record],
    goal_ids: set[str],
    snapshot: Snapshot,
) -> dict[str, Record | None] | None:
    """New records for changed session notes (None: removed); None when something else
    changed (the agreement, a goal, another file) and the full path must run."""
    if not stale:
        return {}
    for path in stale:
        old = old_records.get(path)
        if layout.kind_for_path(path) != "session" or (old is not None and old[2] != "session"):
            return None
    from mentorjournal.checks.filecheck import parse_and_check

    fresh: dict[str, Record | None] = {}
    for path, (data, blob, index_blob) in stale.items():
        old = old_records.get(path)
        entry = None
        if data is not None and blob is not None:
            packed = parse_and_check(path, data)
            if packed[0] != "session":
                return None
            entry = packed_record(path, packed, goal_ids, blob, index_blob)
        try:
            unique = _ids_still_unique(
                snapshot.counts, old[6] if old else (), entry[6] if entry else ()
            )
        except (EOFError, ValueError, TypeError):
            return None  # a damaged shard: the full path writes a new snapshot
        if not unique:
            return None
        fresh[path] = entry
    return fresh


def _ids_still_unique(counts: Shelf, old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """Replace one file's short ids in ``counts``; False when a clash begins or ends
    (lengthened ids elsewhere would change: the full path settles them)."""
    for short in set(old) | set(new):
        before = counts.get(short) or 0
        after = before - old.count(short) + new.count(short)
        if before > 1 or after > 1:
            return False
    _count_ids(counts, old, new)
    return True


def _count_ids(counts: Shelf, old: tuple[str, ...], new: tuple[str, ...]) -> None:
    for short in set(old) | set(new):
        after = (counts.get(short) or 0) - old.count(short) + new.count(short)
        counts.put(short, after or None)
