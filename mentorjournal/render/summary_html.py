"""`mj summary --format html`: one self-contained page, inline CSS and inline SVG only.

No scripts, no fonts or images from the network: the page opens offline, in a mail
attachment, and in a browser that blocks everything. Every piece of text is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from mentorjournal.render.summary_text import rhythm, target_phrase, withheld
from mentorjournal.reports.changes import plural
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
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
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
.scroll{overflow-x:auto}.scroll svg{min-width:640px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.goal{display:grid;grid-template-columns:minmax(0,2fr) minmax(120px,3fr) auto;gap:4px 12px;
align-items:center;margin:6px 0}
.goal .bar{height:16px;background:#e5e7eb;border-radius:4px;overflow:hidden}
.goal .bar i{display:block;height:100%;border-radius:4px}
.goal small{color:#374151;white-space:nowrap}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e5e7eb;font-size:14px}
th{color:#374151;background:#f3f4f6}
.overdue{color:#b91c1c}.muted{color:#6b7280}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
ul.decisions{margin:4px 0 12px}
@media (max-width:600px){main{padding:16px 12px 32px}h1{font-size:21px}
.goal{grid-template-columns:1fr auto}.goal .bar{grid-column:1/3;grid-row:2}
th,td{padding:5px 6px;font-size:13px}}
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


def month_label(day: dt.date) -> str:
    """``Dec 2026``: a month and its year, never a two-digit year read as a day."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def _date_axis(
    start: dt.date, end: dt.date, left: float, width: float, y: float, top: float
) -> list[str]:
    """Month gridlines from ``top`` to the axis at ``y``, labelled ``Dec 2026`` (every
    second or third month when a label would not fit between two gridlines)."""
    parts = [f'<line x1="{left}" y1="{y}" x2="{left + width}" y2="{y}" stroke="#9ca3af"/>']
    ticks = _month_ticks(start, end)
    every = max(1, -(-len(ticks) * 80 // int(width)))
    for index, month in enumerate(ticks):
        x = _x(month.isoformat(), start, end, left, width)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y}" stroke="#f3f4f6"/>')
        if index % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{y + 18}" font-size="14" fill="#6b7280" '
                f'text-anchor="middle">{month_label(month)}</text>'
            )
    return parts


