"""`mj status` for people: open items grouped by owner, then meeting, review, signatures."""

from __future__ import annotations

import datetime as dt

from mentorjournal.format.dates import parse_every
from mentorjournal.render.terminal import Palette, printable
from mentorjournal.reports.status import OpenItem, Status

NO_OWNER = "(no owner)"


def _when(due: str, today: str) -> str:
    days = (dt.date.fromisoformat(due) - dt.date.fromisoformat(today)).days
    if days < 0:
        return f"{-days}d overdue"
    if days == 0:
        return "today"
    return f"in {days}d"


# A word and its colour (none: plain), laid out by ``_wrapped``.
Word = tuple[str, tuple[str, ...]]


def _words(text: str, *styles: str) -> list[Word]:
    return [(word, styles) for word in text.split()]


def _wrapped(
    first: str, used: int, words: list[Word], width: int, indent: int, paint: Palette
) -> list[str]:
    """``first`` (``used`` columns wide) then ``words`` filling lines of ``width``
    columns, continuation lines indented by ``indent``; a line breaks only between words
    (a word longer than a line runs over rather than being cut)."""
    lines, line, fresh = [], first, True  # fresh: no word on this line yet
    for word, styles in words:
        if not fresh and used + 1 + len(word) > width:
            lines.append(line)
            line, used, fresh = " " * indent, indent, True
        line += ("" if fresh else " ") + paint(word, *styles)
        used += (0 if fresh else 1) + len(word)
        fresh = False
    lines.append(line)
    return lines


def _item_lines(item: OpenItem, today: str, paint: Palette, width: int, id_width: int) -> list[str]:
    """``  ! a1b2c3  2025-08-01  text ...`` with ids and due dates in columns, and the
    text, how late, goals and file wrapped in a column of their own."""
    marker = paint("!", "red", "bold") if item.overdue else " "
    due = paint(item.due, "red") if item.overdue and item.due else (item.due or " " * 10)
    indent = 2 + 2 + id_width + 2 + 10 + 2
    first = f"  {marker} {paint(item.id.ljust(id_width), 'dim')}  {due}  "
    words = _words(printable(item.text) or "(no text)")
    if item.due:
        # One word: "(3d overdue)" never splits over two lines.
        words.append((f"({_when(item.due, today)})", ("red",) if item.overdue else ()))
    words += [("#" + goal, ("cyan",)) for goal in item.goals]
    words.append((f"{printable(item.path)}:{item.line}", ("dim",)))
    return _wrapped(first, indent, words, width, indent, paint)


def status_text(
    status: Status,
    paint: Palette,
    owner_names: dict[str, str],
    width: int = 80,
    owner: str | None = None,
) -> str:
    """For a terminal ``width`` columns wide: no line is longer (but for a word that is).
    With ``owner`` (`--owner`), the items listed under that person only."""
    width = max(width, 40)
    id_width = max((len(item.id) for item in status.open), default=6)
    today = status.today
    out: list[str] = []
    by_owner: dict[str, list[OpenItem]] = {}
    for item in status.open:
        for who in (owner,) if owner else item.owners or (NO_OWNER,):
            by_owner.setdefault(who, []).append(item)
    if not by_owner:
        out.append(paint("No open action items.", "green"))
    # People with overdue items first, then by how much they owe.
    order = sorted(
        by_owner, key=lambda o: (-sum(i.overdue for i in by_owner[o]), -len(by_owner[o]), o)
    )
    for who in order:
        items = by_owner[who]
        overdue = sum(item.overdue for item in items)
        name = printable(owner_names.get(who) or "")
        title = f"@{who}" + (f" ({name})" if name else "") if who != NO_OWNER else who
        tally = f"{len(items)} open" + (
            ", " + paint(f"{overdue} overdue", "red") if overdue else ""
        )
        out.append(f"{paint(title, 'bold')}  {tally}")
        for item in items:
            out.extend(_item_lines(item, today, paint, width, id_width))
        out.append("")

    meeting = status.next_meeting
    if meeting.due:
        red = ("red",) if meeting.overdue else ()
        words = _words(f"due {meeting.due} ({_when(meeting.due, today)})", *red)
        detail = [f"every {meeting.every}"] if meeting.every else []
        detail.append(f"last {meeting.last}" if meeting.last else "no session yet")
        words += _words("; ".join(detail), "dim")
        out += _wrapped(paint("Next meeting  ", *red), 14, words, width, 14, paint)
    elif meeting.last and parse_every(meeting.every) is not None:
        out.append(f"Next meeting  none: every {meeting.every} after {meeting.last} is past 9999")
    else:
        out.append("Next meeting  unknown: the agreement's cadence is not readable")

    review = status.review
    if review.due:
        line = f"Review        agreement review {review.due} ({_when(review.due, today)})"
        out.append(paint(line, "red") if review.overdue else line)

    sigs = status.signatures
    words = []
    for label, handles, colour in (
        ("signed by", sigs.valid, "green"),
        ("stale:", sigs.stale, "yellow"),
        ("not signed:", sigs.missing, "yellow"),
        ("invalid:", sigs.invalid, "red"),
    ):
        if handles:
            if words:
                words[-1] = (words[-1][0] + ";", words[-1][1])
            words += _words(f"{label} {printable(', '.join(handles))}", colour)
    out += _wrapped("Signatures    ", 14, words or [("none", ())], width, 14, paint)
    waiting = (*sigs.stale, *sigs.missing)
    if waiting:  # the person asked about first: each signs in their own clone
        signer = owner if owner in waiting else waiting[0]
        hint = f"sign with: mj sign --as {signer}"
        if signer in sigs.keyless:  # no key in the agreement yet: that comes first
            hint = f"sign with: mj key --as {signer} (once), then mj sign --as {signer}"
        others = [handle for handle in waiting if handle != signer]
        if others:
            hint += f" (and {', '.join(others)}, each in their own clone)"
        out += _wrapped(" " * 14, 14, _words(printable(hint), "dim"), width, 14, paint)
    if sigs.invalid:
        why = _words(f"why they do not count: {printable(sigs.why) or 'mj validate'}", "dim")
        out += _wrapped(" " * 14, 14, why, width, 14, paint)
    return "\n".join(out)
