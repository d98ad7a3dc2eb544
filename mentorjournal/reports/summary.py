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
* ``cadence.expected`` counts the dates ``start + k * every`` inside the window;
  ``longest_gap_days`` is the longest stretch between two consecutive held sessions.

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
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mentorjournal.audience import Gate, is_confidential
from mentorjournal.checks.signatures import signature_state
from mentorjournal.format.dates import next_after, parse_date, parse_every
from mentorjournal.format.items import remove_hashtags
from mentorjournal.format.layout import AGREEMENT
from mentorjournal.journal import mentee_handle
from mentorjournal.model import ActionItem, Document, Journal
from mentorjournal.reports.status import item_goals

Audience = Literal["pair", "sponsor"]
FORMATS = ("text", "md", "json", "html")
NO_OWNER = "(none)"
_DECISIONS = re.compile(r"#{1,6}\s+.*\bdecisions?\b", re.IGNORECASE)
_HEADING = re.compile(r"#{1,6}\s")
_LIST_ITEM = re.compile(r"\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+(?!\[[ xX-]\])(.+)")


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
class HeldSession:
    date: str
    kind: str
    confidential: bool
    goals: tuple[str, ...]
    agenda_by: str | None


@dataclass(frozen=True)
class Cadence:
    every: str | None
    expected: int
    held: int
    longest_gap_days: int | None
    days_since_last: int | None
    expected_dates: tuple[str, ...]
    sessions: tuple[HeldSession, ...]
    confidential: int
    agenda_by: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class OwnerActions:
    owner: str
    opened: int
    done: int
    open: int
    overdue: int


@dataclass(frozen=True)
class OverdueItem:
    id: str
    text: str
    owners: tuple[str, ...]
    due: str
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
    overdue_items: tuple[OverdueItem, ...]


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


# ---------------------------------------------------------------- helpers


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _session_date(doc: Document) -> dt.date | None:
    return parse_date(doc.meta.get("date")) or parse_date(doc.stem[:10])


def _str_list(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def agreement_versions(root: Path, until: dt.date) -> int | None:
    """Commits that touched agreement.md up to ``until``; None outside a git repository."""
    from mentorjournal.errors import MjError
    from mentorjournal.git import gitrepo

    try:
        if gitrepo.repo_toplevel(root) is None:
            return None
        commits = gitrepo.log_for_path(root, AGREEMENT)
    except MjError:
        return None
    return sum(1 for c in commits if (parse_date(c.date[:10]) or until) <= until)


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
    agreement_history: int | None = None,
) -> Summary:
    """Everything the four report formats show, for one window and one audience.

    ``agreement_history`` is the number of commits of agreement.md (see
    ``agreement_versions``); None when unknown.
    """
    agreement = journal.agreement
    meta = agreement.meta if agreement is not None else {}
    gate = Gate(audience, meta)
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
        cadence=_cadence(meta, start, held, since, until, set(journal.goals))
        if shows("cadence")
        else None,
        actions=_actions(items, since, until) if shows("actions") else None,
        agreement=_agreement(journal, until, agreement_history),
        retrospectives=tuple(_retrospectives(held, gate)) if shows("cadence") else (),
    )


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


def _cadence(
    meta: object,
    start: dt.date | None,
    held: list[tuple[Document, dt.date]],
    since: dt.date,
    until: dt.date,
    goal_ids: set[str],
) -> Cadence:
    cadence = meta.get("cadence") if isinstance(meta, dict) else None
    every_text = cadence.get("every") if isinstance(cadence, dict) else None
    every = parse_every(every_text)
    expected: list[dt.date] = []
    if every is not None and start is not None:
        step = 0
        while (day := next_after(start, every, step)) is not None and day <= until:
            if day >= since:
                expected.append(day)
            step += 1
    days = sorted(day for _, day in held)
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    agenda = Counter(
        doc.meta["agenda_by"] for doc, _ in held if isinstance(doc.meta.get("agenda_by"), str)
    )
    kinds = Counter(str(doc.meta.get("kind", "regular")) for doc, _ in held)
    return Cadence(
        every=every_text if isinstance(every_text, str) else None,
        expected=len(expected),
        held=len(held),
        longest_gap_days=max(gaps) if gaps else None,
        days_since_last=(until - days[-1]).days if days else None,
        expected_dates=tuple(day.isoformat() for day in expected),
        sessions=tuple(
            HeldSession(
                date=day.isoformat(),
                kind=str(doc.meta.get("kind", "regular")),
                confidential=is_confidential(doc.meta),
                goals=tuple(g for g in _str_list(doc.meta.get("goals")) if g in goal_ids),
                agenda_by=doc.meta["agenda_by"]
                if isinstance(doc.meta.get("agenda_by"), str)
                else None,
            )
            for doc, day in held
        ),
        confidential=sum(is_confidential(doc.meta) for doc, _ in held),
        agenda_by=tuple(sorted(agenda.items(), key=lambda kv: (-kv[1], kv[0]))),
        kinds=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
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

    quoted: list[OverdueItem] = []
    for d in sorted(items, key=lambda d: (d.due or until, d.item.path, d.item.line)):
        if d.overdue and d.quoted:
            assert d.due is not None
            quoted.append(
                OverdueItem(
                    id=d.item.id,
                    text=remove_hashtags(d.item.text, set(d.goals)),
                    owners=d.item.owners,
                    due=d.due.isoformat(),
                    path=d.item.path,
                    line=d.item.line,
                )
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
        overdue_items=tuple(quoted),
    )


def _agreement(journal: Journal, until: dt.date, versions: int | None) -> AgreementSummary:
    agreement = journal.agreement
    if agreement is None or not agreement.parsed:
        return AgreementSummary(None, (), (), (), None, False, versions, None)
    state = signature_state(agreement)
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
    )


def _retrospectives(held: list[tuple[Document, dt.date]], gate: Gate) -> Iterable[Retrospective]:
    for doc, day in held:
        kind = str(doc.meta.get("kind", "regular"))
        if kind not in ("retro", "closing"):
            continue
        quoted = decisions(doc.body) if gate.quotes(doc.path, doc.meta) else ()
        yield Retrospective(day.isoformat(), kind, is_confidential(doc.meta), quoted)
