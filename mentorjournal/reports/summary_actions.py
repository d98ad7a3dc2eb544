"""The summary's action items: each dated once, then counted over the report's window.

An item is *opened* on the date of the session that holds it, on its goal's ``opened``
date, or on the agreement's ``start``; it is *done* on its done date (or its opened
date when it has none). Its state is taken as of ``until``, so a report for a past
window does not count later work. ``opened`` and ``done`` count events inside the
window, ``open`` and ``overdue`` are the state at ``until``. Only the pair sees an
item's text, and never one from a confidential or private note (``audience.Gate``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from mentorjournal.audience import Gate
from mentorjournal.format.dates import parse_date
from mentorjournal.format.items import remove_hashtags
from mentorjournal.model import ActionItem, Journal
from mentorjournal.reports.statuscore import item_goals

__all__ = ["Actions", "DatedItem", "QuotedItem", "count_actions", "dated_items"]

NO_OWNER = "(none)"


@dataclass(frozen=True)
class OwnerActions:
    owner: str
    opened: int
    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class QuotedItem:
    """An open item the report names (for the pair only, never from confidential notes)."""

    id: str
    text: str
    owners: tuple[str, ...]
    due: str | None
    path: str
    line: int


@dataclass(frozen=True)
class ActionPoint:
    """Cumulative counts on one date: actions opened and done since the window began."""

    date: str
    opened: int
    done: int


@dataclass(frozen=True)
class Actions:
    opened: int
    done: int
    overdue: int
    open: int
    cancelled: int
    median_days_to_close: float | None
    per_owner: tuple[OwnerActions, ...]
    timeline: tuple[ActionPoint, ...]
    # Quoted only for the pair, and never from confidential or private files.
    overdue_items: tuple[QuotedItem, ...]
    open_items: tuple[QuotedItem, ...]  # open and not overdue, due date first


@dataclass(frozen=True, slots=True)
class DatedItem:
    """An item with what the report needs of it, worked out once."""

    item: ActionItem
    opened: dt.date
    done: dt.date | None
    due: dt.date | None
    quoted: bool  # its text may appear in the report
    # "open", "done" or "cancelled" as of the report's end.
    state: str
    goals: tuple[str, ...]
    until: dt.date

    @property
    def overdue(self) -> bool:
        return self.state == "open" and self.due is not None and self.due < self.until


def dated_items(
    journal: Journal,
    since: dt.date,
    until: dt.date,
    gate: Gate,
    session_days: Mapping[str, dt.date],
) -> list[DatedItem]:
    """Every item opened by ``until``, dated, with its state at ``until``; a session's
    date is its entry in ``session_days`` (by path)."""
    agreement = journal.agreement
    start = parse_date(agreement.meta.get("start")) if agreement else None
    goal_ids = set(journal.goals)
    found: list[DatedItem] = []
    for doc in journal.documents:
        if doc.kind == "session":
            opened = session_days.get(doc.path)
        elif doc.kind == "goal":
            opened = parse_date(doc.meta.get("opened"))
        else:
            opened = start
        opened = opened or since
        if opened > until:
            continue
        quoted = gate.quotes(doc.path, doc.meta)
        for item in doc.items:
            done = parse_date(item.done) or (opened if item.state == "done" else None)
            if item.state == "cancelled":
                state = "cancelled"
            elif item.state == "done" and done is not None and done <= until:
                state = "done"
            else:
                state = "open"
            goals = item_goals(item.path, item.hashtags, goal_ids)
            found.append(
                DatedItem(item, opened, done, parse_date(item.due), quoted, state, goals, until)
            )
    return found


def count_actions(items: list[DatedItem], since: dt.date, until: dt.date) -> Actions:
    """The journal-wide counts, per owner, over time, and the open items to name."""

    def in_window(day: dt.date | None) -> bool:
        return day is not None and since <= day <= until

    opened = [d for d in items if in_window(d.opened)]
    done = [d for d in items if d.state == "done" and in_window(d.done)]
    closing_days = [max(0, (d.done - d.opened).days) for d in done if d.done is not None]

    owners: dict[str, list[DatedItem]] = {}
    for d in items:
        for owner in d.item.owners or (NO_OWNER,):
            owners.setdefault(owner, []).append(d)
    per_owner = [
        OwnerActions(
            owner=owner,
            opened=sum(1 for d in mine if in_window(d.opened)),
            done=sum(1 for d in mine if d.state == "done" and in_window(d.done)),
            open=sum(1 for d in mine if d.state == "open"),
            overdue=sum(1 for d in mine if d.overdue),
        )
        for owner, mine in sorted(owners.items())
    ]

    opened_on = Counter(d.opened for d in opened)
    done_on = Counter(d.done for d in done if d.done is not None)
    timeline = [ActionPoint(since.isoformat(), 0, 0)]
    total_opened = total_done = 0
    for day in sorted(opened_on.keys() | done_on.keys()):
        total_opened += opened_on[day]
        total_done += done_on[day]
        if timeline[-1].date == day.isoformat():
            timeline.pop()  # events on the window's first day
        timeline.append(ActionPoint(day.isoformat(), total_opened, total_done))
    if timeline[-1].date != until.isoformat():
        timeline.append(ActionPoint(until.isoformat(), total_opened, total_done))

    listed = sorted(
        (d for d in items if d.state == "open" and d.quoted),
        key=lambda d: (d.due is None, d.due or until, d.item.path, d.item.line),
    )
    return Actions(
        opened=len(opened),
        done=len(done),
        overdue=sum(1 for d in items if d.overdue),
        open=sum(1 for d in items if d.state == "open"),
        cancelled=sum(1 for d in items if d.item.state == "cancelled" and in_window(d.opened)),
        median_days_to_close=float(statistics.median(closing_days)) if closing_days else None,
        per_owner=tuple(per_owner),
        timeline=tuple(timeline),
        overdue_items=tuple(_quoted(d) for d in listed if d.overdue),
        open_items=tuple(_quoted(d) for d in listed if not d.overdue),
    )


def _quoted(d: DatedItem) -> QuotedItem:
    due = d.due.isoformat() if d.due else None
    text = remove_hashtags(d.item.text, set(d.goals))
    return QuotedItem(d.item.id, text, d.item.owners, due, d.item.path, d.item.line)
