"""`mj summary --format md`: tables a pair can paste into a wiki or an e-mail."""

from __future__ import annotations

from collections.abc import Callable

from mentorjournal.render.summary_text import (
    phase_lines,
    ratings_line,
    rhythm,
    signatures_said,
    target_phrase,
    withheld,
)
from mentorjournal.reports.summary import GoalSummary, Summary


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def summary_markdown(summary: Summary) -> str:
    view = " (sponsor view)" if summary.audience == "sponsor" else ""
    out = [f"# Mentorship summary{view}", "", f"{summary.since} to {summary.until}"]
    if withheld(summary):
        out += ["", f"_{withheld(summary)}_"]
    if summary.goals is not None:
        out += ["", "## Goals", "", *_goals(summary)]
    c = summary.cadence
    if c is not None:
        out += [
            "",
            "## Cadence",
            "",
            f"- Sessions held: {c.held} of {c.expected} expected"
            + (f" ({cell(rhythm(c))})" if rhythm(c) else ""),
        ]
        out += [f"  - {cell(line)}" for line in phase_lines(c)]
        if c.longest_gap_days is not None:
            out.append(f"- Longest gap: {c.longest_gap_days} days")
        if c.agenda_by:
            out.append("- Agenda by: " + ", ".join(f"@{h} ({n})" for h, n in c.agenda_by))
        if c.confidential:
            out.append(f"- Confidential sessions: {c.confidential} (counted, not quoted)")
    a = summary.actions
    if a is not None:
        out += [
            "",
            "## Actions",
            "",
            f"- Opened {a.opened}, done {a.done}, open {a.open}, overdue {a.overdue}",
        ]
        if a.median_days_to_close is not None:
            out.append(f"- Median days to close: {a.median_days_to_close:g}")
        out += ["", "| Owner | Opened | Done | Open | Overdue |", "|---|---|---|---|---|"]
        out += [
            f"| @{o.owner} | {o.opened} | {o.done} | {o.open} | {o.overdue} |" for o in a.per_owner
        ]
        if a.overdue_items:
            out += ["", "Overdue:", ""]
            out += [
                f"- `{i.id}` {' '.join('@' + o for o in i.owners)} {cell(i.text)} (due {i.due})"
                for i in a.overdue_items
            ]
    ag = summary.agreement
    out += ["", "## Agreement", ""]
    out.append("- Signatures: " + (cell(signatures_said(ag, " (see mj validate)")) or "none"))
    if ag.review_due:
        out.append(f"- Review: {ag.review_due}" + (" (overdue)" if ag.review_overdue else ""))
    if ag.changes is not None:
        out.append(f"- Changes since first commit: {ag.changes}")
    if summary.retrospectives:
        out += ["", "## Retrospectives", ""]
        for r in summary.retrospectives:
            note = " (confidential)" if r.confidential else ""
            out.append(f"- {r.date} {r.kind}{note}")
            out += [f"  - {cell(d)}" for d in r.decisions]
    return "\n".join(out) + "\n"


def _goals(summary: Summary) -> list[str]:
    """The goals table, with a column for each part of the report the audience sees."""
    columns: list[tuple[str, Callable[[GoalSummary], str]]] = [
        ("Goal", lambda g: f"{cell(g.title)} (`{g.id}`)"),
        ("Status", lambda g: cell(g.status)),
        ("Milestones", lambda g: f"{g.milestones_done}/{g.milestones_total}"),
    ]
    if summary.actions is not None:
        columns.append(
            (
                "Actions open / done / overdue",
                lambda g: f"{g.actions_open} / {g.actions_done} / {g.actions_overdue}",
            )
        )
    if summary.cadence is not None:
        columns.append(("Sessions", lambda g: str(g.sessions)))
        columns.append(("Last discussed", lambda g: g.last_discussed or "-"))
    if "ratings" in summary.parts:
        columns.append(("Self-rating", lambda g: ratings_line(g) or "-"))
    columns.append(("Target", target_phrase))
    goals = summary.goals or ()
    rows = [[show(goal) for _, show in columns] for goal in goals]
    return [
        "| " + " | ".join(name for name, _ in columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
