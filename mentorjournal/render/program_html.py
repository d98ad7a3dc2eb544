"""`mj program --format html`: one self-contained page, a table sortable by any column.

Inline CSS and a few lines of inline JavaScript (the sorting and the "needs
attention" filter), nothing from the network: the page's Content-Security-Policy
forbids loading anything, so it works offline and as a mail attachment. Every
piece of text is escaped; without JavaScript the table still reads, flagged first.
"""

from __future__ import annotations

from html import escape

from mentorjournal.render.program import LEGEND
from mentorjournal.reports.program import FLAGS, GOAL_STATUSES, PairRow, Program
from mentorjournal.reports.statuscore import SIGNATURES

POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
FLAG_COLOURS = {
    "review-overdue": "#b45309",
    "unsigned": "#7c3aed",
    "overdue-actions": "#b91c1c",
    "no-recent-session": "#0e7490",
    "errors": "#be123c",
}
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;
background:#f9fafb;margin:0}
main{max-width:1240px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:24px;margin:0 0 4px}.sub{color:#6b7280;margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;
margin-bottom:16px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:10px 14px}
.card b{display:block;font-size:22px}.card span{color:#6b7280;font-size:13px}
label{color:#374151;display:inline-block;margin:0 0 10px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #e5e7eb}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{background:#f3f4f6;color:#374151;font-size:13px;cursor:pointer;user-select:none;
white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.d{white-space:nowrap}
.flag{display:inline-block;border-radius:9px;padding:0 7px;margin:1px 2px 1px 0;color:#fff;
font-size:12px;white-space:nowrap}
.late{color:#b91c1c;font-weight:600}.muted{color:#6b7280}.ok{color:#047857}
.problem{color:#be123c;font-size:12px;white-space:normal;max-width:360px}
body.attention tr.calm{display:none}
"""
# Sorts by each cell's data-v (numbers as numbers), and hides unflagged pairs on demand.
SCRIPT = """
document.querySelectorAll("th").forEach(function (th, column) {
  th.addEventListener("click", function () {
    var body = document.querySelector("tbody");
    var up = th.getAttribute("aria-sort") !== "ascending";
    document.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var v = row.cells[column].getAttribute("data-v");
      return v !== null && v !== "" && !isNaN(v) ? Number(v) : (v || "");
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0)
                                        : (typeof x === "number" ? -1 : 1);
      return up ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
document.getElementById("attention").addEventListener("change", function (e) {
  document.body.classList.toggle("attention", e.target.checked);
});
"""
COLUMNS = (
    *("Pair", "Mentor", "Mentee", "Last session", "Held / expected", "Open actions"),
    *("Overdue", "Review due", "Signatures", "Goals", "Errors", "Flags"),
)


def program_html(program: Program) -> str:
    count = len(program.pairs)
    cards = [(count, "pairs"), (program.flagged, "need attention")]
    cards += [(sum(flag in row.flags for row in program.pairs), LEGEND[flag]) for flag in FLAGS]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>Program roll-up, {escape(program.today)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<h1>Program roll-up</h1>",
        f'<p class="sub">{count} pair{"" if count == 1 else "s"} on {escape(program.today)}: '
        "dates and counts only, no note text. Click a column to sort.</p>",
        '<div class="cards">',
        *(
            f"<div class=card><b>{value}</b><span>{escape(what)}</span></div>"
            for value, what in cards
        ),
        "</div>",
        '<label><input type="checkbox" id="attention"> only pairs that need attention</label>',
        "<table><thead><tr>",
        *(f'<th scope="col">{escape(name)}</th>' for name in COLUMNS),
        "</tr></thead><tbody>",
        *(_row(row) for row in program.pairs),
        "</tbody></table>",
        f"<script>{SCRIPT}</script>",
        "</main></body></html>",
    ]
    return "\n".join(parts)


def _cell(value: object, shown: str | None = None, kind: str = "") -> str:
    """A cell sorted by ``value`` and showing ``shown`` (already escaped) or the value;
    ``kind`` n: a number, d: kept on one line."""
    sort = "" if value is None else escape(str(value))
    text = shown if shown is not None else escape("" if value is None else str(value))
    return f'<td{f" class={kind}" if kind else ""} data-v="{sort}">{text}</td>'


def _row(row: PairRow) -> str:
    problem = f'<div class="problem">{escape(row.problem)}</div>' if row.problem else ""
    held = f"{row.sessions_held} / {row.sessions_expected}"
    review = escape(row.review_due or "none")
    if row.review_overdue:
        review = f'<span class="late">{review}</span>'
    signed = [
        f"{kind} {escape(', '.join(handles))}"
        for kind, handles in zip(SIGNATURES, row.signatures, strict=True)
        if handles and kind != "valid"
    ]
    valid = ", ".join(row.signatures[0])
    signatures = "; ".join(signed) or (f'<span class="ok">{escape(valid)}</span>' if valid else "")
    goals = ", ".join(
        f"{count} {status}" for status, count in zip(GOAL_STATUSES, row.goals, strict=True) if count
    )
    flags = "".join(
        f'<span class="flag" style="background:{FLAG_COLOURS[flag]}">{escape(LEGEND[flag])}</span>'
        for flag in row.flags
    )
    overdue = f'<span class="late">{row.overdue_actions}</span>' if row.overdue_actions else "0"
    cells = [
        _cell(row.path, escape(row.path) + problem, "d"),
        _cell(row.mentor),
        _cell(row.mentee),
        _cell(row.last_session, escape(row.last_session or "never"), "d"),
        _cell(row.sessions_held - row.sessions_expected, held, kind="n"),
        _cell(row.open_actions, kind="n"),
        _cell(row.overdue_actions, overdue, kind="n"),
        _cell(row.review_due, review, "d"),
        _cell(len(row.signatures[0]), signatures),
        _cell(
            row.goals[GOAL_STATUSES.index("active")],
            escape(goals) or '<span class="muted">none</span>',
        ),
        _cell(row.errors, kind="n"),
        _cell(len(row.flags), flags),
    ]
    calm = "" if row.flags else ' class="calm"'
    return f"<tr{calm}>{''.join(cells)}</tr>"
