"""One journal file: bytes in, a Document with its file-level findings out.

``parse_document`` is a pure function of the path and the bytes, so its result can be
cached by git blob id. Line numbers always refer to the file as stored: a BOM or CRLF
line endings change nothing about them, and only LF ends a line (a lone CR, U+0085,
U+2028 or U+2029 is a character inside one, as git and ``mj done`` count them).

The work is done by ``parse_packed``, on plain values: it is what the caches store,
and what ``mj status`` runs after a note was edited, where importing dataclasses and
typing would cost more than the rest of the command. Front matter is read by
``yamldata`` (PyYAML), imported on the first file that has any.
"""

from __future__ import annotations

import codecs
import re

from mentorjournal.audience import is_private
from mentorjournal.format.items import item_rows
from mentorjournal.format.layout import MAX_BYTES, kind_for_path

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from mentorjournal.format.items import FindingRow, ItemRow
    from mentorjournal.model import Document, KeyPath, Kind, Severity

    Positions = TypeVar("Positions")
    Body = TypeVar("Body")
    # A parsed file as plain values, Document's fields after ``path`` in order:
    # (kind, meta, positions, body, body_line, items, findings, private, parsed);
    # a body of None was not kept (the index keeps the agreement's and retros').
    Record = tuple[
        Kind,
        dict[str, Any],
        Positions,
        Body,
        int,
        tuple[ItemRow, ...],
        tuple[FindingRow, ...],
        bool,
        bool,
    ]
    Packed = Record[dict[KeyPath, tuple[int, int]], str | None]
    # As the store keeps it: the positions as one marshal (``model.KeptPositions``),
    # a body as UTF-8.
    Stored = Record[bytes, bytes | None]

_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")
# Seven or more: a `conflict-marker-size` attribute makes git write longer markers.
_CONFLICT = re.compile(r"(<{7,}|>{7,}|\|{7,})(?: |$)|={7,}$")


def parse_document(path: str, data: bytes) -> Document:
    """Read one file's bytes (at most ``MAX_BYTES + 1`` of them need be given)."""
    return document_from_packed(path, parse_packed(path, data))


def document_from_packed(
    path: str,
    packed: Packed | Stored,
    checked: bool = False,
    read_bytes: Callable[[], bytes | None] | None = None,
) -> Document:
    """The Document that ``parse_packed`` (or a cache) holds as plain values.

    A record without its body (``None``) reads it through ``read_bytes`` on first use;
    one that keeps it as UTF-8 (``store._stored``) decodes it at each use.
    """
    from mentorjournal.model import ActionItem, Document, Finding, KeptPositions

    kind, meta, kept, body, body_line, items, findings, private, parsed = packed
    positions = KeptPositions(kept) if isinstance(kept, bytes) else kept
    source = None
    if isinstance(body, bytes):
        source, body = _decoder(body), None
    elif body is None and read_bytes is not None:
        source = _body_reader(path, read_bytes)
    return Document(
        path=path,
        kind=kind,
        meta=meta,
        positions=positions,
        body_text=body,
        body_source=source,
        body_line=body_line,
        items=tuple(ActionItem.from_row(path, row) for row in items),
        findings=tuple(Finding(path, *row) for row in findings),
        private=private,
        parsed=parsed,
        checked=checked,
    )


def _body_reader(path: str, read_bytes: Callable[[], bytes | None]) -> Callable[[], str]:
    read: list[str] = []  # read once, then kept: the file may change meanwhile

    def body() -> str:
        if not read:
            data = read_bytes()
            read.append("" if data is None else parse_packed(path, data)[3] or "")
        return read[0]

    return body


def _decoder(body: bytes) -> Callable[[], str]:
    return lambda: body.decode("utf-8", "surrogatepass")


