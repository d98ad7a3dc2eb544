"""`mj program` as text (a table that fits 100 columns), JSON and CSV."""

from __future__ import annotations

from typing import Any

from mentorjournal.render.terminal import json_text, printable
from mentorjournal.reports.program import FLAGS, GOAL_STATUSES, PairRow, Program
from mentorjournal.reports.statuscore import SIGNATURES

WIDTH = 100
# One letter per flag in the table, in FLAGS order.
LETTERS = dict(zip(FLAGS, "RUASE", strict=True))
LEGEND = {flag: flag.replace("-", " ") for flag in FLAGS}  # "review-overdue": "review overdue"


def row_json(row: PairRow) -> dict[str, Any]:
    """A pair as the SPEC's JSON object (an unreadable repository adds ``error``)."""
    found: dict[str, Any] = {
        "path": row.path,
        "mentor": row.mentor,
        "mentee": row.mentee,
        "last_session": row.last_session,
        "sessions_held": row.sessions_held,
        "sessions_expected": row.sessions_expected,
        "open_actions": row.open_actions,
        "overdue_actions": row.overdue_actions,
        "review": {"due": row.review_due, "overdue": row.review_overdue},
        "signatures": {key: list(row.signatures[n]) for n, key in enumerate(SIGNATURES)},
        "goals": dict(zip(GOAL_STATUSES, row.goals, strict=True)),
        "errors": row.errors,
        "flags": list(row.flags),
    }
    if row.problem is not None:
        found["error"] = row.problem
    return found


def program_json(program: Program) -> str:
    return json_text(
        {
            "today": program.today,
            "pairs": [row_json(row) for row in program.pairs],
            "totals": {"pairs": len(program.pairs), "flagged": program.flagged},
        }
    )


CSV_COLUMNS = (
    *("path", "mentor", "mentee", "last_session", "sessions_held", "sessions_expected"),
    *("open_actions", "overdue_actions", "review_due", "review_overdue"),
    *(f"signatures_{key}" for key in SIGNATURES),
    *(f"goals_{status}" for status in GOAL_STATUSES),
    *("errors", "flags", "error"),
)


def program_csv(program: Program) -> str:
    """One line per pair; lists (handles, flags) space-separated."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in program.pairs:
        cells = [
            *(row.path, row.mentor, row.mentee, row.last_session, row.sessions_held),
            *(row.sessions_expected, row.open_actions, row.overdue_actions, row.review_due),
            str(row.review_overdue).lower(),
            *(" ".join(handles) for handles in row.signatures),
            *row.goals,
            *(row.errors, " ".join(row.flags), row.problem),
        ]
        writer.writerow([_cell(value) for value in cells])
    return out.getvalue()


def _cell(value: object) -> object:
    """A value a spreadsheet shows as text: a leading = + - @ would start a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def program_text(program: Program) -> str:
    """The pairs that need attention first, in a table no wider than 100 columns."""
    rows = [
        (
            printable(row.path),
            printable(f"{row.mentor or '?'} > {row.mentee or '?'}") if row.problem is None else "",
            row.last_session or "never",
            f"{row.sessions_held}/{row.sessions_expected}",
            str(row.open_actions),
            str(row.overdue_actions),
            (row.review_due or "") + ("!" if row.review_overdue else ""),
            str(row.errors),
            "".join(LETTERS[flag] for flag in row.flags),
        )
        for row in program.pairs
    ]
    header = ("PAIR", "MENTOR > MENTEE", "LAST", "HELD", "OPEN", "LATE", "REVIEW", "ERR", "FLAGS")
    fixed = (None, None, 10, 7, 5, 5, 11, 4, 5)
    widths = [
        min(fixed[n] or 99, max(len(header[n]), *(len(r[n]) for r in rows)))
        for n in range(len(header))
    ]
    # The pair and the people share what the numbers leave of 100 columns.
    room = WIDTH - sum(widths[2:]) - 2 * (len(header) - 1)
    widths[1] = min(widths[1], max(room // 2, 15))
    widths[0] = min(widths[0], room - widths[1])
    numeric = {3, 4, 5, 7}

    def line(cells: tuple[str, ...]) -> str:
        shown = [_fit(cell, widths[n], keep_end=n == 0) for n, cell in enumerate(cells)]
        return "  ".join(
            cell.rjust(widths[n]) if n in numeric else cell.ljust(widths[n])
            for n, cell in enumerate(shown)
        ).rstrip()

    count = len(program.pairs)
    lines = [
        f"{count} pair{'' if count == 1 else 's'}, {program.flagged} need attention "
        f"(today {program.today})",
        "",
        line(header),
        *(line(r) for r in rows),
        "",
        "FLAGS: " + ", ".join(f"{LETTERS[flag]} {LEGEND[flag]}" for flag in FLAGS),
        "HELD: sessions held / expected from the cadence; LATE: overdue actions; REVIEW!: overdue",
    ]
    import textwrap

    for row in program.pairs:
        if row.problem is not None:
            said = f"{printable(row.path)}: {printable(row.problem)}"
            lines += textwrap.wrap(said, WIDTH, subsequent_indent="  ")
    return "\n".join(lines)


def _fit(text: str, width: int, keep_end: bool = False) -> str:
    """``text`` cut to ``width``; a pair's path keeps its end, which tells pairs apart
    (``…/remotes/ana.git`` and ``…/remotes/ben.git``, not ``file:///srv/remo…`` twice)."""
    if len(text) <= width:
        return text
    return "…" + text[len(text) - width + 1 :] if keep_end else text[: width - 1] + "…"
