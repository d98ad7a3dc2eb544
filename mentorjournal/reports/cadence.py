"""Sessions held against the sessions the agreement expected, phase by phase.

A pair re-tunes its rhythm (biweekly, then monthly). Each version of the agreement in
git that changed ``cadence.every`` or ``phase`` starts a new phase on its commit date,
and the meetings expected are counted with the cadence in force then: from the
agreement's ``start`` (that day included) in the first phase, from one interval after
the change in each later one. A change not committed yet starts a phase at the end of
the report's window. Outside git the agreement's cadence is the only phase.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.audience import is_confidential
from mentorjournal.format.dates import next_after, parse_date, parse_every
from mentorjournal.model import Document

AS_NOW = "(as now)"  # a value the agreement's history never changed


@dataclass(frozen=True)
class HeldSession:
    date: str
    kind: str
    confidential: bool
    goals: tuple[str, ...]
    agenda_by: str | None


@dataclass(frozen=True)
class CadencePhase:
    """One stretch of the window with one agreed cadence."""

    start: str
    end: str  # the last day of the stretch inside the window
    every: str | None
    phase: int | None
    expected: int
    held: int
    expected_dates: tuple[str, ...]


@dataclass(frozen=True)
class Cadence:
    every: str | None  # in force at the end of the window
    expected: int
    held: int
    longest_gap_days: int | None
    days_since_last: int | None
    expected_dates: tuple[str, ...]
    sessions: tuple[HeldSession, ...]
    confidential: int
    agenda_by: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[str, int], ...]
    phases: tuple[CadencePhase, ...]


@dataclass(frozen=True)
class AgreementTimeline:
    """The agreement's commits up to a date, and when its cadence or phase changed."""

    versions: int
    # (date, every, phase) in force from that date on, oldest first; the first entry
    # holds what the agreement said before its first change.
    changes: tuple[tuple[dt.date | None, object, object], ...]


def _every_and_phase(path: str, value: Any, before: tuple[object, object]) -> tuple[object, object]:
    """(every, phase) after a change of ``path`` (``cadence``, ``cadence.every``, ``phase``)."""
    every, phase = before
    if path == "cadence.every":
        every = value
    elif path == "cadence":
        every = value.get("every") if isinstance(value, dict) else None
    elif path == "phase":
        phase = value
    return every, phase


def agreement_timeline(root: Path, until: dt.date) -> AgreementTimeline | None:
    """The agreement's history up to ``until``; None when the journal is not in git."""
    from mentorjournal.errors import MjError
    from mentorjournal.git import gitrepo
    from mentorjournal.reports.history import agreement_versions

    try:
        if gitrepo.repo_toplevel(root) is None:
            return None
        versions = [v for v in agreement_versions(root) if _day(v.date) <= until]
    except MjError:
        return None
    watched = ("cadence", "cadence.every", "phase")
    changes = [(v, f) for v in versions for f in v.fields if f.path in watched]
    # What held before the first change, walking back; a value never changed is as now.
    state: tuple[object, object] = (AS_NOW, AS_NOW)
    for _, field in reversed(changes):
        state = _every_and_phase(field.path, field.before, state)
    found: list[tuple[dt.date | None, object, object]] = [(None, *state)]
    for version, group in itertools.groupby(changes, key=lambda pair: pair[0]):
        for _, field in group:
            state = _every_and_phase(field.path, field.after, state)
        found.append((_day(version.date), *state))
    return AgreementTimeline(len(versions), tuple(found))


def _day(stamp: str) -> dt.date:
    return parse_date(stamp[:10]) or dt.date.min


