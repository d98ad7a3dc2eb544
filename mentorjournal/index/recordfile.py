"""The parse cache's file: every record by (path, side, blob id), as parts of 1,024
records, each a marshal after its length, so that neither writing nor reading holds
another copy of all of them (a 16 MB marshal costs twice that while it is made).

An edit does not rewrite the whole file: the records parsed since it was written go
to a small file beside it (``cache-added-*``) until there are many.
"""

from __future__ import annotations

import marshal
import os
from contextlib import suppress
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from mentorjournal.index import cachefile

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mentorjournal.format.document import Stored

# Records parsed since the store was last written whole are kept in a file beside it
# while they and the records they made stale number at most this: an edit then writes
# its own record, not the 17 MB of 10,000 notes (~50 ms, and ~35 MB at once).
# Records are keyed by content, so any such file's records are right for their keys.
MOST_ADDED = 256
_PART = 1024  # records a part of a cache file holds


def read(where: str, fingerprint: str) -> tuple[dict[str, Stored], dict[str, Stored]]:
    """(the records written whole, those written beside them since); empty when
    missing, damaged or another mj's."""
    whole = _unpack(where, fingerprint)
    return whole or {}, (_unpack(_beside(where), fingerprint) or {}) if whole else {}


def _beside(where: str) -> str:
    path = Path(where)
    return str(path.with_name(path.name.replace("cache-", "cache-added-", 1)))


def _unpack(where: str, fingerprint: str) -> dict[str, Stored] | None:
    """The records of a file ``_framed`` wrote for ``fingerprint``."""
    entries: dict[str, Stored] = {}
    try:
        parts = _parts(where)
        if marshal.loads(next(parts, b"")) != fingerprint:
            return None
        for part in parts:
            chunk = marshal.loads(part)
            if not isinstance(chunk, dict):
                return None
            entries.update(chunk)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return entries


def _parts(where: str) -> Iterator[bytes]:
    """The marshals of a cache file, one at a time: the file is never held whole."""
    handle = cachefile.open_cache(where)
    if handle is None:
        return
    with handle:
        left = os.fstat(handle.fileno()).st_size
        while size := handle.read(8):
            wanted = int.from_bytes(size, "little")
            if len(size) != 8 or wanted > left:  # damaged: never ask for more than is there
                raise EOFError("a cache file cut short")
            part = handle.read(wanted)
            left -= 8 + len(part)
            yield part


def _framed(fingerprint: str, records: dict[str, Stored]) -> Iterator[bytes]:
    """A cache file's pieces: the fingerprint, then the records 1,024 at a time, each
    marshal after its length, so that neither writing nor reading holds another copy
    of all of them (a 16 MB marshal costs twice that while it is made)."""
    keys = list(records)
    chunks = (
        {key: records[key] for key in keys[at : at + _PART]} for at in range(0, len(keys), _PART)
    )
    values: Iterator[str | dict[str, Stored]] = chain([fingerprint], chunks)
    for value in values:
        part = marshal.dumps(value)
        yield len(part).to_bytes(8, "little")
        yield part


def write(
    where: str, fingerprint: str, current: dict[str, Stored], whole: dict[str, Stored]
) -> None:
    """Keep the ``current`` records: those not in ``whole`` (the records written whole)
    beside it while they and the stale ones are few, else all of them whole."""
    added = {key: stored for key, stored in current.items() if key not in whole}
    stale = len(whole) - (len(current) - len(added))
    if whole and len(added) + stale <= MOST_ADDED:
        cachefile.store(_beside(where), _framed(fingerprint, added))
        return
    cachefile.store(where, _framed(fingerprint, current))
    with suppress(OSError):  # a cache that cannot be written only costs speed
        Path(_beside(where)).unlink(missing_ok=True)  # its records are in the whole file now
