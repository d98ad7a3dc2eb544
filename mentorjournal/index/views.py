"""Views over a whole journal that commands share, kept by the cache between runs.

The findings are computed from the records the one way (``validate``) and kept by
``store.view`` under the keys of every file they came from. The open items, with
their journal-wide ids, and what a new session is pre-filled from come from the
status snapshot, which is brought up to date for edited notes without unpacking
10,000 records; when it cannot answer, ``journal`` reads everything and leaves a
new snapshot behind.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mentorjournal.index import cachefile, gitstate, store
from mentorjournal.model import ActionItem, Finding, Journal

if TYPE_CHECKING:
    from collections.abc import Callable

    from mentorjournal.edit.authoring import SessionPlan
    from mentorjournal.index.snapshot import Snapshot


def _findings_rows(journal: Journal) -> tuple[tuple[object, ...], tuple[str, ...], int]:
    from mentorjournal.checks.validate import validate

    rows = tuple(
        (f.path, f.line, f.column, f.severity, f.code, f.message) for f in validate(journal)
    )
    names = {doc.path for doc in journal.documents} | {f.path for f in journal.findings}
    return rows, tuple(sorted(names)), len(journal.documents)


def findings(
    root: Path, given: tuple[bytes, bytes] | None = None, mark: str | None = None
) -> tuple[list[Finding], list[str], int]:
    """Every finding of the working tree's journal (sorted as ``validate`` sorts them),
    the paths of the files it holds, and how many documents it has. ``given`` and
    ``mark``: what git said of it and its history mark, when asked once for many (a
    program's pairs, ``program.pairs_given``)."""
    if given is None or mark is None:
        mark = gitstate.history_mark(str(root))  # signatures read the agreement's history
    rows, names, documents = store.view(root, "findings", (mark,), _findings_rows, tuple, given)
    return [Finding(*row) for row in rows], list(names), documents


def journal(root: Path) -> Journal:
    """The whole journal, read through the cache; leaves a status snapshot behind, so
    that the next status, done or new session answers from it (when the one there is
    not fresh: writing one costs ~0.6 s at 10,000 notes, bringing it up to date ~30 ms)."""
    from mentorjournal.index import refresh

    if os.environ.get("MJ_NO_CACHE"):
        return store.load_cached(root)
    fresh = refresh.load_fresh(str(root))
    loaded = store.load(root)
    if fresh is None:
        refresh.save(str(root), loaded)
    return loaded.journal


def _snapshot(root: Path) -> Snapshot | None:
    from mentorjournal.index import refresh

    return None if os.environ.get("MJ_NO_CACHE") else refresh.load_fresh(str(root))


def open_items(
    root: Path, named: Callable[[str, str], bool] | None = None, prefix: str = ""
) -> list[ActionItem] | None:
    """The open items as the status snapshot keeps them (brought up to date for edited
    notes, ids journal-wide), only those whose (id, text) ``named`` accepts and whose
    id starts with ``prefix`` (any case); None when the snapshot cannot answer and the
    whole journal must. A prefix of two characters or more reads only the notes that
    hold such ids, not every open item."""
    found = cachefile.without_collector(lambda: _items_named(root, prefix, named))
    return found[0] if found else None


def named_items(root: Path, prefix: str) -> tuple[list[ActionItem], set[str] | None] | None:
    """``open_items`` whose id starts with ``prefix`` (two characters or more), and the
    notes that hold every item, open or closed, whose id or key starts with it (what
    `mj done a1b2` must read rather than the whole journal; None when such an item's
    short id is shared: its id is lengthened journal-wide). None when the snapshot
    cannot answer."""
    if len(prefix) < 2:
        return None
    return cachefile.without_collector(lambda: _items_named(root, prefix, None))


def _items_named(
    root: Path, prefix: str, named: Callable[[str, str], bool] | None
) -> tuple[list[ActionItem], set[str] | None] | None:
    kept = _snapshot(root)
    if kept is None:
        return None
    notes: set[str] | None = None
    try:
        if len(prefix) >= 2:
            # Names are short ids (an id lengthened for a clash starts with its short
            # one) or explicit ids: the first six characters find every item.
            names = kept.names(prefix[:6])
            notes = {path for holders in names.values() for path in holders}
            rows = [row for path in sorted(notes) for row in kept.rows_of(path)]
            if any((kept.counts.get(name) or 0) > 1 for name in names):
                notes = None
        else:
            rows = kept.open_rows(None)
    except (EOFError, ValueError, TypeError):
        kept.forget()
        return None  # a damaged snapshot: the whole journal answers, and writes a new one
    lowered = prefix.lower()
    # Rows are (id, text, owners, due, goals, path, line, ...): tested before unpacking.
    items = [
        ActionItem(row[5], row[6], "open", row[1], row[2], row[3], None, row[4], row[0])
        for row in rows
        if row[0].lower().startswith(lowered) and (named is None or named(row[0], row[1]))
    ]
    return items, notes


def session_plan(root: Path, day: dt.date) -> SessionPlan | None:
    """A new session's plan from the status snapshot (as ``authoring.session_plan`` makes
    it from the whole journal); None when the snapshot cannot answer."""
    return cachefile.without_collector(lambda: _session_plan(root, day))


def _session_plan(root: Path, day: dt.date) -> SessionPlan | None:
    from mentorjournal.edit.authoring import SessionPlan, last_session, review_items, to_review
    from mentorjournal.reports.status import open_items_of

    kept = _snapshot(root)
    if kept is None or kept.facts[6] is None:
        return None
    mentor, mentee, name, mode, length, active = kept.facts[6]
    try:
        last = last_session(kept.dates, day)
        rows = to_review(kept.ordered(), last, day)
        unlisted = kept.shared_open() - len(rows)
        chosen = open_items_of(rows, day.isoformat())
        # A record says whether its text may be copied (audience.quotable): its 8th value.
        records = {path: kept.records.get(path) for path in {item.path for item in chosen}}
    except (EOFError, ValueError, TypeError):
        kept.forget()
        return None  # a damaged snapshot: the whole journal answers, and writes a new one
    hidden = {path for path, record in records.items() if not record or record[7] is not False}
    listed, confidential = review_items(chosen, hidden.__contains__)
    first = not kept.dates
    return SessionPlan(
        mentor, mentee, name, mode, length, active, first, listed, confidential, last, unlisted
    )
