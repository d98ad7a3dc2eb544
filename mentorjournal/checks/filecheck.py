"""What one file says about itself, parsed and checked, as plain values.

Everything here is a function of a file's path and bytes, so the caches keep it by
git blob id, in the form ``parse_and_check`` returns. It builds no records: after a
note was edited, `mj status` runs this and little else, and importing dataclasses,
typing, PyYAML or jsonschema would cost it more than the rest of the command. Most
documents are valid: ``schemas.is_valid`` (fastjsonschema's code) says so, and only a
document with schema problems is built into a Document for ``validate`` to explain.
"""

from __future__ import annotations

import bisect
import re

from mentorjournal.checks import schemas
from mentorjournal.format.document import document_from_packed, parse_packed

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from mentorjournal.format.document import Packed
    from mentorjournal.format.items import FindingRow


def parse_and_check(path: str, data: bytes) -> Packed:
    """Parse one file and run its own schema checks: everything that is a function of it.

    Bodies are dropped (None; their items are kept) but the agreement's and the
    retrospectives' (the summary quotes their decisions): the caches would otherwise
    hold the whole journal's text. A Document reads a dropped body when asked.
    """
    packed = parse_packed(path, data)
    kind, meta, positions, body, body_line, items, findings, private, parsed = packed
    if (
        parsed
        and kind in schemas.KINDS
        and (not schemas.is_valid(kind, meta) or next(schemas.unknown_keys(kind, meta), None))
    ):
        from mentorjournal.checks.validate import check_document

        found = check_document(document_from_packed(path, packed))
        findings += tuple((f.line, f.column, f.severity, f.code, f.message) for f in found)
    findings += placeholder_rows(data)
    if kind != "agreement" and meta.get("kind") not in ("retro", "closing"):
        body = None  # the summary quotes only retrospectives' decisions
    return (kind, meta, positions, body, body_line, items, findings, private, parsed)


# A template's prompt left as it was: "Replace with ..." opening a line, a list item or
# a front-matter value (edit/templates/, scaffold.agreement_meta, a new goal's success).
PLACEHOLDER = "Replace with "
_PROMPT = re.compile(
    rb"^[ \t>]*(?:[-*+][ \t]+)?(?:([A-Za-z_]+):[ \t]*)?[\"']?(Replace with )", re.M
)
_HEADING = re.compile(rb"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)


def placeholder_rows(data: bytes) -> tuple[FindingRow, ...]:
    """A ``placeholder`` warning at each template prompt not yet written over, naming
    where it is: the front-matter key, or the heading above it."""
    if PLACEHOLDER.encode() not in data:
        return ()
    headings = [(h.start(), h.group(1)) for h in _HEADING.finditer(data)]  # read once
    starts = [start for start, _ in headings]
    rows: list[FindingRow] = []
    line, counted = 1, 0  # lines counted once, prompt to prompt (a file of 60,000: 9 s)
    for found in _PROMPT.finditer(data):
        above = bisect.bisect_left(starts, found.start()) - 1
        where = found.group(1) or (headings[above][1] if above >= 0 else b"")
        said = f" ({where.decode('utf-8', 'replace')})" if where else ""
        line += data.count(b"\n", counted, found.start())
        counted = found.start()
        message = f"template text not filled in yet{said}: write your own words here"
        rows.append((line, found.start(2) - found.start() + 1, "warning", "placeholder", message))
    return tuple(rows)


def refuse_placeholders(root: str) -> None:
    """`mj sign` checks first: an agreement that still holds a template prompt is not what
    the pair agreed on yet, so it is not signed."""
    from pathlib import Path

    from mentorjournal.errors import MjError
    from mentorjournal.format.layout import AGREEMENT

    try:
        lines = [row[0] for row in placeholder_rows((Path(root) / AGREEMENT).read_bytes())]
    except OSError:
        return  # signing says what is wrong with the file
    if lines:
        shown = ", ".join(str(line) for line in lines[:8]) + (" ..." if len(lines) > 8 else "")
        raise MjError(
            f"{AGREEMENT} still holds template text to fill in (line {shown}: "
            f"`{PLACEHOLDER}...`). Write those parts in your own words together "
            "(`mj validate` lists them), then sign."
        )
