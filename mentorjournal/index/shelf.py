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
    from collections.abc import Callable, Iterable, Iterator
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

    def __init__(self, packed: Iterable[Buffer], size: int) -> None:
        self._packed = list(packed)
        if len(self._packed) != size or not all(
            isinstance(s, (bytes, memoryview)) for s in self._packed
        ):
            raise ValueError("not a shelf of this size")
        self._open: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()

    @classmethod
    def build(cls, entries: dict[str, Any], size: int) -> Self:
        """Every shard open and changed: ``pack`` makes each marshal as it is written."""
        shelf = cls([b""] * size, size)
        shelf._open = {number: {} for number in range(size)}
        for key, value in entries.items():
            shelf._open[cls._number(key, size)][key] = value
        shelf._dirty = set(shelf._open)
        return shelf

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

    def pack(self) -> Iterator[Buffer]:
        """The shards in order, a changed one marshalled only as it is asked for and not
        kept (a built shelf of 10,000 records is ~10 MB of marshals: a file written
        piece by piece never holds them all)."""
        for number, packed in enumerate(self._packed):
            yield marshal.dumps(self._open[number]) if number in self._dirty else packed

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
        self, firsts: list[Any], runs: Iterable[Buffer], key: Callable[[Any], Any]
    ) -> None:
        self._runs: list[Any] = list(runs)  # bytes until unpacked, then a list
        if len(firsts) != len(self._runs) or not all(
            isinstance(r, (bytes, memoryview)) for r in self._runs
        ):
            raise ValueError("not a list of runs")
        self._key = key
        self._firsts = firsts  # the key of each run's first item
        self._pending: list[tuple[bool, Any]] = []  # (add, item), in the order asked

    @classmethod
    def build(cls, items: list[Any], key: Callable[[Any], Any]) -> Chunks:
        """From ``items`` already sorted by ``key``."""
        runs = [items[at : at + cls.SIZE] for at in range(0, len(items), cls.SIZE)]
        chunks = cls([], [], key)
        chunks._firsts, chunks._runs = [key(run[0]) for run in runs], runs
        return chunks

    def add(self, item: Any) -> None:
        self._pending.append((True, item))

    def remove(self, item: Any) -> None:
        self._pending.append((False, item))

    def __iter__(self) -> Iterator[Any]:
        self._settle()
        for number in range(len(self._runs)):
            yield from self._run(number)

    def pack(self) -> tuple[list[Any], Iterator[Buffer]]:
        """(the first key of each run, the runs: each unpacked one marshalled only as
        it is asked for)."""
        self._settle()
        runs = (marshal.dumps(run) if isinstance(run, list) else run for run in self._runs)
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


def pieces_file(facts: tuple[Any, ...], groups: tuple[Iterable[Buffer], ...]) -> Iterator[Buffer]:
    """A file of ``groups`` of pieces, for ``cachefile.store``: the pieces, each
    written as it is made (none of them kept), then a directory (``facts``, then how
    long each piece of each group is), then the directory's length (8 bytes). A reader
    slices the pieces out without copying: one marshal of them all would copy every
    piece on every read (15 MB for the status snapshot's body at 10,000 notes)."""
    lengths = []
    for group in groups:
        sizes = []
        for piece in group:
            sizes.append(len(piece))
            yield piece
        lengths.append(tuple(sizes))
    directory = marshal.dumps((*facts, tuple(lengths)))
    yield directory
    yield len(directory).to_bytes(8, "little")


def read_pieces_file(data: bytes | mmap.mmap) -> tuple[Any, ...]:
    """(``facts``..., groups of pieces as memoryviews of ``data``), as ``pieces_file`` wrote
    them; raises as marshal does when cut short or damaged."""
    if len(data) < 8:
        raise EOFError("a file of pieces cut short")
    view = memoryview(data)
    size = int.from_bytes(view[-8:], "little")
    end = len(data) - 8 - size
    if end < 0:
        raise EOFError("a file of pieces cut short")
    *facts, lengths = marshal.loads(view[end:-8])
    if not isinstance(lengths, tuple):
        raise TypeError("a damaged directory")
    at = 0
    groups = []
    for group in lengths:
        pieces = []
        for length in group:
            pieces.append(view[at : at + length])
            at += length
        groups.append(pieces)
    if at != end:
        raise EOFError("a file of pieces cut short")
    return (*facts, groups)
