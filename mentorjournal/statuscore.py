"""The arithmetic of `mj status` on plain values, shared by ``status.py`` and the snapshot.

``status.compute_status`` works from a loaded Journal; ``snapshot`` from what it
kept of each file. Both end here, so the two can never disagree. Records are
plain tuples: this module is on the fast path, where importing dataclasses and
typing would cost more than the whole computation.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    # (id, text, owners, due, goals, path, line): an open item as status shows it.
    Row = tuple[str, str, tuple[str, ...], str | None, tuple[str, ...], str, int]


def overdue(due: str | None, today: str) -> bool:
    # Dates are validated YYYY-MM-DD, so text order is date order.
    return due is not None and due < today


def sort_rows(rows: Iterable[Row], owner: str | None = None) -> list[Row]:
    """Open items, overdue first, then by due date (none last), then path and line."""
    chosen = rows if owner is None else (row for row in rows if owner in row[2])
    # Overdue items are exactly those due before today, so ordering by due date
    # already puts them first: today need not be part of the key.
    return sorted(chosen, key=lambda r: (r[3] is None, r[3] or "", r[5], r[6]))


def next_meeting(
    session_dates: Iterable[str], every: object, start: object, today: str
) -> tuple[str | None, bool, str | None, str | None]:
    """(due, overdue, last, every): the last session held (on or before today) plus the
    agreed cadence; with no session yet, the agreement's start date."""
    from mentorjournal.dates import next_after, parse_date, parse_every

    cadence = parse_every(every)
    last = max((date for date in session_dates if date <= today), default=None)
    held = parse_date(last)
    if held is not None and cadence is not None:
        due: str | None = next_after(held, cadence).isoformat()
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
    signatures: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
) -> dict[str, Any]:
    """The `mj status --json` object (its keys are part of the contract)."""
    return {
        "today": today,
        "open": [
            {
                "id": row[0],
                "text": row[1],
                "owner": list(row[2]),
                "due": row[3],
                "overdue": overdue(row[3], today),
                "goals": list(row[4]),
                "path": row[5],
                "line": row[6],
            }
            for row in rows
        ],
        "next_meeting": {"due": meeting[0], "overdue": meeting[1], "last": meeting[2]},
        "review": {"due": review, "overdue": overdue(review, today)},
        "signatures": {
            "valid": list(signatures[0]),
            "stale": list(signatures[1]),
            "missing": list(signatures[2]),
        },
    }