def _stretches(
    meta: Mapping[str, Any], timeline: AgreementTimeline | None, start: dt.date, until: dt.date
) -> list[tuple[dt.date, object, object]]:
    """(first day, every, phase) of each phase, the current agreement's last."""
    cadence = meta.get("cadence")
    now = (cadence.get("every") if isinstance(cadence, dict) else None, meta.get("phase"))
    changes: list[tuple[dt.date | None, object, object]] = [
        (day, now[0] if every is AS_NOW else every, now[1] if phase is AS_NOW else phase)
        for day, every, phase in (timeline.changes if timeline else ())
    ]
    if not changes:
        changes.append((None, *now))
    elif changes[-1][1:] != now:
        changes.append((until, *now))  # the working tree's change, not committed yet
    found: list[tuple[dt.date, object, object]] = []
    for day, every, phase in changes:
        first = max(day or start, start)
        if found and first <= found[-1][0]:
            found[-1] = (found[-1][0], every, phase)  # changed before it began: as if initial
        elif not found or (every, phase) != found[-1][1:]:
            found.append((first, every, phase))
    return found


def compute_cadence(
    meta: Mapping[str, Any],
    start: dt.date | None,
    held: list[tuple[Document, dt.date]],
    since: dt.date,
    until: dt.date,
    goal_ids: set[str],
    timeline: AgreementTimeline | None = None,
    due_by: dt.date | None = None,
) -> Cadence:
    """Held against expected, per phase, with what the sessions held were like.
    Meetings after ``due_by`` (today, for a window reaching past it) are not expected yet."""
    days = sorted(day for _, day in held)
    phases: list[CadencePhase] = []
    stretches = _stretches(meta, timeline, start, until) if start else []
    for index, (first, every_text, phase) in enumerate(stretches):
        last = (
            stretches[index + 1][0] - dt.timedelta(days=1) if index + 1 < len(stretches) else until
        )
        every = parse_every(every_text)
        expected: list[dt.date] = []
        step = 0 if index == 0 else 1
        due = min(last, due_by or last)
        while every and (day := next_after(first, every, step)) is not None and day <= due:
            if day >= since:
                expected.append(day)
            step += 1
        low, high = max(first, since), min(last, until)
        if low > high:
            continue  # the phase lies outside the window
        phases.append(
            CadencePhase(
                start=low.isoformat(),
                end=high.isoformat(),
                every=every_text if isinstance(every_text, str) else None,
                phase=phase if isinstance(phase, int) and not isinstance(phase, bool) else None,
                expected=len(expected),
                held=sum(1 for day in days if low <= day <= high),
                expected_dates=tuple(day.isoformat() for day in expected),
            )
        )
    cadence = meta.get("cadence")
    every_now = cadence.get("every") if isinstance(cadence, dict) else None
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    agenda = Counter(
        doc.meta["agenda_by"] for doc, _ in held if isinstance(doc.meta.get("agenda_by"), str)
    )
    kinds = Counter(str(doc.meta.get("kind", "regular")) for doc, _ in held)
    return Cadence(
        every=every_now if isinstance(every_now, str) else None,
        expected=sum(p.expected for p in phases),
        held=len(held),
        longest_gap_days=max(gaps) if gaps else None,
        days_since_last=(until - days[-1]).days if days else None,
        expected_dates=tuple(day for p in phases for day in p.expected_dates),
        sessions=tuple(_held(doc, day, goal_ids) for doc, day in held),
        confidential=sum(is_confidential(doc.meta) for doc, _ in held),
        agenda_by=_ranked(agenda.items()),
        kinds=_ranked(kinds.items()),
        phases=tuple(phases),
    )


def _ranked(counts: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts, key=lambda kv: (-kv[1], kv[0])))


def _held(doc: Document, day: dt.date, goal_ids: set[str]) -> HeldSession:
    goals = doc.meta.get("goals")
    agenda_by = doc.meta.get("agenda_by")
    return HeldSession(
        date=day.isoformat(),
        kind=str(doc.meta.get("kind", "regular")),
        confidential=is_confidential(doc.meta),
        goals=tuple(g for g in goals if isinstance(g, str) and g in goal_ids)
        if isinstance(goals, list)
        else (),
        agenda_by=agenda_by if isinstance(agenda_by, str) else None,
    )
