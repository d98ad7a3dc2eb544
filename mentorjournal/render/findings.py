"""Validation findings as `PATH:LINE:COL: severity[code] message` lines, JSON, or
GitHub Actions annotations."""

from __future__ import annotations

import os
from collections.abc import Sequence

from mentorjournal.model import Finding
from mentorjournal.render.terminal import Palette, json_text, plural, printable


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
    if not findings:
        return f"{plural(files_checked, 'file')} checked: all valid"
    return (
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')} "
        f"({files_checked} checked)"
    )


# GitHub's workflow-command escapes (actions/toolkit, command.ts): a value stops at a
# line break, properties also at "," and ":".
_DATA_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY_ESCAPES = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def findings_github(findings: Sequence[Finding], root: str = "", cwd: str = "") -> str:
    """One GitHub Actions annotation per finding (``::error file=...::message``), each
    path (relative to ``root``) shown relative to ``cwd``, as GitHub wants it."""
    lines = []
    for f in findings:
        # os.path, not pathlib: the pre-commit fast path prints through here.
        path = os.path.relpath(os.path.join(root, f.path), cwd) if root else f.path  # noqa: PTH118
        values = {
            "file": path.replace(os.sep, "/"),
            "line": str(f.line),
            "col": str(f.column),
            "title": f.code,
        }
        where = ",".join(
            f"{key}={value.translate(_PROPERTY_ESCAPES)}" for key, value in values.items()
        )
        lines.append(f"::{f.severity} {where}::{f.message.translate(_DATA_ESCAPES)}")
    return "\n".join(lines)


FORMATS = ("text", "json", "github")


def findings_output(
    findings: Sequence[Finding],
    checked: int,
    output_format: str,
    ok: bool,
    palette: Palette,
    root: str = "",
    cwd: str = "",
) -> tuple[str, str]:
    """What `mj validate` prints in ``output_format``: (standard output, standard error);
    an empty one prints nothing. GitHub's paths lead from ``cwd``, the others' from
    ``root``."""
    if output_format == "json":
        return json_text({"ok": ok, "findings": [f.as_json() for f in findings]}), ""
    tally = findings_tally(findings, checked)
    if output_format == "github":
        return findings_github(findings, root, cwd), tally
    return findings_text(findings, palette), tally