def progress_chart(goals: tuple[GoalSummary, ...]) -> str:
    """One bar per goal (milestones done out of not cancelled), in HTML so that it
    reflows: title, bar and count on a line, the bar under the title on a phone."""
    parts = []
    for index, goal in enumerate(goals):
        # The goal's own colour, as in its ratings chart; dropped goals fade to grey.
        colour = (
            STATUS_COLOURS["dropped"] if goal.status == "dropped" else COLOURS[index % len(COLOURS)]
        )
        percent = round((goal.progress or 0.0) * 100)
        parts.append(
            f'<div class="goal"><span>{escape(goal.title)}</span>'
            f'<div class="bar" role="img" aria-label="{percent}% of milestones done">'
            f'<i style="width:{percent}%;background:{colour}"></i></div>'
            f"<small>{goal.milestones_done}/{goal.milestones_total} · {escape(goal.status)}"
            "</small></div>"
        )
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
    first, last = month_label(start), month_label(end)
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
    """Meetings expected by the cadence in force in each phase (ticks above the line,
    each phase named over its stretch) against sessions held (dots below)."""
    left, width, axis = 20, 960, 84
    parts = [
        '<svg role="img" aria-label="Sessions against the agreed cadence" '
        'viewBox="0 0 1000 176" width="100%">',
    ]
    for index, phase in enumerate(cadence.phases):
        x0 = _x(phase.start, start, end, left, width)
        x1 = _x(phase.end, start, end, left, width) + (width / max((end - start).days, 1))
        if index % 2:
            parts.append(
                f'<rect x="{x0:.1f}" y="4" width="{x1 - x0:.1f}" height="{axis - 4}" '
                'fill="#f3f4f6"/>'
            )
        if index:
            parts.append(
                f'<line x1="{x0:.1f}" y1="4" x2="{x0:.1f}" y2="{axis + 52}" stroke="#6b7280" '
                'stroke-dasharray="4 3"/>'
            )
        name = (phase.every or "no cadence") + (f" · phase {phase.phase}" if phase.phase else "")
        label = f"{name}: {phase.held} of {phase.expected}"
        parts.append(
            f'<text x="{x0 + 6:.1f}" y="20" font-size="15" fill="#374151">{escape(label)}</text>'
        )
    parts.extend(_date_axis(start, end, left, width, axis, 28))
    for day in cadence.expected_dates:
        x = _x(day, start, end, left, width)
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis - 36}" x2="{x:.1f}" y2="{axis - 6}" '
            f'stroke="#9ca3af" stroke-width="3"/>'
        )
    for session in cadence.sessions:
        x = _x(session.date, start, end, left, width)
        colour = KIND_COLOURS.get(session.kind, "#2563eb")
        fill = "#fff" if session.confidential else colour
        parts.append(
            f'<circle cx="{x:.1f}" cy="{axis + 38}" r="8" fill="{fill}" stroke="{colour}" '
            f'stroke-width="2.5"><title>{escape(session.date)} {escape(session.kind)}</title>'
            "</circle>"
        )
    legend_x = left
    parts.append(
        f'<line x1="{legend_x}" y1="152" x2="{legend_x}" y2="170" stroke="#9ca3af" '
        f'stroke-width="3"/><text x="{legend_x + 8}" y="167" font-size="14" fill="#374151">'
        "expected</text>"
    )
    legend_x += 100
    for kind in ("kickoff", "regular", "check-in", "retro", "closing"):
        colour = KIND_COLOURS[kind]
        parts.append(
            f'<circle cx="{legend_x}" cy="162" r="6" fill="{colour}"/>'
            f'<text x="{legend_x + 10}" y="167" font-size="14" fill="#374151">{kind}</text>'
        )
        legend_x += 96
    parts.append(
        f'<circle cx="{legend_x}" cy="162" r="6" fill="#fff" stroke="#6b7280" '
        f'stroke-width="2"/><text x="{legend_x + 10}" y="167" font-size="14" '
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
    title = "Mentorship summary" + (f": {summary.pair_names}" if summary.pair else "")
    window = f"{summary.since} to {summary.until}"
    roles = ", ".join(f"{name} ({role})" for role, name in summary.pair)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}, {escape(window)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{escape(roles)}{" · " if roles else ""}{escape(window)}{escape(view)}</p>',
    ]
    if withheld(summary):
        out.append(f'<p class="muted">{escape(withheld(summary))}</p>')
    out += ['<div class="cards">', *_cards(summary), "</div>"]
    if actions is not None:
        out += _open_actions(actions)
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
            f'<div class="panel scroll">{timeline_chart(cadence, start, end)}</div>',
        ]
    if actions is not None:
        out += [
            "<h2>Actions opened and done</h2>",
            f'<div class="panel scroll">{actions_chart(actions, start, end)}</div>',
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
        confidential = plural(cadence.confidential, "confidential session")
        out.append(f"<li>{confidential}: counted, not quoted</li>")
    signatures = []
    if agreement.signed:
        signatures.append("signed by " + ", ".join(agreement.signed))
    if agreement.stale:
        signatures.append("stale: " + ", ".join(agreement.stale))
    if agreement.missing:
        signatures.append("not signed: " + ", ".join(agreement.missing))
    out.append(f"<li>Signatures: {escape('; '.join(signatures) or 'none')}</li>")
    if agreement.changes is not None:
        times = "once" if agreement.changes == 1 else f"{agreement.changes} times"
        out.append(f"<li>Agreement changed {times} since it was first committed</li>")
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
        kept = "sessions held / expected" + (f" ({rhythm(cadence)})" if rhythm(cadence) else "")
        cards.append(_card(f"{cadence.held} / {cadence.expected}", kept))
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
    out = ["<h2>Goals in detail</h2>", '<div class="scroll"><table><tr>']
    out[-1] += "".join(f"<th>{h}</th>" for h in head)
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
    out.append("</table></div>")
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
    return out


SHOWN_ITEMS = 30


def _open_actions(actions: Actions) -> list[str]:
    """The pair's open actions, overdue first (none for a sponsor: the report never
    quotes an item to them)."""
    listed = (*actions.overdue_items, *actions.open_items)
    if not listed:
        return []
    out = [
        f"<h2>Open actions ({len(listed)}, {actions.overdue} overdue)</h2>",
        '<div class="scroll"><table><tr><th>Due</th><th>Owner</th><th>Action</th><th>Id</th></tr>',
    ]
    for index, item in enumerate(listed[:SHOWN_ITEMS]):
        late = ' class="overdue"' if index < len(actions.overdue_items) else ""
        due = escape(item.due or "-") + (" overdue" if late else "")
        owners = " ".join("@" + o for o in item.owners) or "(no owner)"
        out.append(
            f"<tr><td{late}>{due}</td><td>{escape(owners)}</td><td>{escape(item.text)}</td>"
            f"<td><code>{escape(item.id)}</code></td></tr>"
        )
    out.append("</table></div>")
    if len(listed) > SHOWN_ITEMS:
        out.append(f'<p class="muted">and {len(listed) - SHOWN_ITEMS} more: `mj status`</p>')
    return out
