"""Schema and cross-file checks: a journal in, a sorted list of findings out."""

from __future__ import annotations

import re
import shlex
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from mentorjournal.audience import is_private
from mentorjournal.checks import schemas
from mentorjournal.checks.crossfile import document_rows, suggest
from mentorjournal.format.dates import parse_date
from mentorjournal.format.layout import AGREEMENT
from mentorjournal.journal import people
from mentorjournal.model import Document, Finding, Journal, KeyPath

if TYPE_CHECKING:
    from jsonschema import ValidationError

_JSON_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "keys and values",
    "null": "empty",
}


def validate(journal: Journal, only: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of the journal (or of the files in ``only``), sorted by path and line."""
    findings: list[Finding] = list(journal.findings)
    for doc in journal.documents:
        findings.extend(doc.findings)
        if not doc.checked:
            findings.extend(check_document(doc))
    findings.extend(cross_checks(journal))
    if only is not None:
        wanted = set(only)
        findings = [f for f in findings if f.path in wanted]
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.column, f.code, f.message))


def _label(path: KeyPath) -> str:
    label = ""
    for part in path:
        label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else str(part))
    return label or "front matter"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "keys and values"
    return repr(value)


# ---------------------------------------------------------------- one document


def file_errors(journal: Journal) -> int:
    """How many errors the files hold by themselves (cross-file rules aside)."""
    count = 0
    for doc in journal.documents:
        findings = doc.findings if doc.checked else (*doc.findings, *check_document(doc))
        count += sum(finding.severity == "error" for finding in findings)
    return count


def check_document(doc: Document) -> list[Finding]:
    """Schema findings and unknown keys of one document: a function of the document alone."""
    if not doc.parsed or doc.kind not in schemas.KINDS:
        return []
    meta = dict(doc.meta)
    # Most documents are valid: fastjsonschema's code says so without importing
    # jsonschema (~75 ms); jsonschema then explains the others.
    if schemas.is_valid(doc.kind, meta):
        return _unknown_keys(doc)
    errors = schemas.validator(doc.kind).iter_errors(meta)
    found = [f for error in errors for f in _schema_findings(doc, error)]
    # One `required` error per missing key, each naming them all: each finding once.
    return list(dict.fromkeys(found)) + _unknown_keys(doc)


def _schema_findings(doc: Document, error: ValidationError) -> list[Finding]:
    path: KeyPath = tuple(error.absolute_path)
    label = _label(path)

    def finding(code: str, message: str, at: KeyPath = path) -> list[Finding]:
        line, column = doc.position(at) if at else (1, 1)
        return [Finding(doc.path, line, column, "error", code, message)]

    keyword = error.validator
    instance: Any = error.instance
    expected: Any = error.validator_value
    sub = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        properties = sub.get("properties", {})
        found = []
        for key in [key for key in expected if key not in instance]:
            hint = properties.get(key, {}).get("description")
            where = f"{label}." if path else ""
            text = f"missing required key '{where}{key}'" + (f": {hint}" if hint else "")
            found += finding("missing-key", text)
        return found
    if keyword == "type":
        words = _JSON_TYPES.get(expected, str(expected)) if isinstance(expected, str) else "valid"
        text = f"{label} should be {words}, not {_describe(instance)}"
        if expected == "string" and isinstance(instance, bool):
            text += " (YAML reads unquoted yes/no/on/off as true/false: put it in quotes)"
        elif expected == "string" and isinstance(instance, (int, float)):
            text += " (put it in quotes)"
        elif expected == "array" and isinstance(instance, str):
            text += " (write a list: [a, b])"
        return finding("wrong-type", text)
    if keyword in ("enum", "const"):
        allowed = expected if keyword == "enum" else [expected]
        hint = suggest(str(instance), [str(v) for v in allowed])
        choices = ", ".join(str(v) for v in allowed)
        text = f"{label} must be one of {choices}, not {_describe(instance)}{hint}"
        return finding("invalid-value", text)
    if keyword == "format" and expected == "date":
        if not re.match(sub.get("pattern", ""), str(instance)):
            return []  # not even YYYY-MM-DD: the pattern's finding says so, once
        return finding("invalid-date", f"{label} {instance!r} is not a real date")
    if keyword == "pattern" and sub.get("format") == "date":
        text = f"{label} should be a date YYYY-MM-DD, not {_describe(instance)}"
        return finding("invalid-date", text)
    if keyword == "pattern":
        described = sub.get("description") or f"text matching {expected}"
        return finding("invalid-value", f"{label} {instance!r} is not valid: expected {described}")
    if keyword in ("minimum", "maximum") and path and path[0] == "ratings":
        text = f"rating for {path[-1]!r} must be between 1 and 5, not {instance}"
        return finding("invalid-rating", text)
    if keyword in ("minimum", "maximum"):
        bound = "at least" if keyword == "minimum" else "at most"
        return finding("invalid-value", f"{label} must be {bound} {expected}, not {instance}")
    if keyword == "minLength":
        return finding("invalid-value", f"{label} must not be empty")
    if keyword == "minItems":
        return finding("invalid-value", f"{label} must list at least one entry")
    return finding("schema", f"{label}: {error.message}")


def _unknown_keys(doc: Document) -> list[Finding]:
    found: list[Finding] = []
    for key_path, known in schemas.unknown_keys(doc.kind, dict(doc.meta)):
        line, column = doc.position(key_path)
        parent, key = key_path[:-1], str(key_path[-1])
        where = f" in {_label(parent)}" if parent else ""
        message = f"unknown key {key!r}{where}{suggest(key, known)}"
        found.append(Finding(doc.path, line, column, "warning", "unknown-key", message))
    return found


# ---------------------------------------------------------------- across files


def cross_checks(journal: Journal) -> list[Finding]:
    """Rules that need more than one file: people, goal ids, dates against file names."""
    known = people(journal)
    goal_ids, shared = set(journal.goals), linkable_goals(journal, "")  # "": a shared note
    findings: list[Finding] = []
    agreement = journal.agreement
    if agreement is not None and agreement.parsed:
        findings.extend(_agreement_checks(agreement, journal.root))
    elif agreement is None and (journal.sessions or journal.goals):  # the index's, unstaged
        findings.append(no_agreement(""))
    for doc in journal.documents:
        findings.extend(
            document_cross_checks(doc, known, goal_ids if is_private(doc.path) else shared)
        )
    findings.extend(_duplicate_ids(journal))
    return findings


def no_agreement(folder: str) -> Finding:
    """The error of a folder (from the journal or program checked, "" for itself) whose
    sessions/ or goals/ have no agreement.md beside them: a deleted or unstaged one."""
    path = f"{folder}/{AGREEMENT}" if folder else AGREEMENT
    # `git -C FOLDER`: the commands work from wherever they are run, even outside the repository.
    git = f"git -C {shlex.quote(folder)}" if folder else "git"
    message = (
        f"{folder or 'the journal'} has notes (sessions/, goals/) but no agreement.md: they "
        f"belong to no journal, so nothing checks or counts them. Put it back: `{git} "
        f"checkout HEAD -- {AGREEMENT}` if it was deleted since the last commit, `{git} add -- "
        f"{AGREEMENT}` if it is there but not staged, `{git} checkout COMMIT^ -- {AGREEMENT}` "
        f"if a commit deleted it (`{git} log -1 -- {AGREEMENT}` names that COMMIT). Or start "
        f"one: `mj init {shlex.quote(folder or '.')}`"
    )
    return Finding(path, 1, 1, "error", "no-agreement", message)


def lost_pair(folder: str, why: str) -> Finding:
    """The error of a program's folder whose pair is not read (``layout.find_journals``):
    it has notes but no agreement.md, or it is a symlink to a journal elsewhere."""
    if why != "symlink":
        return no_agreement(folder)
    message = (
        f"{folder} is a symlink to a journal elsewhere: mj reads only the program's own "
        "folders, so this pair is neither checked nor counted. Make it a real folder (or "
        f"check it alone: `mj -C {folder} validate`)"
    )
    return Finding(f"{folder}/", 1, 1, "error", "symlink-outside", message)


def linkable_goals(journal: Journal, path: str) -> set[str]:
    """The goal ids the note at ``path`` may name: any, from a note in private/; only the
    shared ones from a shared note, as in what is committed (``--staged``, `mj commit`)."""
    if is_private(path):
        return set(journal.goals)
    return {goal for goal, doc in journal.goals.items() if not is_private(doc.path)}


def document_cross_checks(
    doc: Document, known: Collection[str], goal_ids: Collection[str]
) -> list[Finding]:
    """The cross-file rules as they bear on one document (``crossfile.document_rows``)."""
    owned = (
        (item.line, item.state, item.owners, item.owner_columns, item.inherited_owner)
        for item in doc.items
    )
    rows = document_rows(
        doc.path, doc.kind, doc.meta, doc.positions, owned, doc.parsed, known, goal_ids
    )
    return [Finding(doc.path, *row) for row in rows]


def agreement_findings(
    agreement: Document, root: str, known: Collection[str], goal_ids: Collection[str]
) -> list[Finding]:
    """The agreement's findings as ``validate`` gives them, given the people it names and
    the goal ids (all but duplicate explicit ids): for a check that kept every other
    file's and must judge the signatures again under a new history."""
    found = [*agreement.findings, *document_cross_checks(agreement, known, goal_ids)]
    if not agreement.checked:
        found += check_document(agreement)
    if agreement.parsed:
        found += _agreement_checks(agreement, root)
    return found


def _agreement_checks(agreement: Document, root: str) -> list[Finding]:
    found: list[Finding] = []
    meta = agreement.meta
    start = parse_date(meta.get("start"))
    for key in ("review", "end"):
        value = parse_date(meta.get(key))
        if start and value and value < start:
            line, column = agreement.position((key,))
            message = f"{key} {value} is before start {start}"
            found.append(Finding(agreement.path, line, column, "error", "date-order", message))
    mentor, mentee = (meta.get(role) for role in ("mentor", "mentee"))
    handle = mentor.get("handle") if isinstance(mentor, dict) else None
    if isinstance(handle, str) and isinstance(mentee, dict) and mentee.get("handle") == handle:
        line, column = agreement.position(("mentee", "handle"))
        message = f"{handle!r} is already the mentor: mentor and mentee are two people"
        found.append(Finding(agreement.path, line, column, "error", "duplicate-person", message))
    from mentorjournal.checks.signatures import signature_findings  # hashlib: agreement only

    found.extend(signature_findings(agreement, root))
    return found


def _duplicate_ids(journal: Journal) -> list[Finding]:
    """Explicit ids used twice: every use after the first (in path order) is flagged."""
    found: list[Finding] = []
    explicit: dict[str, str] = {}
    for doc in journal.documents:
        for item in doc.items:
            if item.explicit_id and item.id in explicit:
                message = f"item id {item.id} is also used at {explicit[item.id]}"
                found.append(Finding(doc.path, item.line, 1, "error", "duplicate-id", message))
            elif item.explicit_id:
                explicit[item.id] = f"{doc.path}:{item.line}"
    return found
