"""Validation findings as `PATH:LINE:COL: severity[code] message` lines or JSON."""

from __future__ import annotations

from collections.abc import Sequence

from mentorjournal.model import Finding
from mentorjournal.render.terminal import Palette, json_text, printable


def findings_text(findings: Sequence[Finding], palette: Palette) -> str:
    lines = []
    for f in findings:
        colour = "red" if f.severity == "error" else "yellow"
        where = palette(f"{printable(f.path)}:{f.line}:{f.column}:", "bold")
        lines.append(f"{where} {palette(f.severity, colour)}[{f.code}] {printable(f.message)}")
    return "\n".join(lines)


def findings_tally(findings: Sequence[Finding], files_checked: int) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    files = len({f.path for f in findings})

    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    if not findings:
        return f"{plural(files_checked, 'file')} checked: all valid"
    return (
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')} "
        f"({files_checked} checked)"
    )


def findings_json(findings: Sequence[Finding], ok: bool) -> str:
    return json_text({"ok": ok, "findings": [f.as_json() for f in findings]})
