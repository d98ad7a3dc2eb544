"""`mj summary`: the progress report, computed once; the renderers only lay it out.

Definitions (what every number means):

* The window is ``since`` (default: the agreement's ``start``) to ``until`` (default:
  today). A session is *held* when its date is inside the window and not after today.
* Journal-wide ``actions`` are every task item, milestones included (as in
  ``mj status``), dated and counted as ``summary_actions.py`` says.
* Per goal, ``milestones_*`` are the items in the goal's own file (cancelled
  excluded), ``actions_*`` are items elsewhere that link to it with ``#goal-id``,
  as of ``until``; ``sessions`` counts held sessions listing the goal (or rating it).
* ``cadence.expected`` counts the meetings the cadence in force asked for inside the
  window up to today, phase by phase (``reports/cadence.py``); ``longest_gap_days`` is the longest
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
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mentorjournal.audience import Gate, is_confidential
from mentorjournal.checks.signatures import signature_state
from mentorjournal.format.dates import parse_date
from mentorjournal.journal import mentee_handle
from mentorjournal.model import Document, Journal
from mentorjournal.reports.cadence import AgreementTimeline, Cadence, compute_cadence
from mentorjournal.reports.summary_actions import Actions, DatedItem, count_actions, dated_items

Audience = Literal["pair", "sponsor"]
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
    since = min(since, until)  # an agreement starting later: an empty window, not backwards
    items = dated_items(journal, since, until, gate, {doc.path: day for doc, day in sessions})
    # A session dated after today is planned, not held, whatever window was asked for.
    past = [(doc, day) for doc, day in sessions if day <= today]
    held = [(doc, day) for doc, day in past if since <= day <= until]
    shows = gate.shows
    # The cadence lists the goals each session discussed: none where goals are withheld.
    goal_ids = set(journal.goals) if shows("goals") else set()
    goals = tuple(_goals(journal, held, past, items, until, gate)) if shows("goals") else None
    cadence = None
    if shows("cadence"):
        cadence = compute_cadence(
            meta, start, held, since, until, goal_ids, agreement_history, min(until, today)
        )
    return Summary(
        today=today.isoformat(),
        since=since.isoformat(),
        until=until.isoformat(),
        audience=audience,
        parts=gate.parts,
        goals=goals,
        cadence=cadence,
        actions=count_actions(items, since, until) if shows("actions") else None,
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
    items: list[DatedItem],
    until: dt.date,
    gate: Gate,
) -> Iterable[GoalSummary]:
    default_owner = mentee_handle(journal.agreement)
    goals = journal.goals
    own: dict[str, list[DatedItem]] = {}
    linked: dict[str, list[DatedItem]] = {}
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
        listed = session.meta.get("goals")
        listed = {g for g in listed if isinstance(g, str)} if isinstance(listed, list) else set()
        for goal_id in listed | set(rated):
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
        linking = linked.get(goal_id, [])
        linked_states = Counter(d.state for d in linking)
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
            actions_overdue=sum(d.overdue for d in linking) if shows_actions else None,
            sessions=len(discussed.get(goal_id, ())) if shows_cadence else None,
            last_discussed=_iso(last.get(goal_id)) if shows_cadence else None,
            ratings=tuple(ratings.get(goal_id, ())),
        )


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
