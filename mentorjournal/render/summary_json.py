"""`mj summary --format json`: the SPEC's keys, plus the report's extra fields."""

from __future__ import annotations

import json
from typing import Any

from mentorjournal.reports.summary import Summary


def summary_as_json(summary: Summary) -> dict[str, Any]:
    cadence = summary.cadence
    actions = summary.actions
    agreement = summary.agreement
    return {
        "today": summary.today,
        "audience": summary.audience,
        "window": {"since": summary.since, "until": summary.until},
        "goals": [
            {
                "id": goal.id,
                "title": goal.title,
                "status": goal.status,
                "owner": goal.owner,
                "target": goal.target,
                "days_to_target": goal.days_to_target,
                "milestones_done": goal.milestones_done,
                "milestones_total": goal.milestones_total,
                "actions_open": goal.actions_open,
                "actions_done": goal.actions_done,
                "actions_overdue": goal.actions_overdue,
                "sessions": goal.sessions,
                "last_discussed": goal.last_discussed,
                "ratings": [[day, value] for day, value in goal.ratings],
            }
            for goal in summary.goals
        ],
        "cadence": {
            "every": cadence.every,
            "expected": cadence.expected,
            "held": cadence.held,
            "longest_gap_days": cadence.longest_gap_days,
            "days_since_last": cadence.days_since_last,
            "confidential": cadence.confidential,
            "agenda_by": dict(cadence.agenda_by),
            "kinds": dict(cadence.kinds),
            "expected_dates": list(cadence.expected_dates),
            "sessions": [
                {
                    "date": s.date,
                    "kind": s.kind,
                    "confidential": s.confidential,
                    "goals": list(s.goals),
                    "agenda_by": s.agenda_by,
                }
                for s in cadence.sessions
            ],
        },
        "actions": {
            "opened": actions.opened,
            "done": actions.done,
            "overdue": actions.overdue,
            "open": actions.open,
            "cancelled": actions.cancelled,
            "median_days_to_close": actions.median_days_to_close,
            "per_owner": {
                o.owner: {"opened": o.opened, "done": o.done, "open": o.open, "overdue": o.overdue}
                for o in actions.per_owner
            },
            "timeline": [[p.date, p.opened, p.done] for p in actions.timeline],
            "overdue_items": [
                {
                    "id": i.id,
                    "text": i.text,
                    "owner": list(i.owners),
                    "due": i.due,
                    "path": i.path,
                    "line": i.line,
                }
                for i in actions.overdue_items
            ],
        },
        "agreement": {
            "phase": agreement.phase,
            "signatures": {
                "valid": list(agreement.signed),
                "stale": list(agreement.stale),
                "missing": list(agreement.missing),
            },
            "review": {"due": agreement.review_due, "overdue": agreement.review_overdue},
            "versions": agreement.versions,
            "changes": agreement.changes,
        },
        "retrospectives": [
            {
                "date": r.date,
                "kind": r.kind,
                "confidential": r.confidential,
                "decisions": list(r.decisions),
            }
            for r in summary.retrospectives
        ],
    }


def summary_json(summary: Summary) -> str:
    return json.dumps(summary_as_json(summary), ensure_ascii=False, indent=2)
