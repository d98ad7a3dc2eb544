"""Bringing the status snapshot up to date: records made from a full read, and
``load_fresh``, which rebuilds only the session notes that changed.

``snapshot.py`` holds the snapshot itself (head, body, delta, kept output).
"""

from __future__ import annotations

import os

from mentorjournal.digest import blob_id
from mentorjournal.format import layout
from mentorjournal.index import cachefile, gitstate
from mentorjournal.index.snapshot import Snapshot, _ids_still_unique, _where
from mentorjournal.reports import statuscore

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from mentorjournal.format.document import Packed
    from mentorjournal.index.snapshot import Record
    from mentorjournal.index.store import Loaded
    from mentorjournal.model import Document, Journal

_ID_LENGTH = 6  # items.ID_LENGTH, without importing items


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
    # Every item's, open or closed, as `mj done` names it: that short id, or its own.
    names = tuple(
        dict.fromkeys(key.lower() if explicit else key[:_ID_LENGTH] for *_, key, explicit in items)
    )
    held = parse_date(meta.get("date")) if counts_as_held(path, kind) and parsed else None
    hidden = not quotable(path, meta)
    day = held.isoformat() if held else None
    return (blob, index_blob, kind, day, errors, rows, ids, hidden, names)


def _facts(journal: Journal) -> tuple[Any, ...]:
    """What status and a new session need of the agreement and the goals (none of it
    changes while only session notes do, which is when the snapshot answers)."""
    from dataclasses import astuple

    from mentorjournal.checks.signatures import reads_history
    from mentorjournal.edit.authoring import active_goals, pair_facts
    from mentorjournal.errors import MjError
    from mentorjournal.journal import people
    from mentorjournal.reports.status import agreement_facts

    every, start, review, signatures = agreement_facts(journal)
    names = {handle: person.name for handle, person in people(journal).items()}
    sigs = astuple(signatures)  # SignatureState's fields, its `why` last
    try:
        pair: tuple[Any, ...] | None = (*pair_facts(journal), active_goals(journal))
    except MjError:
        pair = None  # a new session asks the full path, which says what is wrong
    mark = gitstate.history_mark(journal.root) if reads_history(journal.agreement) else None
    return (tuple(journal.goals), every, start, review, sigs, names, pair, mark)


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
            files[path] = (blob, index_blob, "other", None, 0, (), (), False, ())
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
    When someone has a key, the signatures were judged under the history as it was
    (``facts[7]``): once it moved (a commit, a merge, an unshallowed clone), they are
    judged again (the agreement is as it was: verdicts kept, no ssh-keygen).
    """
    snapshot = cachefile.without_collector(lambda: _load_fresh(root, meanwhile))
    judged = snapshot.facts[7] if snapshot is not None else None
    mark = gitstate.history_mark(root) if judged is not None else None
    if snapshot is None or mark == judged:
        return snapshot
    from dataclasses import astuple

    from mentorjournal.checks.signatures import signature_state
    from mentorjournal.format.document import parse_document

    data = layout.read_head(os.path.join(root, layout.AGREEMENT))
    agreement = parse_document(layout.AGREEMENT, data) if data is not None else None
    if agreement is None or not agreement.parsed:
        return None
    state = astuple(signature_state(agreement, root))
    snapshot.facts = (*snapshot.facts[:4], state, *snapshot.facts[5:7], mark)
    try:
        snapshot.store()
    except (EOFError, ValueError, TypeError):
        return None  # a damaged snapshot: the full path writes a new one
    return snapshot


def _load_fresh(root: str, meanwhile: Callable[[], None] | None) -> Snapshot | None:
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
                if not isinstance(entry, tuple) or len(entry) != 9:
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
                    moved[path] = _moved(old, index_blob)
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
                moved[path] = _moved(old, index_blob)
            continue
        stale[path] = (data, blob, index_blob)

    fresh = _rebuild(stale, old_records, set(snapshot.facts[0]), snapshot)
    if fresh is None:
        return None
    fresh.update(moved)
    if not fresh and not rewalked and not index_changed:
        return snapshot  # only untouched files were looked at: nothing to write
    snapshot.checksum = checksum
    snapshot.dirs, snapshot.started_ns = listing.dirs, listing.started_ns
    try:
        for path, entry in fresh.items():
            snapshot.replace(path, old_records.get(path), entry)
        snapshot.store()
    except (EOFError, ValueError, TypeError):
        return None  # a damaged snapshot: the full path writes a new one
    return snapshot


def _moved(old: Record, index_blob: str | None) -> Record:
    """``old`` with a new index blob (same bytes)."""
    return (old[0], index_blob, *old[2:])


def _blob(data: bytes | None) -> str | None:
    return blob_id(data) if data is not None else None


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
