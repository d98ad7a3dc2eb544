"""Containers stored as small marshals, so that a run unpacks only what it touches.

The status snapshot keeps a record for every file of the journal, and the staged
check the findings of every staged file: 10,000 entries or more, ~10 ms to unpack
in one piece, when a run after one edit needs two or three of them. ``Shelf`` is a
dict in shards; ``Chunks`` a sorted list in runs (the open items in status order:
20,000 rows, ~25 ms to unpack, when `mj done` changes one).
"""

from __future__ import annotations

import bisect
import marshal
import zlib

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    import mmap
    from collections.abc import Callable, Iterator, Sequence
    from typing import Any, Self

    Buffer = bytes | memoryview  # a piece of a file, unpacked when first needed


class Shelf:
    """A dict kept as shards of small marshals, each unpacked when first asked for.

    Keys go to shards by CRC-32 (Python's own string hash differs from run to run)
    of the whole key, or of its first ``PREFIX`` characters, so that every key
    beginning with them is in one shard (``starting``). A damaged shard raises
    EOFError, ValueError or TypeError, as marshal does.
    """

    __slots__ = ("_dirty", "_open", "_packed")
    PREFIX = 0  # 0: the whole key

    def __init__(self, packed: Sequence[Buffer], size: int) -> None:
        if len(packed) != size or not all(isinstance(s, (bytes, memoryview)) for s in packed):
            raise ValueError("not a shelf of this size")
        self._packed = list(packed)
        self._open: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()

    @classmethod
    def build(cls, entries: dict[str, Any], size: int) -> Self:
        shards: list[dict[str, Any]] = [{} for _ in range(size)]
        for key, value in entries.items():
            shards[cls._number(key, size)][key] = value
        return cls([marshal.dumps(shard) for shard in shards], size)

    def _shard(self, key: str) -> dict[str, Any]:
        return self._open_shard(self._number(key, len(self._packed)))

    def _open_shard(self, number: int) -> dict[str, Any]:
        shard = self._open.get(number)
        if shard is None:
            shard = marshal.loads(self._packed[number])
            if not isinstance(shard, dict) or not all(isinstance(k, str) for k in shard):
                raise TypeError("a damaged shard")
            self._open[number] = shard
        return shard

    def get(self, key: str) -> Any:
        return self._shard(key).get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._shard(key)

    def put(self, key: str, value: Any) -> None:
        """Set ``key`` to ``value``; None removes it."""
        shard = self._shard(key)
        if value is None:
            shard.pop(key, None)
        else:
            shard[key] = value
        self._dirty.add(self._number(key, len(self._packed)))

    def starting(self, prefix: str) -> dict[str, Any]:
        """The entries whose key starts with ``prefix``, which must be at least
        ``PREFIX`` characters long (one shard is unpacked)."""
        if len(prefix) < self.PREFIX or not self.PREFIX:
            raise ValueError(f"a prefix of at least {self.PREFIX} characters")
        return {k: v for k, v in self._shard(prefix).items() if k.startswith(prefix)}

    def keys(self) -> set[str]:
        """Every key (unpacks every shard)."""
        found: set[str] = set()
        for number in range(len(self._packed)):
            found.update(self._open_shard(number))
        return found

    def pack(self) -> tuple[Buffer, ...]:
        for number in self._dirty:
            self._packed[number] = marshal.dumps(self._open[number])
        self._dirty.clear()
        return tuple(self._packed)

    @classmethod
    def _number(cls, key: str, size: int) -> int:
        if cls.PREFIX:
            key = key[: cls.PREFIX]
        # surrogatepass: file names that are not UTF-8 reach us as lone surrogates.
        return zlib.crc32(key.encode("utf-8", "surrogatepass")) % size


class PrefixShelf(Shelf):
    """A shelf whose keys go to shards by their first two characters."""

    __slots__ = ()
    PREFIX = 2


