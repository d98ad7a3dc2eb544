"""The charts of `mj summary --format html`: inline SVG, no script, every text escaped.

Text sizes are in the 1000-unit viewBox of the wide charts, which the page keeps at
least 680 px wide (scrolling sideways on a phone) so that a label stays readable.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from mentorjournal.reports.cadence import Cadence
from mentorjournal.reports.summary import GoalSummary
from mentorjournal.reports.summary_actions import Actions

COLOURS = ("#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#65a30d")
STATUS_COLOURS = {"active": "#059669", "achieved": "#2563eb", "proposed": "#7c3aed"}
STATUS_COLOURS |= {"paused": "#d97706", "dropped": "#9ca3af"}
KIND_COLOURS = {"kickoff": "#7c3aed", "regular": "#2563eb", "check-in": "#0891b2"}
KIND_COLOURS |= {"retro": "#db2777", "closing": "#d97706"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
OPENED_COLOUR = "#d97706"
DONE_COLOUR = "#059669"


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
                f'<text x="{x:.1f}" y="{y + 18}" font-size="15" fill="#6b7280" '
                f'text-anchor="middle">{month_label(month)}</text>'
            )
    return parts


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
            f'<text x="{x0 + 6:.1f}" y="20" font-size="16" fill="#374151">{escape(label)}</text>'
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
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="14" fill="#6b7280" '
            f'text-anchor="end">{value}</text>'
        )
    parts.extend(_date_axis(start, end, left, width, top + height, top))
    for attribute, colour in (("opened", OPENED_COLOUR), ("done", DONE_COLOUR)):
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
            f'<text x="{left + width + 8}" y="{y_of(final) + 4:.1f}" font-size="16" '
            f'fill="{colour}" font-weight="600">{final} {attribute}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
