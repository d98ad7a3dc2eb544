"""`mj sign`: record a signature by editing only the agreement's `signatures` key.

Every other byte of agreement.md stays as it was (comments, key order, quoting,
CRLF line endings, a BOM): the block under `signatures:` is replaced, or a new one
is appended right before the closing `---`. The result is parsed again and checked
(same data but for the signatures, same digest) before it is written atomically.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.checks.signatures import agreement_digest
from mentorjournal.errors import MjError
from mentorjournal.format import yamldata
from mentorjournal.format.document import parse_document
from mentorjournal.format.layout import AGREEMENT
from mentorjournal.journal import people
from mentorjournal.model import Document, Journal

__all__ = ["SignResult", "sign_agreement", "with_signature"]

_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class SignResult:
    path: Path
    by: str
    date: str
    digest: str
    # True when an earlier signature by the same person was replaced.
    replaced: bool
    # True when the file already held exactly this signature.
    unchanged: bool = False


def _entries(agreement: Document, by: str, date: str, digest: str) -> tuple[list[Any], bool]:
    """The new `signatures` list: `by`'s entry replaced in place (or appended)."""
    existing = agreement.meta.get("signatures")
    entries: list[Any] = list(existing) if isinstance(existing, list) else []
    mine = {"by": by, "date": date, "digest": digest}
    result: list[Any] = []
    replaced = False
    for entry in entries:
        if isinstance(entry, dict) and entry.get("by") == by:
            if not replaced:
                result.append(mine)
                replaced = True
            continue
        result.append(entry)
    if not replaced:
        result.append(mine)
    return result, replaced


def _yaml_ready(value: Any) -> Any:
    """Dates as date objects, so that they are written `2025-07-20`, not `'2025-07-20'`."""
    if isinstance(value, dict):
        return {key: _yaml_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_yaml_ready(item) for item in value]
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def with_signature(data: bytes, agreement: Document, entries: list[Any]) -> bytes:
    """`data` with its front matter's `signatures` block replaced by `entries`."""
    text = data.decode("utf-8")
    lines = _LINE.findall(text)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    close = next(
        (i for i in range(1, len(lines)) if _CLOSE.fullmatch(lines[i].rstrip("\r\n"))), None
    )
    if close is None:
        raise MjError("agreement.md has no closing '---' after its front matter: fix it first")
    block = yamldata.dump_block("signatures", _yaml_ready(entries))
    block_lines = [line + newline for line in block.rstrip("\n").split("\n")]

    if ("signatures",) in agreement.positions:
        start = agreement.positions[("signatures",)][0] - 1  # 0-based line index
        # The block runs to the next top-level key, or to the closing fence.
        later = sorted(
            line - 1
            for path, (line, _) in agreement.positions.items()
            if len(path) == 1 and line - 1 > start
        )
        end = later[0] if later else close
        # Blank lines and comments before the next key stay with that key.
        while end > start + 1 and (
            not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
        ):
            end -= 1
        new_lines = [*lines[:start], *block_lines, *lines[end:]]
    else:
        previous = lines[close - 1] if close > 0 else ""
        if not previous.endswith("\n"):
            lines[close - 1] = previous + newline
        new_lines = [*lines[:close], *block_lines, *lines[close:]]
    return "".join(new_lines).encode("utf-8")


def sign_agreement(journal: Journal, handle: str, today: dt.date) -> SignResult:
    """Sign the agreement of `journal` (read from the working tree) as `handle`."""
    from mentorjournal.checks.filecheck import refuse_placeholders
    from mentorjournal.edit.writer import rewrite

    refuse_placeholders(journal.root)
    root = Path(journal.root)
    path = root / AGREEMENT
    return rewrite(root, path, lambda data: _signed(journal, path, data, handle, today))


def _signed(
    journal: Journal, path: Path, data: bytes, handle: str, today: dt.date
) -> tuple[bytes, SignResult]:
    """The agreement's bytes with ``handle``'s signature, and what was done."""
    from mentorjournal.edit.writer import refuse_conflicts

    agreement = parse_document(AGREEMENT, data)
    refuse_conflicts(agreement, f"mj sign --as {handle}")
    if not agreement.parsed:
        raise MjError(
            f"{path} cannot be read as an agreement (see `mj validate`): fix it, then sign"
        )
    allowed = people(Journal(journal.root, (agreement,)))
    if handle not in allowed:
        who = ", ".join(f"{p.handle} ({p.role})" for p in allowed.values()) or "nobody yet"
        raise MjError(
            f"{handle!r} is not in the agreement, so cannot sign it. Those who may sign: "
            f"{who}. Use `mj sign --as HANDLE` with one of them, or add the person to "
            "`others` first."
        )
    digest = agreement_digest(agreement)
    date = today.isoformat()
    entries, replaced = _entries(agreement, handle, date, digest)
    if entries == agreement.meta.get("signatures"):
        return data, SignResult(path, handle, date, digest, replaced, unchanged=True)
    new_data = with_signature(data, agreement, entries)
    _check(agreement, new_data, entries, digest)
    return new_data, SignResult(path, handle, date, digest, replaced)


def _check(old: Document, new_data: bytes, entries: list[Any], digest: str) -> None:
    """The edit changed the signatures and nothing else, or we do not write it."""
    new = parse_document(AGREEMENT, new_data)
    unchanged = {k: v for k, v in old.meta.items() if k != "signatures"}
    kept = {k: v for k, v in new.meta.items() if k != "signatures"}
    if (
        not new.parsed
        or kept != unchanged
        or new.body != old.body
        or new.meta.get("signatures") != entries
        or agreement_digest(new) != digest
    ):
        raise MjError(
            "mj could not add the signature without changing other parts of agreement.md "
            "(unusual formatting of the `signatures` key?). Nothing was written; move "
            "`signatures:` to the end of the front matter and retry."
        )
