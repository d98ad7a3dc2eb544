"""`mj summary`: the progress report, computed once; the renderers only lay it out.

Definitions (what every number means):

* The window is ``since`` (default: the agreement's ``start``) to ``until`` (default:
  today). A session is *held* when its date is inside the window.
* An action item is *opened* on the date of the session that holds it, on its
  goal's ``opened`` date, or on the agreement's ``start``; it is *done* on its done
  date (or its opened date when it has none). Its state is taken as of ``until``,
  so a report for a past window does not count later work.
* Journal-wide ``actions`` are every task item, milestones included (as in
  ``mj status``): ``opened`` and ``done`` count events inside the window,
  ``open`` and ``overdue`` are the state at ``until``.
* Per goal, ``milestones_*`` are the items in the goal's own file (cancelled
  excluded), ``actions_*`` are items elsewhere that link to it with ``#goal-id``,
  as of ``until``; ``sessions`` counts held sessions listing the goal (or rating it).
* ``cadence.expected`` counts the meetings the cadence in force asked for inside the
  window, phase by phase (``reports/cadence.py``); ``longest_gap_days`` is the longest
  stretch between two consecutive held sessions.

Audiences (``audience.Gate`` decides): ``pair`` (the default) may quote note text:
retrospective decisions and overdue items. ``sponsor`` gets counts and goal titles
only, of the parts ``consent.sponsor`` allows (a part not allowed is None), and no
rating given in a confidential session. Text from a confidential session is never
quoted for any audience: a report is a file that travels, so confidential notes stay
in their own files; such sessions are still counted. ``private/`` files are one
person's: no report reads them at all.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mentorjournal.audience import Gate, is_confidential
from mentorjournal.checks.signatures import signature_state
from mentorjournal.format.dates import parse_date
from mentorjournal.format.items import remove_hashtags
from mentorjournal.journal import mentee_handle
from mentorjournal.model import ActionItem, Document, Journal
from mentorjournal.reports.cadence import (
    AgreementTimeline,
    Cadence,
    CadencePhase,
    HeldSession,
    compute_cadence,
)
from mentorjournal.reports.status import item_goals

__all__ = ["Cadence", "CadencePhase", "HeldSession", "Summary", "compute_summary"]

Audience = Literal["pair", "sponsor"]
FORMATS = ("text", "md", "json", "html")
NO_OWNER = "(none)"
_DECISIONS = re.compile(r"#{1,6}\s+.*\bdecisions?\b", re.IGNORECASE)
_HEADING = re.compile(r"#{1,6}\s")
_LIST_ITEM = re.compile(r"\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+(?!\[[ xX/-]\])(.+)")


@dataclass(frozen=True)
class GoalSummary:
    id: str
    title: str
    status: str
    owner: str | None
    target: str | None
    days_to_target: int | None
    milestones_done: int
    milestones_total: int
    # None when the audience may not see actions (actions_*) or cadence (sessions).
    actions_open: int | None
    actions_done: int | None
    actions_overdue: int | None
    sessions: int | None
    last_discussed: str | None
    ratings: tuple[tuple[str, int], ...]

    @property
    def progress(self) -> float | None:
        """Milestones done / not cancelled, or None without milestones."""
        if not self.milestones_total:
            return None
        return self.milestones_done / self.milestones_total


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


@dataclass(frozen=True)
class AgreementSummary:
    phase: int | None
    signed: tuple[str, ...]
    stale: tuple[str, ...]
    missing: tuple[str, ...]
    review_due: str | None
    review_overdue: bool
    # From git history: None when the journal is not in a repository.
    versions: int | None
    changes: int | None
    invalid: tuple[str, ...] = ()  # signatures that do not count
    why: str = ""  # the reason they share, if one


@dataclass(frozen=True)
class Retrospective:
    date: str
    kind: str
    confidential: bool
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    today: str
    since: str
    until: str
    audience: Audience
    # The parts of the report this audience may see (``audience.PARTS``); a part it
    # may not see is None (goals, cadence, actions) or empty (ratings, retrospectives).
    parts: tuple[str, ...]
    goals: tuple[GoalSummary, ...] | None
    cadence: Cadence | None
    actions: Actions | None
    agreement: AgreementSummary
    retrospectives: tuple[Retrospective, ...]
    # Who the report is about: (role, name) of the mentee and the mentor.
    pair: tuple[tuple[str, str], ...] = ()

    @property
    def pair_names(self) -> str:
        """``Ana Lima and Ben Okafor``: the mentee first."""
        return " and ".join(name for _, name in self.pair)


# ---------------------------------------------------------------- helpers


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _session_date(doc: Document) -> dt.date | None:
    return parse_date(doc.meta.get("date")) or parse_date(doc.stem[:10])


def _str_list(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def decisions(body: str) -> tuple[str, ...]:
    """List items under a "Decisions" heading (task items excluded: they are actions)."""
    found: list[str] = []
    inside = False
    for line in body.split("\n"):
        if _HEADING.match(line):
            inside = bool(_DECISIONS.match(line))
            continue
        if inside:
            match = _LIST_ITEM.match(line)
            if match:
                found.append(match.group(1).strip())
            elif found and line.startswith((" ", "\t")) and line.strip():
                found[-1] += " " + line.strip()
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Dated:
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


def _dated_items(journal: Journal, since: dt.date, until: dt.date, gate: Gate) -> list[_Dated]:
    """Every item opened by ``until``, dated, with its state at ``until``."""
    agreement = journal.agreement
    start = parse_date(agreement.meta.get("start")) if agreement else None
    goal_ids = set(journal.goals)
    found: list[_Dated] = []
    for doc in journal.documents:
        if doc.kind == "session":
            opened = _session_date(doc)
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
            goals = item_goals(item, goal_ids)
            found.append(
                _Dated(item, opened, done, parse_date(item.due), quoted, state, goals, until)
            )
    return found


# ---------------------------------------------------------------- the computation


def compute_summary(
    journal: Journal,
    today: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
    audience: Audience = "pair",
    agreement_history: AgreementTimeline | None = None,
) -> Summary:
    """Everything the four report formats show, for one window and one audience.

    ``agreement_history`` is the agreement's commits and cadence changes
    (``cadence.agreement_timeline``); None when unknown.
    """
    agreement = journal.agreement
    meta = agreement.meta if agreement is not None else {}
    gate = Gate.of(journal, audience)
    journal = gate.view(journal)
    start = parse_date(meta.get("start"))
    sessions = [(doc, day) for doc in journal.sessions if (day := _session_date(doc))]
    until = until or today
    since = since or start or min((day for _, day in sessions), default=until)
    held = [(doc, day) for doc, day in sessions if since <= day <= until]
    items = _dated_items(journal, since, until, gate)
    shows = gate.shows
    return Summary(
        today=today.isoformat(),
        since=since.isoformat(),
        until=until.isoformat(),
        audience=audience,
        parts=gate.parts,
        goals=tuple(_goals(journal, held, sessions, items, until, gate))
        if shows("goals")
        else None,
        cadence=compute_cadence(
            meta, start, held, since, until, set(journal.goals), agreement_history
        )
        if shows("cadence")
        else None,
        actions=_actions(items, since, until) if shows("actions") else None,
        agreement=_agreement(journal, until, agreement_history),
        retrospectives=tuple(_retrospectives(held, gate)) if shows("cadence") else (),
        pair=_pair(meta),
    )


def _pair(meta: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    found = []
    for role in ("mentee", "mentor"):
        person = meta.get(role)
        if isinstance(person, dict):
            name = person.get("name") or person.get("handle")
            if isinstance(name, str) and name:
                found.append((role, name))
    return tuple(found)


def _goals(
    journal: Journal,
    held: list[tuple[Document, dt.date]],
    sessions: list[tuple[Document, dt.date]],
    items: list[_Dated],
    until: dt.date,
    gate: Gate,
) -> Iterable[GoalSummary]:
    default_owner = mentee_handle(journal.agreement)
    goals = journal.goals
    own: dict[str, list[_Dated]] = {}
    linked: dict[str, list[_Dated]] = {}
    for d in items:
        own.setdefault(d.item.path, []).append(d)
        for goal_id in d.goals:
            if d.item.path != goals[goal_id].path:
                linked.setdefault(goal_id, []).append(d)
    discussed: dict[str, list[dt.date]] = {}
    last: dict[str, dt.date] = {}
    ratings: dict[str, list[tuple[str, int]]] = {}
    held_paths = {s.path for s, _ in held}
    for session, day in sessions:
        if day > until:
            continue
        rated = session.meta.get("ratings")
        rated = rated if isinstance(rated, dict) else {}
        for goal_id in set(_str_list(session.meta.get("goals"))) | set(rated):
            last[goal_id] = max(last.get(goal_id, day), day)
            if session.path in held_paths:
                discussed.setdefault(goal_id, []).append(day)
        if session.path in held_paths and gate.rating(session.path, session.meta):
            for goal_id, value in rated.items():
                if isinstance(value, int) and not isinstance(value, bool):
                    ratings.setdefault(goal_id, []).append((day.isoformat(), value))
    shows_actions, shows_cadence = gate.shows("actions"), gate.shows("cadence")
    for goal_id, doc in sorted(goals.items()):
        states = Counter(d.state for d in own.get(doc.path, ()))
        linked_states = Counter(d.state for d in linked.get(goal_id, ()))
        target = parse_date(doc.meta.get("target"))
        owner = doc.meta.get("owner")
        yield GoalSummary(
            id=goal_id,
            title=str(doc.meta.get("title", goal_id)),
            status=str(doc.meta.get("status", "")),
            owner=owner if isinstance(owner, str) else default_owner,
            target=_iso(target),
            days_to_target=(target - until).days if target else None,
            milestones_done=states["done"],
            milestones_total=states["done"] + states["open"],
            actions_open=linked_states["open"] if shows_actions else None,
            actions_done=linked_states["done"] if shows_actions else None,
            actions_overdue=sum(1 for d in linked.get(goal_id, ()) if d.overdue)
            if shows_actions
            else None,
            sessions=len(discussed.get(goal_id, ())) if shows_cadence else None,
            last_discussed=_iso(last.get(goal_id)) if shows_cadence else None,
            ratings=tuple(ratings.get(goal_id, ())),
        )


def _actions(
    items: list[_Dated],
    since: dt.date,
    until: dt.date,
) -> Actions:
    def in_window(day: dt.date | None) -> bool:
        return day is not None and since <= day <= until

    opened = [d for d in items if in_window(d.opened)]
    done = [d for d in items if d.state == "done" and in_window(d.done)]
    closing_days = [max(0, (d.done - d.opened).days) for d in done if d.done is not None]

    owners: dict[str, list[_Dated]] = {}
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

    events: Counter[tuple[dt.date, str]] = Counter()
    for d in opened:
        events[(d.opened, "opened")] += 1
    for d in done:
        assert d.done is not None
        events[(d.done, "done")] += 1
    timeline = [ActionPoint(since.isoformat(), 0, 0)]
    total_opened = total_done = 0
    for day in sorted({day for day, _ in events}):
        total_opened += events[(day, "opened")]
        total_done += events[(day, "done")]
        point = ActionPoint(day.isoformat(), total_opened, total_done)
        if timeline[-1].date == point.date:
            timeline[-1] = point
        else:
            timeline.append(point)
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


def _quoted(d: _Dated) -> QuotedItem:
    due = d.due.isoformat() if d.due else None
    text = remove_hashtags(d.item.text, set(d.goals))
    return QuotedItem(d.item.id, text, d.item.owners, due, d.item.path, d.item.line)


def _agreement(
    journal: Journal, until: dt.date, timeline: AgreementTimeline | None
) -> AgreementSummary:
    versions = timeline.versions if timeline else None
    agreement = journal.agreement
    if agreement is None or not agreement.parsed:
        return AgreementSummary(None, (), (), (), None, False, versions, None)
    state = signature_state(agreement, journal.root)
    review = parse_date(agreement.meta.get("review"))
    phase = agreement.meta.get("phase")
    return AgreementSummary(
        phase=phase if isinstance(phase, int) and not isinstance(phase, bool) else None,
        signed=state.valid,
        stale=state.stale,
        missing=state.missing,
        review_due=_iso(review),
        review_overdue=review is not None and review < until,
        versions=versions,
        # The first commit creates the file; every later one is a change.
        changes=versions - 1 if versions else None,
        invalid=state.invalid,
        why=state.why,
    )


def _retrospectives(held: list[tuple[Document, dt.date]], gate: Gate) -> Iterable[Retrospective]:
    for doc, day in held:
        kind = str(doc.meta.get("kind", "regular"))
        if kind not in ("retro", "closing"):
            continue
        quoted = decisions(doc.body) if gate.quotes(doc.path, doc.meta) else ()
        yield Retrospective(day.isoformat(), kind, is_confidential(doc.meta), quoted)
