"""`mj summary --format json`: the SPEC's keys, plus the report's extra fields. A
record whose fields are its JSON object's keys, in order, is written as its ``vars``.

A part the audience may not see (``Summary.parts``, from ``consent.sponsor``) is left
out, key and all: a sponsor reading ``"parts"`` knows what was withheld, not what it held.
"""

from __future__ import annotations

from typing import Any

from mentorjournal.render.terminal import json_pieces
from mentorjournal.reports.cadence import Cadence
from mentorjournal.reports.summary import GoalSummary, Summary
from mentorjournal.reports.summary_actions import Actions, QuotedItem

# The keys of a goal that belong to another part of the report than "goals".
_GOAL_PARTS = {
    "actions": ("actions_open", "actions_done", "actions_overdue"),
    "cadence": ("sessions", "last_discussed"),
    "ratings": ("ratings",),
}


def _goal(goal: GoalSummary, parts: tuple[str, ...]) -> dict[str, Any]:
    hidden = {key for part, keys in _GOAL_PARTS.items() if part not in parts for key in keys}
    return {key: value for key, value in vars(goal).items() if key not in hidden}


def _cadence(cadence: Cadence) -> dict[str, Any]:
    return {
        "every": cadence.every,
        "expected": cadence.expected,
        "held": cadence.held,
        "longest_gap_days": cadence.longest_gap_days,
        "days_since_last": cadence.days_since_last,
        "confidential": cadence.confidential,
        "agenda_by": dict(cadence.agenda_by),
        "kinds": dict(cadence.kinds),
        "expected_dates": list(cadence.expected_dates),
        "phases": [
            {key: value for key, value in vars(p).items() if key != "expected_dates"}
            for p in cadence.phases
        ],
        "sessions": [vars(s) for s in cadence.sessions],
    }


def _actions(actions: Actions) -> dict[str, Any]:
    return {
        **vars(actions),
        "per_owner": {
            o.owner: {"opened": o.opened, "done": o.done, "open": o.open, "overdue": o.overdue}
            for o in actions.per_owner
        },
        "timeline": [[p.date, p.opened, p.done] for p in actions.timeline],
        "overdue_items": [_item(i) for i in actions.overdue_items],
        "open_items": [_item(i) for i in actions.open_items],
    }


def _item(item: QuotedItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "text": item.text,
        "owner": list(item.owners),
        "due": item.due,
        "path": item.path,
        "line": item.line,
    }


def summary_json(summary: Summary) -> tuple[str, ...]:
    """The report as JSON, in the pieces ``terminal.json_pieces`` makes."""
    agreement = summary.agreement
    found: dict[str, Any] = {
        "today": summary.today,
        "audience": summary.audience,
        "parts": list(summary.parts),
        "window": {"since": summary.since, "until": summary.until},
    }
    if summary.goals is not None:
        found["goals"] = [_goal(goal, summary.parts) for goal in summary.goals]
    if summary.cadence is not None:
        found["cadence"] = _cadence(summary.cadence)
    if summary.actions is not None:
        found["actions"] = _actions(summary.actions)
    found["agreement"] = {
        "phase": agreement.phase,
        "signatures": {
            "valid": list(agreement.signed),
            "stale": list(agreement.stale),
            "missing": list(agreement.missing),
            "invalid": list(agreement.invalid),
        },
        "review": {"due": agreement.review_due, "overdue": agreement.review_overdue},
        "versions": agreement.versions,
        "changes": agreement.changes,
    }
    if summary.cadence is not None:
        found["retrospectives"] = [vars(r) for r in summary.retrospectives]
    return json_pieces(found, indent=2)
