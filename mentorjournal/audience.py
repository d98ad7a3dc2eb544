"""The one audience gate: what of a journal each audience may see, count or copy.

Every command that reports, copies or exports asks here (SPEC: "Privacy is one rule
everywhere"):

* ``private/`` holds one person's notes. They are read on that person's computer for
  their own `mj status`, `mj watch` and `mj validate`, and for nothing else: never
  counted as a held session, never quoted, listed or counted by a report or a new note,
  their goals' ids and titles included.
* The text of a ``confidential: true`` session stays in its file: reports count the
  session but never quote it, a new note never copies from it, and a sponsor never
  sees a rating given in it.
* A sponsor sees only the parts the agreement's ``consent.sponsor`` lists (absent:
  cadence, goals and actions), and never note text.

Only plain values and the path rule: the status snapshot asks here on its fast path.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Literal

    from mentorjournal.model import Journal

    # "self": the person at this computer; "pair": mentor and mentee; "sponsor".
    Audience = Literal["self", "pair", "sponsor"]

PRIVATE = "private/"
# What a report is made of, each part a consent.sponsor word.
PARTS = ("cadence", "goals", "actions", "ratings")
SPONSOR_DEFAULT = ("cadence", "goals", "actions")


def is_private(path: str) -> bool:
    """A note of one person's, never shared (journal-relative path)."""
    return path.startswith(PRIVATE)


def is_confidential(meta: Mapping[str, Any]) -> bool:
    """Anything but an absent or false ``confidential`` keeps the text in: a value
    written wrong (``"true"``, ``1``, ``"yes"``) is an error finding, and still closed."""
    value = meta.get("confidential")
    return value is not None and value is not False


def quotable(path: str, meta: Mapping[str, Any]) -> bool:
    """Whether text of this file may appear outside it: in a report, a new note, a commit."""
    return not is_private(path) and not is_confidential(meta)


def withheld_place(path: str) -> str:
    """Where an item whose text is withheld is said to be: its session's date, not the
    file's name (a slug is the session's own words: "2026-09-15-leaving-the-company")."""
    day = path.rpartition("/")[2][:10]
    if len(day) == 10 and day[4] == day[7] == "-" and (day[:4] + day[5:7] + day[8:]).isdigit():
        return f"the confidential session of {day}"
    return "a confidential session"


def counts_as_held(path: str, kind: str) -> bool:
    """A session note that says a meeting took place (a private note never does)."""
    return kind == "session" and not is_private(path)


def sponsor_consent(agreement_meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The parts ``consent.sponsor`` allows; anything unreadable allows nothing."""
    consent = agreement_meta.get("consent")
    if consent is None:
        return SPONSOR_DEFAULT
    if not isinstance(consent, dict):
        return ()
    allowed = consent.get("sponsor", SPONSOR_DEFAULT)
    if not isinstance(allowed, (list, tuple)):
        return ()
    return tuple(part for part in PARTS if part in allowed)


def shared(journal: Journal) -> Journal:
    """The journal as mentor and mentee share it: without ``private/``."""
    if not any(is_private(doc.path) for doc in journal.documents):
        return journal
    from mentorjournal.model import Journal

    return Journal(
        journal.root,
        tuple(doc for doc in journal.documents if not is_private(doc.path)),
        tuple(f for f in journal.findings if not is_private(f.path)),
    )


class Gate:
    """What one audience may see of one journal: its documents, its parts, its text."""

    __slots__ = ("audience", "parts")

    def __init__(self, audience: Audience, agreement_meta: Mapping[str, Any]) -> None:
        self.audience = audience
        self.parts = sponsor_consent(agreement_meta) if audience == "sponsor" else PARTS

    @classmethod
    def of(cls, journal: Journal, audience: Audience) -> Gate:
        """The gate for ``journal``: an agreement that cannot be read gives a sponsor
        nothing (its consent is unknown), never the default."""
        agreement = journal.agreement
        if agreement is None or not agreement.parsed:
            return cls(audience, {"consent": "unknown"})  # unreadable consent allows nothing
        return cls(audience, agreement.meta)

    def shows(self, part: str) -> bool:
        return part in self.parts

    def view(self, journal: Journal) -> Journal:
        """The documents this audience may count at all."""
        return journal if self.audience == "self" else shared(journal)

    def quotes(self, path: str, meta: Mapping[str, Any]) -> bool:
        """Whether this audience may read text of the file at ``path``."""
        if self.audience == "self":
            return True
        return self.audience == "pair" and quotable(path, meta)

    def rating(self, path: str, meta: Mapping[str, Any]) -> bool:
        """Whether this audience may see the ratings given in a session."""
        if not self.shows("ratings") or (self.audience != "self" and is_private(path)):
            return False
        return self.audience != "sponsor" or not is_confidential(meta)
