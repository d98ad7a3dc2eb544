"""The records every part of mj passes around: findings, action items, documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `mj commit` stays off typing (~3 ms)
if TYPE_CHECKING:
    from typing import Any, Literal

    from mentorjournal.format.items import ItemRow

    Severity = Literal["error", "warning"]
    Kind = Literal["agreement", "goal", "session", "other"]
    ItemState = Literal["open", "done", "cancelled"]

# A location inside front matter: keys and list indexes from the root.
KeyPath = tuple["str | int", ...]


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """One problem in one file, at a 1-based line and column of the file as stored."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}  # fields, in order


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A GFM task list item found in a document body."""

    path: str
    line: int
    state: ItemState
    # Item text without checkbox, owners, dates and id markers; #tags kept.
    text: str
    owners: tuple[str, ...]
    due: str | None
    done: str | None
    hashtags: tuple[str, ...]
    # Derived from path + text (not state, dates or line), so it survives
    # ticking, re-dating and moving within the file; or written explicitly.
    id: str
    # The full hex digest the id is a prefix of; ids collide rarely and are
    # then lengthened journal-wide (see journal.assign_ids).
    key: str = ""
    explicit_id: bool = False
    depth: int = 0
    # Owners were inherited (a goal's milestones belong to the goal's owner).
    inherited_owner: bool = False
    # 1-based column of each owner's "@" on the item's line, aligned with owners.
    owner_columns: tuple[int, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @classmethod
    def from_row(cls, path: str, row: ItemRow) -> ActionItem:
        """The item ``items.item_rows`` gives as plain values (the caches' form): its
        fields in order up to ``depth``, then ``owner_columns`` (``inherited_owner`` is
        the journal's to set)."""
        return cls(path, *row[:11], owner_columns=row[11])


class KeptPositions(Mapping[KeyPath, tuple[int, int]]):
    """A record's front-matter positions as the store keeps them (one marshal), read
    the first time a finding or an edit asks: most commands never do, and 10,000
    documents' positions are a quarter of a journal's objects in memory."""

    __slots__ = ("_data", "_read")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._read: dict[KeyPath, tuple[int, int]] | None = None

    def _positions(self) -> dict[KeyPath, tuple[int, int]]:
        if self._read is None:
            import marshal

            self._read = marshal.loads(self._data)
        return self._read

    def __getitem__(self, key: KeyPath) -> tuple[int, int]:
        return self._positions()[key]

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())


@dataclass(frozen=True, slots=True)
class Document:
    """One journal file: front matter as plain data with positions, body, items."""

    path: str
    kind: Kind
    meta: Mapping[str, Any]
    # Where each key or list element of the front matter starts: (line, column).
    positions: Mapping[KeyPath, tuple[int, int]]
    # The body as read, or None when the index kept only the records: then
    # ``body`` asks ``body_source`` for it (which keeps what it read, if it should).
    body_text: str | None
    body_line: int
    items: tuple[ActionItem, ...]
    findings: tuple[Finding, ...]
    private: bool = False
    # False when the file could not be read as a journal document at all.
    parsed: bool = True
    # True when ``findings`` already hold the document's schema checks (from the cache).
    checked: bool = False
    body_source: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    @property
    def body(self) -> str:
        """The Markdown after the front matter (read now if the index did not keep it)."""
        if self.body_text is None:
            return self.body_source() if self.body_source is not None else ""
        return self.body_text

    def position(self, key_path: KeyPath) -> tuple[int, int]:
        """The closest known position for a key path, falling back to its parents."""
        from mentorjournal.checks.crossfile import position_of

        return position_of(self.positions, key_path)

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".md") else name


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    role: str


@dataclass(frozen=True)
class Journal:
    """Every document of one journal, read from the working tree or the index."""

    root: str
    documents: tuple[Document, ...]
    # Findings about the journal as a whole (files that could not be read).
    findings: tuple[Finding, ...] = field(default=())

    # Views over the documents, worked out on first use (the documents never change).
    @cached_property
    def agreement(self) -> Document | None:
        return next((doc for doc in self.documents if doc.path == "agreement.md"), None)

    @cached_property
    def goals(self) -> dict[str, Document]:
        return {doc.stem: doc for doc in self.documents if doc.kind == "goal" and doc.parsed}

    @cached_property
    def sessions(self) -> list[Document]:
        found = [doc for doc in self.documents if doc.kind == "session" and doc.parsed]
        return sorted(found, key=lambda doc: (str(doc.meta.get("date", doc.stem)), doc.path))

    def items(self) -> list[ActionItem]:
        return [item for doc in self.documents for item in doc.items]
