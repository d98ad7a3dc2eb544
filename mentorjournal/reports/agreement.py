"""`mj agreement`: the agreement as a document a pair reads before a meeting.

The facts of the front matter (people, purpose, cadence, consent, review date) are
placed in the body's sections of the same subject, the active goals with their success
criteria in its Goals section, and a signature block with each person's state closes it.
What the pair has not written yet (a template prompt) is marked as such, not hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mentorjournal.audience import Gate, sponsor_consent
from mentorjournal.checks.filecheck import PLACEHOLDER
from mentorjournal.checks.signatures import entries, signature_state
from mentorjournal.errors import MjError
from mentorjournal.format.dates import parse_date
from mentorjournal.journal import people
from mentorjournal.model import Journal

# The body's sections that a front-matter fact belongs to, by the heading's first word.
FACTS = ("purpose", "roles", "goals", "cadence", "communication", "confidentiality", "review")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"(?m)^##[ \t]+(.+?)[ \t#]*$")
_TEMPLATE = Path(__file__).parent.parent / "edit" / "templates" / "agreement.md"


@dataclass(frozen=True)
class Section:
    heading: str
    facts: tuple[str, ...]  # lines mj writes from the front matter and the goals
    text: str  # the pair's own Markdown (comments removed)
    unwritten: bool  # still holds a template prompt


@dataclass(frozen=True)
class Signature:
    handle: str
    name: str
    role: str
    state: str  # "signed", "stale" (the text changed since), "invalid", "not signed"
    date: str | None


@dataclass(frozen=True)
class AgreementDocument:
    title: str
    pair: str  # "Ana Ruiz (mentee) and Ben Okafor (mentor)"
    start: str | None
    review: str | None
    phase: int | None
    sections: tuple[Section, ...]
    signatures: tuple[Signature, ...]


def _sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """The body's title (its `#` heading) and its `##` sections as (heading, text)."""
    title = next((line[2:].strip() for line in body.split("\n") if line.startswith("# ")), "")
    parts = _HEADING.split(body)
    found = [
        (parts[i].strip(), _COMMENT.sub("", parts[i + 1]).strip()) for i in range(1, len(parts), 2)
    ]
    return title or "Mentorship agreement", found


def _intro(body: str) -> str:
    """The text before the first section, unless it is the template's own instructions."""
    head = _HEADING.split(body)[0]
    text = "\n".join(line for line in head.split("\n") if not line.startswith("# ")).strip()
    template = _HEADING.split(_TEMPLATE.read_text(encoding="utf-8"))[0]
    return "" if text in template else _COMMENT.sub("", text).strip()


def _facts(journal: Journal) -> dict[str, list[str]]:
    """Lines of front-matter facts, by the FACTS word of the section they go in."""
    assert journal.agreement is not None
    meta = journal.agreement.meta
    gate = Gate("pair", meta)
    found: dict[str, list[str]] = {word: [] for word in FACTS}
    if isinstance(meta.get("purpose"), str):
        found["purpose"].append(meta["purpose"])
    for person in people(journal).values():
        role = person.role.capitalize() or "Other"
        found["roles"].append(f"{role}: {person.name} (@{person.handle})")
    for goal_id, doc in sorted(gate.view(journal).goals.items()):
        status = doc.meta.get("status")
        if status in ("dropped", "achieved") or not gate.quotes(doc.path, doc.meta):
            continue
        line = f"{doc.meta.get('title', goal_id)} ({status})."
        if isinstance(doc.meta.get("success"), str):
            line += f" Success: {doc.meta['success'].rstrip('.')}."
        target = parse_date(doc.meta.get("target"))
        found["goals"].append(line + (f" Target {target}." if target else ""))
    cadence = meta.get("cadence") if isinstance(meta.get("cadence"), dict) else {}
    if cadence:
        every, length, mode = (cadence.get(k) for k in ("every", "length", "mode"))
        found["cadence"].append(f"We meet {every}, {length} minutes, {mode}.")
    if isinstance(meta.get("response_time"), str):
        within = meta["response_time"]
        found["communication"].append(f"Messages between meetings: answered within {within}.")
    parts = sponsor_consent(meta)
    found["confidentiality"].append(
        "A sponsor report may show: " + (", ".join(parts) if parts else "nothing") + "."
    )
    review, end = parse_date(meta.get("review")), parse_date(meta.get("end"))
    if review:
        found["review"].append(f"Next review of this agreement: {review}.")
    if end:
        found["review"].append(f"This phase ends: {end}.")
    return found


def _signatures(journal: Journal) -> tuple[Signature, ...]:
    assert journal.agreement is not None
    state = signature_state(journal.agreement, journal.root)
    signed = entries(journal.agreement.meta).items()
    dates = {by: str(entry.get("date", "")) for by, (_, entry) in signed}
    found = []
    for person in people(journal).values():
        if person.handle in state.valid:
            verdict = "signed"
        elif person.handle in state.stale:
            verdict = "stale"
        elif person.handle in state.invalid:
            verdict = "invalid"
        elif person.handle in state.missing or person.role in ("mentor", "mentee"):
            verdict = "not signed"
        else:
            continue  # a sponsor or co-mentor who has not signed need not
        date = dates.get(person.handle) if verdict != "not signed" else None
        found.append(Signature(person.handle, person.name, person.role, verdict, date))
    return tuple(found)


def agreement_document(journal: Journal) -> AgreementDocument:
    """The agreement of ``journal`` as a document; MjError when it cannot be read."""
    agreement = journal.agreement
    if agreement is None or not agreement.parsed:
        raise MjError("agreement.md cannot be read; run `mj validate` and fix it first")
    title, written = _sections(agreement.body)
    facts = _facts(journal)
    sections: list[Section] = []
    intro = _intro(agreement.body)
    if intro:
        sections.append(Section("", (), intro, PLACEHOLDER in intro))
    for heading, text in written:
        word = heading.split()[0].lower() if heading.split() else ""
        lines = tuple(facts.pop(word, ()))
        unwritten = any(PLACEHOLDER in part for part in (text, *lines))
        sections.append(Section(heading, lines, text, unwritten))
    # Facts whose section the body lacks still belong in it, before a sign-off section.
    at = next((i for i, s in enumerate(sections) if s.heading.lower().startswith("sign")), None)
    lacking = [Section(w.capitalize(), tuple(f), "", False) for w, f in facts.items() if f]
    sections[len(sections) if at is None else at : at] = lacking
    meta = agreement.meta
    person = {p.role: p for p in people(journal).values()}
    pair = " and ".join(
        f"{p.name} ({role})" for role in ("mentee", "mentor") if (p := person.get(role))
    )
    phase = meta.get("phase")
    start, review = parse_date(meta.get("start")), parse_date(meta.get("review"))
    return AgreementDocument(
        title=title,
        pair=pair,
        start=start.isoformat() if start else None,
        review=review.isoformat() if review else None,
        phase=phase if isinstance(phase, int) and not isinstance(phase, bool) else None,
        sections=tuple(sections),
        signatures=_signatures(journal),
    )
