"""What one file says about itself, parsed and checked, as plain values.

Everything here is a function of a file's path and bytes, so the caches keep it by
git blob id, in the form ``parse_and_check`` returns. It builds no records: after a
note was edited, `mj status` runs this and little else, and importing dataclasses,
typing, PyYAML or jsonschema would cost it more than the rest of the command. Most
documents are valid: ``schemas.is_valid`` (fastjsonschema's code) says so, and only a
document with schema problems is built into a Document for ``validate`` to explain.
"""

from __future__ import annotations

from mentorjournal.checks import schemas
from mentorjournal.format.document import document_from_packed, parse_packed

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from mentorjournal.format.document import Packed
    from mentorjournal.format.items import FindingRow


def schema_findings(path: str, packed: Packed) -> tuple[FindingRow, ...]:
    """``validate.check_document`` of a parsed file, as finding rows."""
    kind, meta, _, _, _, _, _, _, parsed = packed
    if not parsed or kind not in schemas.KINDS:
        return ()
    if schemas.is_valid(kind, meta) and next(schemas.unknown_keys(kind, meta), None) is None:
        return ()
    from mentorjournal.checks.validate import check_document

    found = check_document(document_from_packed(path, packed))
    return tuple((f.line, f.column, f.severity, f.code, f.message) for f in found)


def parse_and_check(path: str, data: bytes) -> Packed:
    """Parse one file and run its own schema checks: everything that is a function of it.

    Bodies are dropped (None; their items are kept) but the agreement's and the
    retrospectives' (the summary quotes their decisions): the caches would otherwise
    hold the whole journal's text. A Document reads a dropped body when asked.
    """
    packed = parse_packed(path, data)
    kind, meta, positions, body, body_line, items, findings, private, parsed = packed
    findings += schema_findings(path, packed)
    if kind != "agreement" and meta.get("kind") not in ("retro", "closing"):
        body = None  # the summary quotes only retrospectives' decisions
    return (kind, meta, positions, body, body_line, items, findings, private, parsed)
