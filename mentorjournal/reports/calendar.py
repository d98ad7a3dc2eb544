"""`mj calendar`: the pair's dates as calendar entries, computed once (render/calendar_ics
writes them as iCalendar).

* **Meetings**: one recurring series from the agreement's cadence (``every`` gives the
  rule, ``length`` the duration), from the next meeting `mj status` shows (the last
  session held plus the cadence, or the agreement's start) to the agreement's ``end``
  when it has one. The journal keeps only the current phase's cadence (earlier ones
  live in git history alone), so there is one series: a new phase's cadence and end
  replace it under the same UID, and a calendar that imports the feed again updates the
  series instead of keeping the old phase's recurring for ever.
* **Review**: the agreement's ``review`` date, all day.
* **Items**: every open item with a due date, all day, one event each.

What each audience sees is the audience gate's (``audience.Gate``): no calendar holds
anything of ``private/``; an item from a confidential session is "Action item (@ana)"
without its text for the pair, and not there at all for a sponsor, whose feed holds no
note text and only the parts ``consent.sponsor`` allows (cadence: the meetings,
actions: the items, goals: goal titles); the review date is in every feed.

UIDs join the journal's identity (a digest of the agreement's start, mentor and mentee:
the same in every clone, whatever the checkout's path) and the item's key, so a
re-import updates an event instead of adding a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mentorjournal.audience import Gate, is_confidential, withheld_place
from mentorjournal.digest import sha256_hex
from mentorjournal.errors import MjError
from mentorjournal.format.dates import parse_date, parse_every
from mentorjournal.journal import people
from mentorjournal.model import Journal
from mentorjournal.reports import statuscore
from mentorjournal.reports.status import open_row, session_dates

Audience = Literal["pair", "sponsor"]


class UnknownOwnerError(ValueError):
    """``--owner`` names nobody in the agreement (a usage error)."""


@dataclass(frozen=True)
class Meetings:
    uid: str
    start: dt.datetime  # floating local time: the pair's own clock
    every: tuple[int, str]  # as format.dates.parse_every gives it
    minutes: int
    until: dt.date | None
    summary: str
    description: str


@dataclass(frozen=True)
class DayEvent:
    """An all-day entry: the review date or an item's due date."""

    uid: str
    day: dt.date
    summary: str
    description: str
    remind_days: int


@dataclass(frozen=True)
class Feed:
    name: str
    meetings: Meetings | None
    days: tuple[DayEvent, ...]


def identity(meta: Mapping[str, Any]) -> str:
    """The journal's identity: the same in every clone and checkout of it."""
    handles = [_handle(meta, role) for role in ("mentor", "mentee")]
    text = "\n".join([str(meta.get("start", "")), *handles])
    return sha256_hex(text.encode("utf-8", "surrogateescape"))[:16]


def compute_calendar(
    journal: Journal, today: dt.date, audience: Audience, owner: str | None, at: dt.time
) -> Feed:
    """The entries of the feed; meetings start at ``at`` (local time)."""
    agreement = journal.agreement
    meta: Mapping[str, Any] = agreement.meta if agreement is not None else {}
    if not (parse_date(meta.get("start")) and _handle(meta, "mentor") and _handle(meta, "mentee")):
        raise MjError(
            "agreement.md gives no readable start, mentor and mentee, which every event's "
            "UID is made from: run `mj validate`, fix it, then `mj calendar` again"
        )
    names = {handle: person.name or handle for handle, person in people(journal).items()}
    if owner is not None:
        owner = owner.lstrip("@")
        if owner not in names:
            known = ", ".join(sorted(names)) or "nobody"
            raise UnknownOwnerError(f"{owner!r} is not in the agreement (it names {known})")
    ident = identity(meta)
    pair = " & ".join(names.get(h, h) for h in (_handle(meta, "mentor"), _handle(meta, "mentee")))
    review = parse_date(meta.get("review"))
    days = []
    if review is not None:
        said = "Revisit the agreement together (agreement.md `review`): purpose, cadence, goals."
        uid, summary = f"review-{ident}@mentorjournal", f"Agreement review: {pair}"
        days.append(DayEvent(uid, review, summary, said, 7))
    gate = Gate.of(journal, audience)
    if gate.shows("actions"):
        days += _items(gate.view(journal), gate, owner, ident, names)
    suffix = " (sponsor)" if audience == "sponsor" else ""
    meetings = _meetings(journal, meta, today, at, ident, pair) if gate.shows("cadence") else None
    return Feed(f"Mentoring: {pair}{suffix}", meetings, tuple(days))


