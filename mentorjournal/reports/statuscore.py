"""The arithmetic of `mj status` on plain values, shared by ``status.py`` and the snapshot.

``status.compute_status`` works from a loaded Journal; ``snapshot`` from what it
kept of each file. Both end here, so the two can never disagree. Records are
plain tuples: this module is on the fast path, where importing dataclasses and
typing would cost more than the whole computation.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable
    from typing import Any, TypeVar

    # (id, text, owners, due, goals, path, line): an open item as status shows it.
    Row = tuple[str, str, tuple[str, ...], str | None, tuple[str, ...], str, int]
    # A Row followed by its `mj status --json` object, cut around the "overdue" value
    # (the one that depends on today): the snapshot keeps these.
    JsonRow = tuple[str, str, tuple[str, ...], str | None, tuple[str, ...], str, int, str, str]
    AnyRow = TypeVar("AnyRow", Row, JsonRow)

SIGNATURES = ("valid", "stale", "missing", "invalid")  # a SignatureState's first four


def item_goals(path: str, hashtags: Iterable[str], goal_ids: Collection[str]) -> tuple[str, ...]:
    """Goals an item links to: its #goal tags, and the goal whose file holds it."""
    goals = [tag for tag in hashtags if tag in goal_ids]
    folder, _, name = path.rpartition("/")
    if folder in ("goals", "private/goals") and name[:-3] in goal_ids and name[:-3] not in goals:
        goals.insert(0, name[:-3])
    return tuple(goals)


def open_row(
    path: str,
    line: int,
    item_id: str,
    text: str,
    owners: tuple[str, ...],
    due: str | None,
    hashtags: tuple[str, ...],
    goal_ids: Collection[str],
) -> Row:
    """An open item as status shows it: goal-link tags dropped from its text."""
    from mentorjournal.format.items import remove_hashtags

    goals = item_goals(path, hashtags, goal_ids)
    return (item_id, remove_hashtags(text, set(goals)), owners, due, goals, path, line)


def overdue(due: str | None, today: str) -> bool:
    # Dates are validated YYYY-MM-DD, so text order is date order.
    return due is not None and due < today


def row_key(row: Row | JsonRow) -> tuple[bool, str, str, int]:
    """Open items, overdue first, then by due date (none last), then path and line.
    Overdue items are exactly those due before today, so ordering by due date
    already puts them first: today is not part of the key, and an order kept
    from one day to the next stays right."""
    return (row[3] is None, row[3] or "", row[5], row[6])


def sort_rows(rows: Iterable[AnyRow], owner: str | None = None) -> list[AnyRow]:
    """``rows`` of ``owner`` (all: None) in ``row_key`` order."""
    chosen = rows if owner is None else (row for row in rows if owner in row[2])
    return sorted(chosen, key=row_key)


def held_dates(session_dates: Iterable[str], start: object, today: str) -> list[str]:
    """The dates, in the order given, of the sessions held under the agreement by
    ``today``: a meeting before its ``start`` is not one of its sessions (status, summary
    and the program's roll-up all count by this)."""
    from mentorjournal.format.dates import parse_date

    first = parse_date(start)
    since = first.isoformat() if first else ""
    return [date for date in session_dates if since <= date <= today]


def next_meeting(
    session_dates: Iterable[str], every: object, start: object, today: str
) -> tuple[str | None, bool, str | None, str | None]:
    """(due, overdue, last, every): the last session held (``held_dates``) plus the
    agreed cadence; with no session yet, the agreement's start date."""
    from mentorjournal.format.dates import next_after, parse_date, parse_every

    cadence = parse_every(every)
    last = max(held_dates(session_dates, start, today), default=None)
    held = parse_date(last)
    if held is not None and cadence is not None:
        after = next_after(held, cadence)  # None: no date is that far away
        due: str | None = after.isoformat() if after else None
    elif held is None:
        start_date = parse_date(start)
        due = start_date.isoformat() if start_date else None
    else:
        due = None
    return due, overdue(due, today), last, every if isinstance(every, str) else None


def as_json(
    today: str,
    rows: Iterable[Row],
    meeting: tuple[str | None, bool, str | None, str | None],
    review: str | None,
    signatures: tuple[tuple[str, ...], ...],
) -> dict[str, Any]:
    """The `mj status --json` object (its keys are part of the contract)."""
    return {
        "today": today,
        "open": [_item_json(row, overdue(row[3], today)) for row in rows],
        "next_meeting": {"due": meeting[0], "overdue": meeting[1], "last": meeting[2]},
        "review": {"due": review, "overdue": overdue(review, today)},
        "signatures": dict(zip(SIGNATURES, map(list, signatures[:4]), strict=True)),
    }


def _item_json(row: Row, is_overdue: bool | None) -> dict[str, Any]:
    return {
        "id": row[0],
        "text": row[1],
        "owner": list(row[2]),
        "due": row[3],
        "overdue": is_overdue,
        "goals": list(row[4]),
        "path": row[5],
        "line": row[6],
    }


def json_row(row: Row) -> JsonRow:
    """``row`` with its JSON object, as ``as_json`` and ``json.dumps`` write it, cut
    around the "overdue" value."""
    from mentorjournal.render.terminal import json_text

    text = json_text(_item_json(row, None))
    # Quotes inside values are escaped: the only bare '"overdue": null' is the key.
    before, after = text.split('"overdue": null', 1)
    return (*row, before + '"overdue": ', after)


def json_text(
    today: str,
    rows: Iterable[JsonRow],
    meeting: tuple[str | None, bool, str | None, str | None],
    review: str | None,
    signatures: tuple[tuple[str, ...], ...],
) -> str:
    """``terminal.json_text(as_json(...))``, from rows that carry their JSON: encoding
    thousands of items again on every run would cost more than the rest."""
    from mentorjournal.render.terminal import json_text

    items = ", ".join(
        row[7] + ("true" if overdue(row[3], today) else "false") + row[8] for row in rows
    )
    rest = json_text(as_json(today, (), meeting, review, signatures))
    empty = '"open": [], '
    cut = rest.index(empty)  # "today" comes first: its value is a date, never this text
    return rest[:cut] + '"open": [' + items + "], " + rest[cut + len(empty) :]
