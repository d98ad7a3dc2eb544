"""`mj summary --format md`: tables a pair can paste into a wiki or an e-mail."""

from __future__ import annotations

from mentorjournal.render.summary_text import ratings_line, target_phrase
from mentorjournal.reports.summary import Summary


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def summary_markdown(summary: Summary) -> str:
    view = " (sponsor view)" if summary.audience == "sponsor" else ""
    out = [
        f"# Mentorship summary{view}",
        "",
        f"{summary.since} to {summary.until}",
        "",
        "## Goals",
        "",
        "| Goal | Status | Milestones | Actions open / done / overdue | Sessions | "
        "Last discussed | Self-rating | Target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for g in summary.goals:
        out.append(
            f"| {cell(g.title)} (`{g.id}`) | {g.status} | {g.milestones_done}/{g.milestones_total} "
            f"| {g.actions_open} / {g.actions_done} / {g.actions_overdue} | {g.sessions} "
            f"| {g.last_discussed or '-'} | {ratings_line(g) or '-'} | {target_phrase(g)} |"
        )
    c = summary.cadence
    out += [
        "",
        "## Cadence",
        "",
        f"- Sessions held: {c.held} of {c.expected} expected"
        + (f" ({c.every})" if c.every else ""),
    ]
    if c.longest_gap_days is not None:
        out.append(f"- Longest gap: {c.longest_gap_days} days")
    if c.agenda_by:
        out.append("- Agenda by: " + ", ".join(f"@{h} ({n})" for h, n in c.agenda_by))
    if c.confidential:
        out.append(f"- Confidential sessions: {c.confidential} (counted, not quoted)")
    a = summary.actions
    out += [
        "",
        "## Actions",
        "",
        f"- Opened {a.opened}, done {a.done}, open {a.open}, overdue {a.overdue}",
    ]
    if a.median_days_to_close is not None:
        out.append(f"- Median days to close: {a.median_days_to_close:g}")
    out += ["", "| Owner | Opened | Done | Open | Overdue |", "|---|---|---|---|---|"]
    out += [f"| @{o.owner} | {o.opened} | {o.done} | {o.open} | {o.overdue} |" for o in a.per_owner]
    if a.overdue_items:
        out += ["", "Overdue:", ""]
        out += [
            f"- `{i.id}` {' '.join('@' + o for o in i.owners)} {cell(i.text)} (due {i.due})"
            for i in a.overdue_items
        ]
    ag = summary.agreement
    out += ["", "## Agreement", ""]
    sign = []
    if ag.signed:
        sign.append("signed by " + ", ".join(ag.signed))
    if ag.stale:
        sign.append("stale: " + ", ".join(ag.stale))
    if ag.missing:
        sign.append("not signed: " + ", ".join(ag.missing))
    out.append("- Signatures: " + ("; ".join(sign) or "none"))
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
