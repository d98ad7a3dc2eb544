"""Who owes what, when the pair meets next, and whether the agreement is current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING, Any

from mentorjournal.audience import counts_as_held
from mentorjournal.format.dates import parse_date
from mentorjournal.model import ActionItem, Journal
from mentorjournal.reports import statuscore

if TYPE_CHECKING:  # signatures (hashlib, ssh-keygen) load only when a status is computed
    from mentorjournal.checks.signatures import SignatureState


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
        return statuscore.as_json(
            self.today,
            ((i.id, i.text, i.owners, i.due, i.goals, i.path, i.line) for i in self.open),
            (self.next_meeting.due, self.next_meeting.overdue, self.next_meeting.last, None),
            self.review.due,
            astuple(self.signatures),
        )

    @classmethod
    def from_parts(
        cls,
        today: str,
        rows: Iterable[statuscore.Row | statuscore.JsonRow],
        meeting: tuple[str | None, bool, str | None, str | None],
        review: str | None,
        signatures: SignatureState,
    ) -> Status:
        """A Status from the plain values statuscore works with."""
        return cls(
            today=today,
            open=tuple(open_items_of(rows, today)),
            next_meeting=NextMeeting(*meeting),
            review=Review(review, statuscore.overdue(review, today)),
            signatures=signatures,
        )


def open_row(item: ActionItem, goal_ids: set[str]) -> statuscore.Row:
    """An open item as status shows it: goal-link tags dropped from its text."""
    return statuscore.open_row(
        item.path, item.line, item.id, item.text, item.owners, item.due, item.hashtags, goal_ids
    )


def open_rows(journal: Journal, owner: str | None = None) -> list[statuscore.Row]:
    """The open items' rows, overdue first, then by due date (none last), then path
    and line."""
    goal_ids = set(journal.goals)
    rows = [open_row(item, goal_ids) for item in journal.items() if item.is_open]
    return statuscore.sort_rows(rows, owner)


def open_items_of(
    rows: Iterable[statuscore.Row | statuscore.JsonRow], today: str
) -> list[OpenItem]:
    """OpenItems from status rows (as sorted), overdue as of ``today``."""
    return [
        OpenItem(item_id, text, owners, due, statuscore.overdue(due, today), goals, path, line)
        for item_id, text, owners, due, goals, path, line, *_ in rows
    ]


def session_dates(journal: Journal) -> list[str]:
    """The dates of the sessions held, as YYYY-MM-DD (a private note is not a meeting)."""
    held = (doc for doc in journal.sessions if counts_as_held(doc.path, doc.kind))
    found = (parse_date(doc.meta.get("date")) for doc in held)
    return [date.isoformat() for date in found if date is not None]


def agreement_facts(journal: Journal) -> tuple[object, object, str | None, SignatureState]:
    """(cadence every, start, review date, signatures) as status reads them."""
    agreement = journal.agreement
    meta = agreement.meta if agreement else {}
    cadence = meta.get("cadence")
    every = cadence.get("every") if isinstance(cadence, dict) else None
    review = parse_date(meta.get("review"))
    from mentorjournal.checks.signatures import SignatureState, signature_state

    signatures = (
        signature_state(agreement, journal.root)
        if agreement and agreement.parsed
        else SignatureState((), (), ())
    )
    return every, meta.get("start"), review.isoformat() if review else None, signatures


def compute_status(journal: Journal, today: dt.date, owner: str | None = None) -> Status:
    day = today.isoformat()
    every, start, review, signatures = agreement_facts(journal)
    return Status.from_parts(
        day,
        open_rows(journal, owner),
        statuscore.next_meeting(session_dates(journal), every, start, day),
        review,
        signatures,
    )
