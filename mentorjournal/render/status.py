"""`mj status` for people: open items grouped by owner, then meeting, review, signatures."""

from __future__ import annotations

import datetime as dt

from mentorjournal.format.dates import parse_every
from mentorjournal.render.terminal import Palette, json_text, printable
from mentorjournal.reports.status import OpenItem, Status

NO_OWNER = "(no owner)"


def status_json(status: Status) -> str:
    return json_text(status.as_json())


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days


def _when(due: str, today: str) -> str:
    days = _days(due, today)
    if days < 0:
        return f"{-days}d overdue"
    if days == 0:
        return "today"
    return f"in {days}d"


def _item_line(item: OpenItem, today: str, paint: Palette) -> str:
    marker = paint("!", "red", "bold") if item.overdue else " "
    parts = [f"  {marker} {paint(item.id, 'dim')}  {printable(item.text) or '(no text)'}"]
    if item.due:
        when = f"due {item.due} ({_when(item.due, today)})"
        parts.append(paint(when, "red") if item.overdue else when)
    if item.goals:
        parts.append(paint(" ".join("#" + goal for goal in item.goals), "cyan"))
    parts.append(paint(f"{printable(item.path)}:{item.line}", "dim"))
    return "  ".join(parts)


def status_text(status: Status, paint: Palette, owner_names: dict[str, str]) -> str:
    today = status.today
    out: list[str] = []
    by_owner: dict[str, list[OpenItem]] = {}
    for item in status.open:
        for owner in item.owners or (NO_OWNER,):
            by_owner.setdefault(owner, []).append(item)
    if not by_owner:
        out.append(paint("No open action items.", "green"))
    # People with overdue items first, then by how much they owe.
    order = sorted(
        by_owner,
        key=lambda o: (-sum(i.overdue for i in by_owner[o]), -len(by_owner[o]), o),
    )
    for owner in order:
        items = by_owner[owner]
        overdue = sum(item.overdue for item in items)
        name = printable(owner_names.get(owner) or "")
        title = f"@{owner}" + (f" ({name})" if name else "") if owner != NO_OWNER else owner
        tally = f"{len(items)} open" + (
            ", " + paint(f"{overdue} overdue", "red") if overdue else ""
        )
        out.append(f"{paint(title, 'bold')}  {tally}")
        out.extend(_item_line(item, today, paint) for item in items)
        out.append("")

    meeting = status.next_meeting
    if meeting.due:
        when = _when(meeting.due, today)
        line = f"Next meeting  due {meeting.due} ({when})"
        if meeting.overdue:
            line = paint(line, "red")
        detail = []
        if meeting.every:
            detail.append(f"every {meeting.every}")
        detail.append(f"last {meeting.last}" if meeting.last else "no session yet")
        out.append(f"{line}  {paint('; '.join(detail), 'dim')}")
    elif meeting.last and parse_every(meeting.every) is not None:
        out.append(f"Next meeting  none: every {meeting.every} after {meeting.last} is past 9999")
    else:
        out.append("Next meeting  unknown: the agreement's cadence is not readable")

    review = status.review
    if review.due:
        line = f"Review        agreement review {review.due} ({_when(review.due, today)})"
        out.append(paint(line, "red") if review.overdue else line)

    sigs = status.signatures
    parts = []
    if sigs.valid:
        parts.append(paint("signed by " + printable(", ".join(sigs.valid)), "green"))
    if sigs.stale:
        parts.append(paint("stale: " + printable(", ".join(sigs.stale)), "yellow"))
    if sigs.missing:
        parts.append(paint("not signed: " + printable(", ".join(sigs.missing)), "yellow"))
    out.append("Signatures    " + ("; ".join(parts) if parts else "none"))
    if sigs.stale or sigs.missing:
        who = (*sigs.stale, *sigs.missing)
        out.append(paint(f"              sign with: mj sign --as {who[0]}", "dim"))
    return "\n".join(out)
