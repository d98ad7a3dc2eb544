"""`mj summary --format html`: one self-contained page, inline CSS and inline SVG only.

No scripts, no fonts or images from the network: the page opens offline, in a mail
attachment, and in a browser that blocks everything. Every piece of text is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from mentorjournal.render.summary_text import target_phrase, withheld
from mentorjournal.reports.summary import Actions, Cadence, GoalSummary, Summary

COLOURS = ("#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#65a30d")
STATUS_COLOURS = {
    "active": "#059669",
    "achieved": "#2563eb",
    "proposed": "#7c3aed",
    "paused": "#d97706",
    "dropped": "#9ca3af",
}
KIND_COLOURS = {
    "kickoff": "#7c3aed",
    "regular": "#2563eb",
    "check-in": "#0891b2",
    "retro": "#db2777",
    "closing": "#d97706",
}
OPENED_COLOUR = "#d97706"
DONE_COLOUR = "#059669"

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;
background:#f9fafb;margin:0}
main{max-width:1080px;margin:0 auto;padding:28px 32px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 10px}
.sub{color:#6b7280;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:12px 16px}
.card b{display:block;font-size:22px;white-space:nowrap}.card span{color:#6b7280;font-size:13px}
.panel{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:14px 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e5e7eb;font-size:14px}
th{color:#374151;background:#f3f4f6}
.overdue{color:#b91c1c}.muted{color:#6b7280}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
ul.decisions{margin:4px 0 12px}
"""


def _x(day: str, start: dt.date, end: dt.date, left: float, width: float) -> float:
    span = max((end - start).days, 1)
    offset = (dt.date.fromisoformat(day) - start).days
    return left + width * min(max(offset, 0), span) / span


def _month_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    ticks = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            ticks.append(month)
        if month.year == dt.MAXYEAR and month.month == 12:
            break  # no month after December 9999
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return ticks


def _date_axis(
    start: dt.date, end: dt.date, left: float, width: float, y: float, top: float
) -> list[str]:
    """Month gridlines from ``top`` to the axis at ``y``, with short month labels."""
    parts = [f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#9ca3af"/>']
    for month in _month_ticks(start, end):
        x = _x(month.isoformat(), start, end, left, width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y}" stroke="#f3f4f6"/>'
            f'<text x="{x:.1f}" y="{y + 16}" font-size="11" fill="#6b7280" '
            f'text-anchor="middle">{month.strftime("%b %y")}</text>'
        )
    return parts


def progress_chart(goals: tuple[GoalSummary, ...]) -> str:
    """One horizontal bar per goal: milestones done out of not cancelled."""
    row, label_w, bar_w = 34, 330, 520
    height = row * len(goals) + 12
    parts = [
        f'<svg role="img" aria-label="Goal progress" viewBox="0 0 1000 {height}" width="100%">'
    ]
    for index, goal in enumerate(goals):
        y = 6 + index * row
        # The goal's own colour, as in its ratings chart; dropped goals fade to grey.
        colour = (
            STATUS_COLOURS["dropped"] if goal.status == "dropped" else COLOURS[index % len(COLOURS)]
        )
        fraction = goal.progress or 0.0
        title = goal.title if len(goal.title) <= 44 else goal.title[:43] + "…"
        parts.append(
            f'<text x="0" y="{y + 17}" font-size="14" fill="#111827">{escape(title)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" rx="4" fill="#e5e7eb"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * fraction:.1f}" height="18" rx="4" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + bar_w + 10}" y="{y + 17}" font-size="13" fill="#374151">'
            f"{goal.milestones_done}/{goal.milestones_total} · {escape(goal.status)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def ratings_chart(goal: GoalSummary, colour: str, start: dt.date, end: dt.date) -> str:
    """The mentee's self-rating (1 to 5) for one goal over the window."""
    left, top, width, height = 26, 10, 290, 100
    parts = [
        f'<svg role="img" aria-label="Self-rating for {escape(goal.id)}" viewBox="0 0 330 140" '
        f'width="100%">'
    ]

    def y_of(value: int) -> float:
        return top + height - (value - 1) * height / 4

    for value in range(1, 6):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#f3f4f6"/>'
            f'<text x="{left - 8}" y="{y + 4}" font-size="11" fill="#6b7280" '
            f'text-anchor="end">{value}</text>'
        )
    parts.extend(_date_axis(start, end, left, width, top + height, top)[:1])
    first, last = start.strftime("%b %y"), end.strftime("%b %y")
    parts.append(
        f'<text x="{left}" y="{top + height + 16}" font-size="11" fill="#6b7280">{first}</text>'
        f'<text x="{left + width}" y="{top + height + 16}" font-size="11" fill="#6b7280" '
        f'text-anchor="end">{last}</text>'
    )
    points = [(_x(day, start, end, left, width), y_of(value)) for day, value in goal.ratings]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'stroke-linejoin="round"/>'
        )
    parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>' for x, y in points)
    parts.append("</svg>")
    return "".join(parts)