def parse_packed(path: str, data: bytes) -> Packed:
    """``parse_document`` as plain values, without building any records."""
    findings: list[FindingRow] = []
    kind: Kind = kind_for_path(path)
    private = is_private(path)

    def finding(line: int, column: int, severity: Severity, code: str, message: str) -> None:
        findings.append((line, column, severity, code, message))

    def unreadable() -> Packed:
        return (kind, {}, {}, "", 1, (), tuple(findings), private, False)

    if len(data) > MAX_BYTES:
        finding(1, 1, "error", "file-too-large", "file is larger than 1 MiB; split it up")
        return unreadable()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"byte 0x{data[exc.start]:02X} is not valid UTF-8; save the file as UTF-8"
        finding(line, column, "error", "invalid-utf8", message)
        return unreadable()
    if text.startswith(codecs.BOM_UTF8.decode()):
        text = text[1:]
        finding(1, 1, "warning", "bom", "file starts with a byte-order mark; save it without BOM")
    if "\r\n" in text:
        first = text.count("\n", 0, text.find("\r\n")) + 1
        finding(first, 1, "warning", "crlf", "file uses CRLF line endings; LF is preferred")
        text = text.replace("\r\n", "\n")
    if "\r" in text or not text.isascii():
        _odd_break(text, finding)
    # Only LF ends a line, as git and most editors count them: never str.splitlines().
    lines = text.split("\n")

    conflicts = _conflict_lines(lines)
    for line in conflicts:
        finding(line, 1, "error", "conflict-marker", "merge conflict marker: resolve the conflict")

    if not text.strip():
        message = "file is empty; it needs front matter between --- lines"
        finding(1, 1, "error", "empty-file", message)
        return unreadable()
    if not _FENCE.fullmatch(lines[0]):
        finding(1, 1, "error", "no-front-matter", "file must start with front matter: a line '---'")
        return unreadable()
    close = next((i for i in range(1, len(lines)) if _CLOSE.fullmatch(lines[i])), None)
    if close is None:
        message = "front matter opened here is never closed with '---'"
        finding(1, 1, "error", "unclosed-front-matter", message)
        return unreadable()

    body_line = close + 2
    body = "\n".join(lines[close + 1 :])
    meta: dict[str, Any] = {}
    positions: dict[KeyPath, tuple[int, int]] = {}
    parsed = False
    if not any(line <= close + 1 for line in conflicts):
        # Imported here: reading records from a cache (document_from_packed) needs no YAML.
        from mentorjournal.format import yamldata

        try:
            value, where = yamldata.load("\n".join(lines[1:close]) + "\n", first_line=2)
        except yamldata.YamlLoadError as exc:
            finding(exc.line, exc.column, "error", exc.code, exc.message)
            meta = {"confidential": "unreadable"}  # fail closed: its text is never quoted
        else:
            if value is None:
                finding(1, 1, "error", "empty-front-matter", "front matter is empty")
            elif not isinstance(value, dict):
                shape = "a list" if isinstance(value, list) else "a single value"
                message = f"front matter is {shape}; it must be keys and values (key: value)"
                finding(2, 1, "error", "front-matter-not-mapping", message)
            else:
                meta, positions, parsed = value, where, True

    if kind == "other":  # a file outside the folders that has `type:` (layout.is_candidate)
        declared = meta.get("type")
        if declared in ("goal", "session"):
            kind = declared
        elif parsed:  # a warning, as an unknown key is: a note of the pair's own kind
            from mentorjournal.checks.crossfile import suggest

            shown = "(empty)" if declared is None else repr(declared)  # not "type None"
            message = (
                f"type {shown} is neither goal nor session, so mj reads this file as "
                f"neither{suggest(str(declared), ('goal', 'session'))}"
            )
            finding(*positions.get(("type",), (1, 1)), "warning", "unknown-type", message)
    items: list[ItemRow] = []
    # Marker lines and both sides of a conflict are no one's items, nor a note read as
    # neither goal nor session (index.store keeps it only for its findings).
    if not conflicts and kind != "other":
        items, item_findings = item_rows(path, body, body_line, lines)
        findings.extend(item_findings)
    return (kind, meta, positions, body, body_line, tuple(items), tuple(findings), private, parsed)


_ODD_BREAKS = {
    "\r": "a carriage return (CR)",
    "\x85": "U+0085 (next line)",
    "\u2028": "U+2028 (line separator)",
    "\u2029": "U+2029 (paragraph separator)",
}


def _odd_break(text: str, finding: Callable[[int, int, Severity, str, str], None]) -> None:
    """Warn about the first character some editors (and YAML) take for a line break."""
    found = [(text.find(char), char) for char in _ODD_BREAKS if char in text]
    if not found:
        return
    at, char = min(found)
    line_start = text.rfind("\n", 0, at) + 1
    message = (
        f"{_ODD_BREAKS[char]} inside a line: only LF ends a line here, "
        "but some editors start a new one; remove it"
    )
    finding(text.count("\n", 0, at) + 1, at - line_start + 1, "warning", "odd-line-break", message)


def _conflict_lines(lines: list[str]) -> list[int]:
    """Lines holding merge conflict markers (``=======`` only inside a conflict)."""
    found: list[int] = []
    inside = False
    for number, line in enumerate(lines, start=1):
        if not line or line[0] not in "<>|=" or not _CONFLICT.match(line):
            continue
        if line[0] == "<":
            inside = True
        elif line[0] == "=" and not inside:
            continue
        elif line[0] == ">":
            inside = False
        found.append(number)
    return found
