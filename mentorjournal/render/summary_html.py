"""`mj summary --format html`: one self-contained page, inline CSS and inline SVG only.

No scripts, no fonts or images from the network: the page opens offline, in a mail
attachment, and in a browser that blocks everything. Every piece of text is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from mentorjournal.render.summary_svg import (
    COLOURS,
    STATUS_COLOURS,
    actions_chart,
    ratings_chart,
    timeline_chart,
)
from mentorjournal.render.summary_text import rhythm, signatures_said, target_phrase, withheld
from mentorjournal.render.terminal import plural
from mentorjournal.reports.summary import GoalSummary, Summary
from mentorjournal.reports.summary_actions import Actions

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
.scroll{overflow-x:auto}.scroll svg{min-width:680px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.goal{display:grid;grid-template-columns:38% 1fr 110px;gap:4px 12px;align-items:center;
margin:6px 0}
.goal .bar{height:16px;background:#e5e7eb;border-radius:4px;overflow:hidden}
.goal .bar i{display:block;height:100%;border-radius:4px}
.goal small{color:#374151;white-space:nowrap;text-align:right}.nowrap{white-space:nowrap}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e5e7eb;font-size:14px}
th{color:#374151;background:#f3f4f6}
.overdue{color:#b91c1c}.muted{color:#6b7280}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
ul.decisions{margin:4px 0 12px}
@media (max-width:600px){main{padding:16px 12px 32px}h1{font-size:21px}
.goal{grid-template-columns:1fr auto}.goal .bar{grid-column:1/3;grid-row:2}
th,td{padding:5px 6px;font-size:13px}.id{display:none}}
"""


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
    out.append(f"<li>Signatures: {escape(signatures_said(agreement) or 'none')}</li>")
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
        gap = cadence.longest_gap_days
        cards.append(_card("-" if gap is None else str(gap), "longest gap (days)"))
    late = agreement.review_overdue
    review = "agreement review" + (" (overdue)" if late else "")
    cards.append(_card(agreement.review_due or "-", review, "overdue" if late else ""))
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
        '<div class="scroll"><table><tr><th>Due</th><th>Owner</th><th>Action</th>'
        '<th class="id">Id</th></tr>',
    ]
    for index, item in enumerate(listed[:SHOWN_ITEMS]):
        late = ' class="overdue"' if index < len(actions.overdue_items) else ""
        due = f'<span class="nowrap">{escape(item.due or "-")}</span>' + (" overdue" * bool(late))
        owners = " ".join("@" + o for o in item.owners) or "(no owner)"
        out.append(
            f"<tr><td{late}>{due}</td><td>{escape(owners)}</td><td>{escape(item.text)}</td>"
            f'<td class="id"><code>{escape(item.id)}</code></td></tr>'
        )
    out.append("</table></div>")
    if len(listed) > SHOWN_ITEMS:
        out.append(f'<p class="muted">and {len(listed) - SHOWN_ITEMS} more: `mj status`</p>')
    return out
