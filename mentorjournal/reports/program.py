"""`mj program`: a coordinator's roll-up of many journals, metadata only.

A pair's row is computed from its *facts* (``pair_facts``): dates, counts and
handles, the same on any day, which the index keeps per pair (``index/program.py``);
``pair_row`` then works out what depends on today. Nothing a pair wrote (note text,
goal titles, item text) is ever part of the facts, so no format can show it,
whatever the agreement's consent says. Notes under ``private/`` never count.

Definitions (as `mj summary` counts over the window from the agreement's start):

* ``last_session`` and ``sessions_held``: the latest and the number of the sessions
  from ``start`` to today (``statuscore.held_dates``: one dated before the start is
  not a session of this agreement); ``sessions_expected``: the dates
  ``start + k * every`` up to today.
* ``open_actions`` / ``overdue_actions``: open task items (milestones included), and
  those due before today.
* ``errors``: the errors `mj validate` reports for the journal.
* Flags: ``review-overdue``; ``unsigned`` (mentor or mentee has no valid signature);
  ``overdue-actions``; ``no-recent-session`` (no session held within twice the agreed
  interval of today, counting from the start when none was held); ``errors``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.format import layout
from mentorjournal.format.dates import next_after, parse_date, parse_every
from mentorjournal.model import Finding, Journal
from mentorjournal.reports.statuscore import held_dates

GOAL_STATUSES = ("proposed", "active", "achieved", "paused", "dropped")
FLAGS = ("review-overdue", "unsigned", "overdue-actions", "no-recent-session", "errors")

# (mentor, mentee, dates of held sessions (sorted), start, every, review,
#  (valid, stale, missing, invalid), goals by GOAL_STATUSES, open items,
#  due dates of open items (sorted), errors): plain values, kept by the index.
Facts = tuple[Any, ...]


def pair_facts(journal: Journal) -> Facts:
    """What a pair's row is computed from, on any day; ``private/`` left out."""
    from mentorjournal.audience import shared as without_private
    from mentorjournal.checks.validate import validate
    from mentorjournal.journal import people
    from mentorjournal.reports.status import agreement_facts, session_dates

    shared = without_private(journal)
    roles = {person.role: handle for handle, person in people(shared).items()}
    every, start, review, signed = agreement_facts(shared)
    goals = Counter(doc.meta.get("status") for doc in shared.goals.values())
    dues = sorted(item.due for item in shared.items() if item.is_open and item.due)
    return (
        roles.get("mentor"),
        roles.get("mentee"),
        tuple(sorted(session_dates(shared))),
        start if parse_date(start) else None,
        every if isinstance(every, str) else None,
        review,
        (signed.valid, signed.stale, signed.missing, signed.invalid),
        tuple(goals[status] for status in GOAL_STATUSES),
        sum(item.is_open for item in shared.items()),
        tuple(dues),
        sum(f.severity == "error" for f in validate(shared)),
    )


@dataclass(frozen=True)
class PairRow:
    """One pair as `mj program` shows it (the JSON keys of the SPEC, flattened)."""

    path: str
    mentor: str | None
    mentee: str | None
    last_session: str | None
    sessions_held: int
    sessions_expected: int
    open_actions: int
    overdue_actions: int
    review_due: str | None
    review_overdue: bool
    # valid, stale, missing, invalid
    signatures: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    goals: tuple[int, ...]  # by GOAL_STATUSES
    errors: int
    flags: tuple[str, ...]
    # Why the pair could not be read at all (a repository out of reach); None: it was.
    problem: str | None = None


@dataclass(frozen=True)
class Program:
    today: str
    pairs: tuple[PairRow, ...]  # flagged first (most flags first), then by path

    @property
    def flagged(self) -> int:
        return sum(bool(row.flags) for row in self.pairs)


def pair_row(path: str, facts: Facts, today: dt.date) -> PairRow:
    """A pair's row as of ``today``."""
    mentor, mentee, dates, start, every, review, signed, goals, open_count, dues, errors = facts
    day = today.isoformat()
    held = held_dates(dates, start, day)  # sorted, as ``dates`` are
    last = held[-1] if held else None
    cadence = parse_every(every)
    start_date = parse_date(start)
    overdue = bisect.bisect_left(dues, day)
    review_overdue = review is not None and review < day
    flags = {
        "review-overdue": review_overdue,
        "unsigned": any(handle not in signed[0] for handle in (mentor, mentee)),
        "overdue-actions": overdue > 0,
        "no-recent-session": _quiet(parse_date(last) or start_date, cadence, today),
        "errors": errors > 0,
    }
    return PairRow(
        path=path,
        mentor=mentor,
        mentee=mentee,
        last_session=last,
        sessions_held=len(held),
        sessions_expected=_expected(start_date, cadence, today),
        open_actions=open_count,
        overdue_actions=overdue,
        review_due=review,
        review_overdue=review_overdue,
        signatures=signed,
        goals=goals,
        errors=errors,
        flags=tuple(flag for flag in FLAGS if flags[flag]),
    )