class Chunks:
    """A list kept sorted by ``key``, as runs of about ``SIZE`` items, each a small
    marshal unpacked when first needed.

    Changes wait in a queue until the order is read (``__iter__``) or packed: a run
    that adds or removes a few items, and never lists them, unpacks nothing. Keys
    must be unique (two equal keys could sit in two runs). Damage raises as marshal
    does, or ValueError when an item to remove is not there.
    """

    __slots__ = ("_firsts", "_key", "_pending", "_runs")
    SIZE = 512

    def __init__(
        self, firsts: list[Any], runs: Sequence[Buffer], key: Callable[[Any], Any]
    ) -> None:
        if len(firsts) != len(runs) or not all(isinstance(r, (bytes, memoryview)) for r in runs):
            raise ValueError("not a list of runs")
        self._key = key
        self._firsts = firsts  # the key of each run's first item
        self._runs: list[Any] = list(runs)  # bytes until unpacked, then a list
        self._pending: list[tuple[bool, Any]] = []  # (add, item), in the order asked

    @classmethod
    def build(cls, items: list[Any], key: Callable[[Any], Any]) -> Chunks:
        """From ``items`` already sorted by ``key``."""
        runs = [items[at : at + cls.SIZE] for at in range(0, len(items), cls.SIZE)]
        return cls([key(run[0]) for run in runs], [marshal.dumps(run) for run in runs], key)

    def add(self, item: Any) -> None:
        self._pending.append((True, item))

    def remove(self, item: Any) -> None:
        self._pending.append((False, item))

    def __iter__(self) -> Iterator[Any]:
        self._settle()
        for number in range(len(self._runs)):
            yield from self._run(number)

    def pack(self) -> tuple[list[Any], list[Buffer]]:
        self._settle()
        runs = [marshal.dumps(run) if isinstance(run, list) else run for run in self._runs]
        return list(self._firsts), runs

    def _run(self, number: int) -> list[Any]:
        run = self._runs[number]
        if not isinstance(run, list):
            run = marshal.loads(run)
            if not isinstance(run, list) or not run:
                raise TypeError("a damaged run")
            self._runs[number] = run
        return run

    def _settle(self) -> None:
        pending, self._pending = self._pending, []
        for add, item in pending:
            key = self._key(item)
            number = max(bisect.bisect_right(self._firsts, key) - 1, 0)
            if not self._runs:
                if not add:
                    raise ValueError("an item to remove is not in the list")
                self._runs.append([item])
                self._firsts.append(key)
                continue
            run = self._run(number)
            at = bisect.bisect_left(run, key, key=self._key)
            if add:
                run.insert(at, item)
            elif at == len(run) or run[at] != item:
                raise ValueError("an item to remove is not in the list")
            else:
                del run[at]
            if not run:
                del self._runs[number], self._firsts[number]
                continue
            self._firsts[number] = self._key(run[0])
            if len(run) > 2 * self.SIZE:
                self._runs[number : number + 1] = [run[: self.SIZE], run[self.SIZE :]]
                self._firsts.insert(number + 1, self._key(run[self.SIZE]))


def framed(facts: tuple[Any, ...], groups: tuple[Sequence[Buffer], ...]) -> list[Buffer]:
    """A file of ``groups`` of pieces: a directory (``facts``, then how long each piece
    of each group is) as a marshal after its length, then the pieces, which a reader
    slices out without copying (one marshal of them all would copy every piece on
    every read: 15 MB for the status snapshot's body at 10,000 notes)."""
    lengths = tuple(tuple(len(piece) for piece in group) for group in groups)
    directory = marshal.dumps((*facts, lengths))
    return [len(directory).to_bytes(8, "little"), directory, *(p for g in groups for p in g)]


def unframe(data: bytes | mmap.mmap) -> tuple[Any, ...]:
    """(``facts``..., groups of pieces as memoryviews of ``data``), as ``framed`` wrote
    them; raises as marshal does when cut short or damaged."""
    size = int.from_bytes(data[:8], "little")
    view = memoryview(data)
    *facts, lengths = marshal.loads(view[8 : 8 + size])
    if not isinstance(lengths, tuple):
        raise TypeError("a damaged directory")
    at = 8 + size
    groups = []
    for group in lengths:
        pieces = []
        for length in group:
            pieces.append(view[at : at + length])
            at += length
        groups.append(pieces)
    if at != len(data):
        raise EOFError("a file of pieces cut short")
    return (*facts, groups)
