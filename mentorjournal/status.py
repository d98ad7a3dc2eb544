"""Who owes what, when the pair meets next, and whether the agreement is current."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mentorjournal.dates import next_after, parse_date, parse_every
from mentorjournal.items import remove_hashtags
from mentorjournal.model import ActionItem, Journal
from mentorjournal.signatures import SignatureState, signature_state


@dataclass(frozen=True)
class OpenItem:
    id: str
    text: str
    owners: tuple[str, ...]
    due: str | None
    overdue: bool
    goals: tuple[str, ...]
    path: str
    line: int


@dataclass(frozen=True)
class NextMeeting:
    due: str | None
    overdue: bool
    last: str | None
    every: str | None


@dataclass(frozen=True)
class Review:
    due: str | None
    overdue: bool


@dataclass(frozen=True)
class Status:
    today: str
    open: tuple[OpenItem, ...]
    next_meeting: NextMeeting
    review: Review
    signatures: SignatureState

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today,
            "open": [
                {
                    "id": item.id,
                    "text": item.text,
                    "owner": list(item.owners),
                    "due": item.due,
                    "overdue": item.overdue,
                    "goals": list(item.goals),
                    "path": item.path,
                    "line": item.line,
                }
                for item in self.open
            ],
            "next_meeting": {
                "due": self.next_meeting.due,
                "overdue": self.next_meeting.overdue,
                "last": self.next_meeting.last,
            },
            "review": {"due": self.review.due, "overdue": self.review.overdue},
            "signatures": {
                "valid": list(self.signatures.valid),
                "stale": list(self.signatures.stale),
                "missing": list(self.signatures.missing),
            },
        }


def item_goals(item: ActionItem, goal_ids: set[str]) -> tuple[str, ...]:
    """Goals an item links to: its #goal tags, and the goal whose file holds it."""
    goals = [tag for tag in item.hashtags if tag in goal_ids]
    folder, _, name = item.path.rpartition("/")
    if folder in ("goals", "private/goals") and name[:-3] in goal_ids and name[:-3] not in goals:
        goals.insert(0, name[:-3])
    return tuple(goals)


def open_item(item: ActionItem, goal_ids: set[str], today: dt.date) -> OpenItem:
    goals = item_goals(item, goal_ids)
    due = parse_date(item.due)
    return OpenItem(
        id=item.id,
        text=remove_hashtags(item.text, set(goals)),
        owners=item.owners,
        due=item.due,
        overdue=due is not None and due < today,
        goals=goals,
        path=item.path,
        line=item.line,
    )


def open_items(journal: Journal, today: dt.date, owner: str | None = None) -> list[OpenItem]:
    """Open items, overdue first, then by due date (none last), then path and line."""
    goal_ids = set(journal.goals)
    found = [
        open_item(item, goal_ids, today)
        for item in journal.items()
        if item.is_open and (owner is None or owner in item.owners)
    ]
    return sorted(
        found,
        key=lambda i: (not i.overdue, i.due is None, i.due or "", i.path, i.line),
    )


def next_meeting_due(journal: Journal, today: dt.date) -> NextMeeting:
    """The last session held (on or before today) plus the agreed cadence."""
    agreement = journal.agreement
    meta = agreement.meta if agreement else {}
    cadence = meta.get("cadence")
    every_text = cadence.get("every") if isinstance(cadence, dict) else None
    every = parse_every(every_text)
    held = [
        date
        for doc in journal.sessions
        if (date := parse_date(doc.meta.get("date"))) is not None and date <= today
    ]
    last = max(held) if held else None
    if last is not None and every is not None:
        due: dt.date | None = next_after(last, every)
    else:
        due = parse_date(meta.get("start")) if last is None else None
    return NextMeeting(
        due=due.isoformat() if due else None,
        overdue=due is not None and due < today,
        last=last.isoformat() if last else None,
        every=every_text if isinstance(every_text, str) else None,
    )


def compute_status(journal: Journal, today: dt.date, owner: str | None = None) -> Status:
    agreement = journal.agreement
    review = parse_date(agreement.meta.get("review")) if agreement else None
    signatures = (
        signature_state(agreement) if agreement and agreement.parsed else SignatureState((), (), ())
    )
    return Status(
        today=today.isoformat(),
        open=tuple(open_items(journal, today, owner)),
        next_meeting=next_meeting_due(journal, today),
        review=Review(
            review.isoformat() if review else None, review is not None and review < today
        ),
        signatures=signatures,
    )