def timeline_chart(cadence: Cadence, start: dt.date, end: dt.date) -> str:
    """Expected meeting dates (ticks above the line) against sessions held (dots below)."""
    left, width, axis = 20, 960, 70
    every = f" ({escape(cadence.every)})" if cadence.every else ""
    parts = [
        '<svg role="img" aria-label="Sessions against the agreed cadence" '
        'viewBox="0 0 1000 150" width="100%">',
        f'<text x="{left}" y="16" font-size="12" fill="#6b7280">expected by the cadence{every}'
        "</text>",
        f'<text x="{left}" y="142" font-size="12" fill="#6b7280">held</text>',
    ]
    parts.extend(_date_axis(start, end, left, width, axis, 24))
    for day in cadence.expected_dates:
        x = _x(day, start, end, left, width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis - 36}" x2="{x:.1f}" y2="{axis - 6}" '
            f'stroke="#9ca3af" stroke-width="2"/>'
        )
    for session in cadence.sessions:
        x = _x(session.date, start, end, left, width)
        colour = KIND_COLOURS.get(session.kind, "#2563eb")
        fill = "#fff" if session.confidential else colour
        parts.append(
            f'<circle cx="{x:.1f}" cy="{axis + 34}" r="7" fill="{fill}" stroke="{colour}" '
            f'stroke-width="2.5"><title>{escape(session.date)} {escape(session.kind)}</title>'
            "</circle>"
        )
    legend_x = 470
    for kind in ("kickoff", "regular", "check-in", "retro", "closing"):
        colour = KIND_COLOURS[kind]
        parts.append(
            f'<circle cx="{legend_x}" cy="138" r="5" fill="{colour}"/>'
            f'<text x="{legend_x + 9}" y="142" font-size="12" fill="#374151">{kind}</text>'
        )
        legend_x += 72
    parts.append(
        f'<circle cx="{legend_x + 6}" cy="138" r="5" fill="#fff" stroke="#6b7280" '
        f'stroke-width="2"/><text x="{legend_x + 15}" y="142" font-size="12" '
        f'fill="#374151">confidential</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def actions_chart(actions: Actions, start: dt.date, end: dt.date) -> str:
    """Cumulative actions opened and done over the window, as step lines."""
    left, top, width, height = 46, 14, 830, 200
    points = actions.timeline
    peak = max((p.opened for p in points), default=0) or 1
    step = max(1, round(peak / 5 / 5) * 5) if peak > 10 else 2
    parts = [
        '<svg role="img" aria-label="Actions opened and done over time" '
        'viewBox="0 0 1000 250" width="100%">'
    ]

    def y_of(value: int) -> float:
        return top + height - value * height / peak

    for value in range(0, peak + 1, step):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="#f3f4f6"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" fill="#6b7280" '
            f'text-anchor="end">{value}</text>'
        )
    parts.extend(_date_axis(start, end, left, width, top + height, top))
    for attribute, colour, label in (
        ("opened", OPENED_COLOUR, "opened"),
        ("done", DONE_COLOUR, "done"),
    ):
        coords: list[str] = []
        previous: float | None = None
        for point in points:
            x = _x(point.date, start, end, left, width)
            y = y_of(getattr(point, attribute))
            if previous is not None:
                coords.append(f"{x:.1f},{previous:.1f}")
            coords.append(f"{x:.1f},{y:.1f}")
            previous = y
        final = getattr(points[-1], attribute) if points else 0
        parts.append(
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5"/>'
            f'<text x="{left + width + 8}" y="{y_of(final) + 4:.1f}" font-size="13" '
            f'fill="{colour}" font-weight="600">{final} {label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _card(value: str, label: str, css: str = "") -> str:
    return (
        f'<div class="card"><b class="{css}">{escape(value)}</b><span>{escape(label)}</span></div>'
    )


def summary_html(summary: Summary) -> str:
    start, end = dt.date.fromisoformat(summary.since), dt.date.fromisoformat(summary.until)
    cadence, actions, agreement = summary.cadence, summary.actions, summary.agreement
    view = " · sponsor view" if summary.audience == "sponsor" else ""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Mentorship summary {escape(summary.since)} to {escape(summary.until)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<h1>Mentorship summary</h1>",
        f'<p class="sub">{escape(summary.since)} to {escape(summary.until)}{escape(view)}</p>',
    ]
    if withheld(summary):
        out.append(f'<p class="muted">{escape(withheld(summary))}</p>')
    out += ['<div class="cards">', *_cards(summary), "</div>"]
    goals = summary.goals
    if goals is not None:
        out += [
            "<h2>Goal progress</h2>",
            '<div class="panel">',
            progress_chart(goals) if goals else "<p>No goals yet.</p>",
            "</div>",
        ]
        rated = [(i, g) for i, g in enumerate(goals) if g.ratings]
        if rated:
            out += ["<h2>Self-rating per goal (1 to 5)</h2>", '<div class="grid">']
            for index, goal in rated:
                colour = COLOURS[index % len(COLOURS)]
                latest = goal.ratings[-1][1]
                out.append(
                    f'<div class="panel"><b>{escape(goal.title)}</b> '
                    f'<span class="muted">latest {latest}/5</span>'
                    f"{ratings_chart(goal, colour, start, end)}</div>"
                )
            out.append("</div>")
    if cadence is not None:
        out += [
            "<h2>Sessions against the agreed cadence</h2>",
            f'<div class="panel">{timeline_chart(cadence, start, end)}</div>',
        ]
    if actions is not None:
        out += [
            "<h2>Actions opened and done</h2>",
            f'<div class="panel">{actions_chart(actions, start, end)}</div>',
        ]
    if goals is not None:
        out += _goal_table(goals, actions is not None, cadence is not None)
    if actions is not None:
        out += _owner_tables(actions)
    out += ["<h2>Cadence and agreement</h2>", "<ul>"]
    if cadence is not None and cadence.agenda_by:
        who = ", ".join(f"@{h} ({n})" for h, n in cadence.agenda_by)
        out.append(f"<li>Agenda driven by {escape(who)}</li>")
    if cadence is not None and cadence.confidential:
        out.append(f"<li>{cadence.confidential} confidential session(s): counted, not quoted</li>")
    signatures = []
    if agreement.signed:
        signatures.append("signed by " + ", ".join(agreement.signed))
    if agreement.stale:
        signatures.append("stale: " + ", ".join(agreement.stale))
    if agreement.missing:
        signatures.append("not signed: " + ", ".join(agreement.missing))
    out.append(f"<li>Signatures: {escape('; '.join(signatures) or 'none')}</li>")
    if agreement.changes is not None:
        out.append(f"<li>Agreement changed {agreement.changes} time(s) since first commit</li>")
    out.append("</ul>")
    if summary.retrospectives:
        out.append("<h2>Retrospectives</h2>")
        for retro in summary.retrospectives:
            note = " (confidential)" if retro.confidential else ""
            out.append(f"<p><b>{escape(retro.date)}</b> {escape(retro.kind)}{note}</p>")
            if retro.decisions:
                out.append('<ul class="decisions">')
                out += [f"<li>{escape(d)}</li>" for d in retro.decisions]
                out.append("</ul>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


def _cards(summary: Summary) -> list[str]:
    cadence, actions, agreement = summary.cadence, summary.actions, summary.agreement
    cards = []
    if cadence is not None:
        cards.append(_card(f"{cadence.held} / {cadence.expected}", "sessions held / expected"))
    if actions is not None:
        median = actions.median_days_to_close
        cards += [
            _card(f"{actions.done} / {actions.opened}", "actions done / opened"),
            _card(str(actions.overdue), "actions overdue", "overdue" if actions.overdue else ""),
            _card("-" if median is None else f"{median:g}", "median days to close"),
        ]
    if cadence is not None:
        cards.append(
            _card(
                "-" if cadence.longest_gap_days is None else str(cadence.longest_gap_days),
                "longest gap (days)",
            )
        )
    cards.append(
        _card(
            agreement.review_due or "-",
            "agreement review" + (" (overdue)" if agreement.review_overdue else ""),
            "overdue" if agreement.review_overdue else "",
        )
    )
    return cards


def _goal_table(goals: tuple[GoalSummary, ...], actions: bool, cadence: bool) -> list[str]:
    """The goals in detail, with the columns of the parts the audience sees."""
    head = ["Goal", "Status", "Milestones"]
    head += ["Actions open / done / overdue"] if actions else []
    head += ["Sessions", "Last discussed"] if cadence else []
    out = ["<h2>Goals in detail</h2>", "<table><tr>" + "".join(f"<th>{h}</th>" for h in head)]
    out[-1] += "<th>Target</th></tr>"
    for goal in goals:
        cells = [
            f"<td>{escape(goal.title)}</td><td>{escape(goal.status)}</td>",
            f"<td>{goal.milestones_done}/{goal.milestones_total}</td>",
        ]
        if actions:
            overdue = ' class="overdue"' if goal.actions_overdue else ""
            counts = f"{goal.actions_open} / {goal.actions_done} / {goal.actions_overdue}"
            cells.append(f"<td{overdue}>{counts}</td>")
        if cadence:
            cells.append(f"<td>{goal.sessions}</td><td>{escape(goal.last_discussed or '-')}</td>")
        cells.append(f"<td>{escape(target_phrase(goal))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def _owner_tables(actions: Actions) -> list[str]:
    out = [
        "<h2>Actions by owner</h2>",
        "<table><tr><th>Owner</th><th>Opened</th><th>Done</th><th>Open</th><th>Overdue</th></tr>",
    ]
    for owner in actions.per_owner:
        out.append(
            f"<tr><td>@{escape(owner.owner)}</td><td>{owner.opened}</td><td>{owner.done}</td>"
            f"<td>{owner.open}</td><td>{owner.overdue}</td></tr>"
        )
    out.append("</table>")
    if actions.overdue_items:
        out += [
            "<h2>Overdue</h2>",
            "<table><tr><th>Id</th><th>Owner</th><th>Item</th><th>Due</th></tr>",
        ]
        for item in actions.overdue_items:
            owners = " ".join("@" + o for o in item.owners)
            out.append(
                f"<tr><td><code>{escape(item.id)}</code></td><td>{escape(owners)}</td>"
                f'<td>{escape(item.text)}</td><td class="overdue">{escape(item.due)}</td></tr>'
            )
        out.append("</table>")
    return out
