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

from mentorjournal.audience import is_private
from mentorjournal.index import cachefile
from mentorjournal.index.shelf import Chunks, PrefixShelf, Shelf, pieces_file, read_pieces_file
from mentorjournal.reports import statuscore

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    # What status keeps of one file: (blob it was read from, index blob or None,
    # kind, date of the session held or None, error count, open rows, short item ids,
    # whether its text must not be copied out of it: ``audience.quotable``, the names
    # `mj done` finds its items by, open or closed: lowercase explicit or short ids).
    Record = tuple[
        str,
        str | None,
        str,
        str | None,
        int,
        tuple[statuscore.JsonRow, ...],
        tuple[str, ...],
        bool,
        tuple[str, ...],
    ]
    Rows = tuple[statuscore.JsonRow, ...]
    # (sorted session dates, records, counts, item names, marshal of the paths, open
    # rows in status order, [how many open rows, how many of them in private notes])
    Body = tuple[list[str], Shelf, Shelf, PrefixShelf, bytes | memoryview, Chunks, list[int]]

_TAG = "mj-status-snapshot"


class Snapshot:
    """A journal's status inputs, in two files and three layers.

    Every run reads the head (``status-*.marshal``): the index checksum and folder
    times that say whether anything changed, the journal facts, the error count, and
    the few files that must be hashed each time (not in the index, or differing
    from it). When nothing changed, the output of the same command on the same day
    is kept (``status-json-*``, ``status-text-*``) under the head's generation, and
    that is all a warm run reads.

    The body (``status-body-*``) is read only when something must be computed:
    session dates; each file's record, open rows included (``records``); how many
    items use each short id (``counts``); the notes that hold each item name, open or
    closed (``names``, by its first two characters: `mj done a1b2` unpacks one shard);
    the open rows in status order (``order``, in runs of 512; rows are kept twice, in
    the records an edit touches and in the order status reads whole). A changed note
    costs a few hundred entries, not 50,000. The paths that have a record, compared
    with a new walk, say which files came or went. Head and body carry the same
    generation; a mismatch (a writer between our two reads) is no snapshot.
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
        # (goal ids, cadence every, start, review, SignatureState's fields, names, pair,
        # the history mark the signatures were judged under: None when no one has a key)
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
        """(sorted session dates, records, counts, item names, paths, order, [open rows,
        those in private notes]); ValueError when the body file is missing, damaged or
        of another generation."""
        if self._body is None:
            try:
                tag, mark, generation, dates, tally, firsts, pieces = read_pieces_file(
                    cachefile.mapped(self._part("body"))
                )
                records, counts, ids, (paths,), runs = pieces
                if len(tally) != 2:
                    raise TypeError("a damaged snapshot body")
                self._body = (
                    dates,
                    Shelf(records, _RECORD_SHARDS),
                    Shelf(counts, _ID_SHARDS),
                    PrefixShelf(ids, _ID_SHARDS),
                    paths,
                    Chunks(firsts, runs, statuscore.row_key),
                    list(tally),
                )
            except (EOFError, ValueError, TypeError) as damaged:
                raise ValueError("no snapshot body") from damaged
            if (tag, mark, generation) != (_TAG, cachefile.fingerprint(), self._base):
                self._body = None
                raise ValueError("a snapshot body of another generation")
            if self.generation != self._base:
                self._replay()
        return self._body

    def _replay(self) -> None:
        """Apply the delta file: the records that changed since the body was written."""
        try:
            tag, base, generation, delta = marshal.loads(cachefile.load(self._part("delta")))
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
    def dates(self) -> list[str]:
        return self.body()[0]

    @property
    def records(self) -> Shelf:
        return self.body()[1]  # path -> Record

    @property
    def counts(self) -> Shelf:
        return self.body()[2]  # short item id -> how many items use it

    def rows_of(self, path: str) -> Rows:
        """The open rows of one file (raises as marshal does when damaged)."""
        record = self.records.get(path)
        return record[5] if record else ()

    def names(self, prefix: str) -> dict[str, tuple[str, ...]]:
        """The items' names (lowercase explicit or short ids, open or closed) that start
        with ``prefix`` (two characters or more), and the notes that hold them (raises
        as marshal does when damaged). A lengthened id starts with its short one."""
        return self.body()[3].starting(prefix.lower())

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
        dates, records, counts, ids, paths, order, tally = self.body()
        self.generation = os.urandom(8)
        self.rewritten = True
        mark = cachefile.fingerprint()
        if self._base is not None and len(self._delta) <= _MOST_DELTA:
            delta = (_TAG, self._base, self.generation, self._delta)
            cachefile.store(self._part("delta"), marshal.dumps(delta))
        else:
            if self._paths_changed:
                paths = marshal.dumps(tuple(sorted(self.known_paths())))
                self._body = (dates, records, counts, ids, paths, order, tally)
                self._paths_changed = False
            firsts, runs = order.pack()
            pieces = (records.pack(), counts.pack(), ids.pack(), (paths,), runs)
            facts = (_TAG, mark, self.generation, dates, tuple(tally), firsts)
            cachefile.store(self._part("body"), pieces_file(facts, pieces))
            self._base, self._delta = self.generation, {}
        head = (self.checksum, self.dirs, self.started_ns, self.facts, self.watch, self.errors)
        data = (_TAG, mark, self.generation, (*head, self._base))
        cachefile.store(self._where, marshal.dumps(data))

    def forget(self) -> None:
        """Found damaged after it was read as fresh: no later run may take it for one."""
        cachefile.discard(self._where)

    @classmethod
    def read(cls, where: str) -> Snapshot | None:
        """The head at ``where``; None when missing, foreign or damaged."""
        try:
            tag, mark, generation, head = marshal.loads(cachefile.load(where))
            if (tag, mark) != (_TAG, cachefile.fingerprint()) or len(head) != 7:
                return None
            if len(head[3]) != 8:
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
        dates = sorted(entry[3] for entry in files.values() if entry[3] is not None)
        errors = sum(entry[4] for entry in files.values())
        watch = {path: entry[0] for path, entry in files.items() if entry[0] != entry[1]}
        ids: dict[str, tuple[str, ...]] = {}
        for path, entry in files.items():
            for name in entry[8]:
                ids[name] = (*ids.get(name, ()), path)
        private = sum(len(entry[5]) for path, entry in files.items() if is_private(path))
        order = statuscore.sort_rows(row for entry in files.values() for row in entry[5])
        tally = [len(order), private]
        body = (
            dates,
            Shelf.build(files, _RECORD_SHARDS),
            Shelf.build(counts, _ID_SHARDS),
            PrefixShelf.build(ids, _ID_SHARDS),
            marshal.dumps(tuple(sorted(files))),
            Chunks.build(order, statuscore.row_key),
            tally,
        )
        return cls(where, b"", (*header, watch, errors), body)

    def kept_output(self, kind: str, key: str) -> str | None:
        """The output of `mj status` kept for this generation and ``key``, if any."""
        try:
            tag, generation, kept_key, text = marshal.loads(cachefile.load(self._part(kind)))
        except (EOFError, ValueError, TypeError):
            return None
        if (tag, generation, kept_key) != (_TAG, self.generation, key):
            return None
        return text if isinstance(text, str) else None

    def keep_output(self, kind: str, key: str, text: str) -> None:
        cachefile.store(self._part(kind), marshal.dumps((_TAG, self.generation, key, text)))

    def _part(self, part: str) -> str:
        """The file beside the head that holds ``part`` (body, delta, a kept output)."""
        return cachefile.beside(self._where, part)

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
        dates, records, _, ids, _, order, tally = self.body()
        records.put(path, new)
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
        private = is_private(path)
        if old is not None:
            for row in old[5]:
                order.remove(row)
            for name in old[8]:
                holders = list(ids.get(name) or ())
                if path not in holders:
                    raise ValueError("a damaged snapshot: an item's name is not listed")
                holders.remove(path)
                ids.put(name, tuple(holders) or None)
            tally[0] -= len(old[5])
            tally[1] -= len(old[5]) if private else 0
            if old[3] is not None:
                index = bisect.bisect_left(dates, old[3])
                if index == len(dates) or dates[index] != old[3]:
                    raise ValueError("a damaged snapshot: a record's date is not in the summary")
                del dates[index]
        if new is not None:
            for row in new[5]:
                order.add(row)
            for name in new[8]:
                ids.put(name, (*(ids.get(name) or ()), path))
            tally[0] += len(new[5])
            tally[1] += len(new[5]) if private else 0
            if new[3] is not None:
                bisect.insort(dates, new[3])

    def open_rows(self, owner: str | None) -> list[statuscore.JsonRow]:
        """Open rows in status order (kept sorted: no sort per run); ValueError when
        the snapshot is damaged."""
        try:
            order = self.body()[5]
            if owner is None:
                return list(order)
            return [row for row in order if owner in row[2]]
        except (EOFError, TypeError) as damaged:
            raise ValueError("a damaged snapshot") from damaged

    def ordered(self) -> Iterator[statuscore.JsonRow]:
        """Open rows in status order, each run unpacked as it is reached (raises as
        marshal does when damaged)."""
        return iter(self.body()[5])

    def shared_open(self) -> int:
        """How many open items are in notes that are not private."""
        open_rows, private = self.body()[6]
        return open_rows - private

    def next_meeting(self, today: str) -> tuple[str | None, bool, str | None, str | None]:
        _, every, start, *_ = self.facts
        return statuscore.next_meeting(self.dates, every, start, today)

    def status_json(self, today: str, owner: str | None) -> str:
        """`mj status --json`, exactly as ``status.compute_status`` and json give it."""
        _, _, _, review, signatures, *_ = self.facts
        rows = self.open_rows(owner)
        return statuscore.json_text(today, rows, self.next_meeting(today), review, signatures)


# Changed files kept in the delta file before the whole body is written again.
_MOST_DELTA = 64
_RECORD_SHARDS = 64  # ~160 records each in a 10,000-session journal
_ID_SHARDS = 256  # ~140 short ids each


def _where(root: str, git_dir: str) -> str:
    return cachefile.cache_path(root, git_dir, "status")


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
