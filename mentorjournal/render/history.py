"""`mj history` as text or JSON."""

from __future__ import annotations

from mentorjournal.render.terminal import Palette, json_text, printable
from mentorjournal.reports.changes import render_value
from mentorjournal.reports.history import AgreementVersion, GoalStatusChange, JournalHistory


def _version_lines(version: AgreementVersion, palette: Palette) -> list[str]:
    head = (
        f"{version.date[:10]}  {palette(version.sha[:7], 'yellow')}  "
        f"{printable(version.author_name)} <{printable(version.author_email)}>  "
        f"{palette(printable(version.subject), 'dim')}"
    )
    lines = [head]
    if version.created:
        lines.append("    created the agreement")
    if version.removed:
        lines.append("    removed the agreement")
    if not version.created:
        lines.extend(f"    {printable(change.describe())}" for change in version.fields)
        for section in version.sections:
            name = f"section {section.heading!r}" if section.heading else "text before the headings"
            lines.append(f"    {name} {section.change}")
    for change in version.key_changes:
        who = change.handle
        added = "" if change.before else f", added by {printable(version.author_name)}"
        lines.append(
            f"    {who}'s key: {change.before or 'none'} -> {change.after or 'none'}{added}"
        )
        if change.after and not change.confirmed:
            lines.append(f"      not confirmed by {who}: signatures with it do not count")
    for sig in version.signatures:
        made = sig.fingerprint or "no key"
        why = f" ({printable(sig.why)})" if sig.why else ""
        lines.append(f"    signed by {sig.by} on {sig.date} with {made}: {sig.state}{why}")
    if len(lines) == 1:
        lines.append("    (layout only)")
    return lines


def _goal_line(change: GoalStatusChange, palette: Palette) -> str:
    if change.before is None:
        what = f"added ({render_value(change.after)})"
    elif change.after is None:
        what = f"removed (was {change.before})"
    else:
        what = f"{change.before} -> {change.after}"
    return (
        f"{change.date[:10]}  {palette(change.sha[:7], 'yellow')}  "
        f"{printable(change.author_name)}  {palette(printable(change.goal), 'bold')}: {what}"
    )


def history_text(history: JournalHistory, palette: Palette) -> str:
    lines = [palette("Agreement", "bold")]
    if not history.agreement:
        lines.append("  no committed version yet: record one with `mj commit`")
    for version in history.agreement:
        lines.extend(f"  {line}" for line in _version_lines(version, palette))
    lines += ["", palette("Goals", "bold")]
    if not history.goals:
        lines.append("  no goal status changes committed yet")
    lines.extend(f"  {_goal_line(change, palette)}" for change in history.goals)
    return "\n".join(lines)


def history_json(history: JournalHistory) -> str:
    data = {
        "agreement": [
            {
                "commit": v.sha,
                "date": v.date,
                "author": {"name": v.author_name, "email": v.author_email},
                "subject": v.subject,
                "created": v.created,
                "removed": v.removed,
                "fields": [vars(f) for f in v.fields],  # path, before, after
                "sections": [vars(s) for s in v.sections],  # heading, change
                "signatures_added": list(v.signatures_added),
                "signatures": [
                    {"by": e.by, "date": e.date, "key": e.fingerprint, "state": e.state}
                    | ({"why": e.why} if e.why else {})
                    for e in v.signatures
                ],
                "key_changes": [
                    {key: value for key, value in vars(k).items() if key != "commit"}
                    for k in v.key_changes
                ],
            }
            for v in history.agreement
        ],
        "goals": [
            {
                "goal": g.goal,
                "commit": g.sha,
                "date": g.date,
                "author": {"name": g.author_name, "email": g.author_email},
                "before": g.before,
                "after": g.after,
            }
            for g in history.goals
        ],
    }
    return json_text(data, indent=2)
