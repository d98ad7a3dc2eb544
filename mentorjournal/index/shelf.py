"""A dict stored as shards of small marshals, so that a lookup unpacks one shard.

The status snapshot keeps a record for every file of the journal, and the staged
check the findings of every staged file: 10,000 entries or more, ~10 ms to unpack
in one piece, when a run after one edit needs two or three of them.
"""

from __future__ import annotations

import marshal
import zlib

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from typing import Any


class Shelf:
    """A dict kept as shards of small marshals, each unpacked when first asked for.

    Keys go to shards by CRC-32 (Python's own string hash differs from run to run).
    A damaged shard raises EOFError, ValueError or TypeError, as marshal does.
    """

    __slots__ = ("_dirty", "_open", "_packed")

    def __init__(self, packed: tuple[bytes, ...] | list[bytes], size: int) -> None:
        if len(packed) != size or not all(isinstance(shard, bytes) for shard in packed):
            raise ValueError("not a shelf of this size")
        self._packed = list(packed)
        self._open: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()

    @classmethod
    def build(cls, entries: dict[str, Any], size: int) -> Shelf:
        shards: list[dict[str, Any]] = [{} for _ in range(size)]
        for key, value in entries.items():
            shards[_number(key, size)][key] = value
        return cls([marshal.dumps(shard) for shard in shards], size)

    def _shard(self, key: str) -> dict[str, Any]:
        return self._open_shard(_number(key, len(self._packed)))

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
        self._dirty.add(_number(key, len(self._packed)))

    def keys(self) -> set[str]:
        """Every key (unpacks every shard)."""
        found: set[str] = set()
        for number in range(len(self._packed)):
            found.update(self._open_shard(number))
        return found

    def pack(self) -> tuple[bytes, ...]:
        for number in self._dirty:
            self._packed[number] = marshal.dumps(self._open[number])
        self._dirty.clear()
        return tuple(self._packed)


def _number(key: str, size: int) -> int:
    # surrogatepass: file names that are not UTF-8 reach us as lone surrogates.
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % size