def _handle(meta: Mapping[str, Any], role: str) -> str:
    entry = meta.get(role)
    return str(entry.get("handle", "")) if isinstance(entry, dict) else ""


def _meetings(
    journal: Journal, meta: Mapping[str, Any], today: dt.date, at: dt.time, ident: str, pair: str
) -> Meetings | None:
    cadence = meta.get("cadence")
    cadence = cadence if isinstance(cadence, dict) else {}
    every = parse_every(cadence.get("every"))
    due, _, last, _ = statuscore.next_meeting(
        session_dates(journal), cadence.get("every"), meta.get("start"), today.isoformat()
    )
    first, end = parse_date(due), parse_date(meta.get("end"))
    if every is None or first is None or (end is not None and end < first):
        return None
    length = cadence.get("length")
    minutes = length if isinstance(length, int) and 0 < length <= 24 * 60 else 60
    phase = meta.get("phase")
    text = str(cadence.get("every")).strip()
    said = [f"Meets {'every ' if text[:1].isdigit() else ''}{text}, {minutes} minutes"]
    if isinstance(cadence.get("mode"), str):
        said[0] += f", {cadence['mode']}"
    if isinstance(phase, int) and not isinstance(phase, bool):
        said.append(f"Phase {phase}" + (f", until {end.isoformat()}" if end else ""))
    said.append(f"From the last session ({last})" if last else "From the agreement's start")
    return Meetings(
        f"meetings-{ident}@mentorjournal",
        dt.datetime.combine(first, at),
        every,
        minutes,
        end,
        f"Mentoring session: {pair}",
        "\n".join(said),
    )


def _items(
    journal: Journal, gate: Gate, owner: str | None, ident: str, names: dict[str, str]
) -> list[DayEvent]:
    """Open items with a due date of the documents ``gate`` lets through."""
    goal_ids = set(journal.goals)
    shown = journal.goals.items() if gate.shows("goals") else ()
    titles = {goal_id: str(doc.meta.get("title", goal_id)) for goal_id, doc in shown}
    pair = gate.audience == "pair"
    found: list[tuple[str, str, int, DayEvent]] = []
    for doc in journal.documents:
        if not pair and is_confidential(doc.meta):
            continue  # a sponsor does not even learn that a confidential session set a date
        quoted = gate.quotes(doc.path, doc.meta)
        for item in doc.items:
            due = parse_date(item.due)
            if not item.is_open or due is None or (owner and owner not in item.owners):
                continue
            item_id, text, owners, _, goals, path, line = open_row(item, goal_ids)
            who = ", ".join(f"@{h} ({names[h]})" if h in names else f"@{h}" for h in owners)
            said = [f"Owner: {who or '(none)'}"]
            said += [f"Goal: {titles[goal]}" for goal in goals if goal in titles]
            if not quoted:
                text = f"Action item ({' '.join('@' + h for h in owners) or 'no owner'})"
                said.append(
                    f"(in {withheld_place(path)})" if pair else "Its text stays with the pair."
                )
            if pair:
                said += [f"From: {path}:{line}"] if quoted else []
                said.append(f"Tick it with: mj done {item_id}")
            key = item.id if item.explicit_id else item.key[:16]  # not lengthened by a clash
            uid = f"item-{key}-{ident}@mentorjournal"
            event = DayEvent(uid, due, text, "\n".join(said), 1)
            found.append((due.isoformat(), path, line, event))
    return [event for *_, event in sorted(found, key=lambda entry: entry[:3])]