def unreadable_row(path: str, problem: str) -> PairRow:
    """The row of a repository that could not be read: one error, and why."""
    empty: tuple[str, ...] = ()
    return PairRow(
        *(path, None, None, None, 0, 0, 0, 0, None, False, (empty,) * 4),
        *((0,) * len(GOAL_STATUSES), 1, ("errors",), problem),
    )


def compute_program(rows: list[PairRow], today: dt.date) -> Program:
    """The roll-up: pairs that need attention first (most flags first), then by path."""
    ordered = sorted(rows, key=lambda row: (-len(row.flags), row.path))
    return Program(today.isoformat(), tuple(ordered))


def _expected(start: dt.date | None, every: tuple[int, str] | None, today: dt.date) -> int:
    """How many of the dates ``start + k * every`` (k = 0, 1, ...) are not after today."""
    if start is None or every is None or start > today:
        return 0
    count, unit = every
    if unit == "days":  # arithmetic: a daily cadence over ten years is 3,650 steps
        return (today - start).days // count + 1
    steps = 0
    while (day := next_after(start, every, steps)) is not None and day <= today:
        steps += 1
    return steps


def _quiet(since: dt.date | None, every: tuple[int, str] | None, today: dt.date) -> bool:
    """No session within twice the agreed interval of today (counted from ``since``: the
    last session, or the start when none was held)."""
    if since is None or every is None:
        return False
    limit = next_after(since, every, 2)
    return limit is not None and limit < today


# ---------------------------------------------------------------- a program's root


def program_hint(directory: Path, command: str) -> str | None:
    """What to say when a command that needs one journal runs where a program's
    journals are below (pairs/*/); None when there are none close by."""
    found = layout.find_journals(str(directory), max_depth=3).paths
    if not found:
        return None
    shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    first = os.path.relpath(directory / found[0])  # as typed from here
    first = first if not first.startswith("..") else str((directory / found[0]).absolute())
    return (
        f"{os.path.realpath(directory)} is not a journal but a program of {len(found)} "
        f"({shown}). Run `mj program` for a roll-up of every pair, or "
        f"`mj -C {first} {command}` for one pair."
    )


def program_findings(directory: Path, staged: bool) -> tuple[list[Finding], int] | None:
    """Every finding of every journal under ``directory`` (with ``staged``: of every
    journal of its repository with a staged change, as the pre-commit hook checks),
    paths relative to ``directory``; and how many files were checked. None when there
    is no journal to check."""
    from dataclasses import replace

    from mentorjournal.checks.validate import lost_pair, no_agreement
    from mentorjournal.errors import MjError
    from mentorjournal.git import gitrepo
    from mentorjournal.index.gitstate import relative_prefix

    if staged:
        from mentorjournal.git.hook import hook_run_targets
        from mentorjournal.index.stagedcheck import staged_findings

        if gitrepo.repo_toplevel(directory) is None:
            raise MjError(f"--staged needs a git repository, and {directory} is not in one")
        roots = hook_run_targets(directory)
        results = [(root, *staged_findings(root)) for root in roots]
        lost = [no_agreement(folder) for folder in _agreements_lost(directory)]
        if not roots and not lost and not layout.find_journals(str(directory), max_depth=3).paths:
            return None
        results.append((directory, lost, 0))
    else:
        from mentorjournal.index import views
        from mentorjournal.index.program import pairs_given

        journals = layout.find_journals(str(directory))
        found = journals.paths
        if not found:
            return None
        given, mark = pairs_given(str(directory), found)
        results = []
        for relative in found:
            findings, _, documents = views.findings(directory / relative, given[relative], mark)
            results.append((directory / relative, findings, documents))
        lost = [lost_pair(folder, why) for folder, why in journals.outside]
        results.append((directory, lost, 0))
    listed: list[Finding] = []
    for root, findings, _ in results:
        prefix = relative_prefix(str(root), str(directory))
        listed += [replace(finding, path=prefix + finding.path) for finding in findings]
    return listed, sum(checked for *_, checked in results)


def _agreements_lost(directory: Path) -> list[str]:
    """The folders (from ``directory``, "" for itself) whose agreement.md the index no
    longer holds, as HEAD did, while it still holds their notes: a commit that deletes
    an agreement and leaves its pair's notes behind, in no journal."""
    from mentorjournal.git import gitrepo

    def listed(*args: str) -> list[str]:
        said = gitrepo._run(directory, [*args, "-z", "--", "."]).stdout.split(b"\0")
        return [path.decode("utf-8", "surrogateescape") for path in said if path]

    deleted = listed(
        "diff", "--cached", "--relative", "--name-only", "--no-renames", "--diff-filter=D"
    )
    folders = {p.rpartition("/")[0] for p in deleted if p.rpartition("/")[2] == layout.AGREEMENT}
    if not folders:
        return []
    notes = {p.rpartition("/")[0] for p in listed("ls-files") if p.endswith(".md")}
    kept = {folder for folder in folders for kind in ("sessions", "goals")
            if (f"{folder}/{kind}" if folder else kind) in notes}  # fmt: skip
    return sorted(kept)
