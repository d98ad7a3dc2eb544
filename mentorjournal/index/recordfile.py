"""The parse cache's file: every record by (path, side, blob id), as parts of 1,024
records, each a marshal after its length, so that neither writing nor reading holds
another copy of all of them (a 16 MB marshal costs twice that while it is made).

An edit does not rewrite the whole file: the records parsed since it was written go
to a small file beside it (``cache-added-*``) until there are many.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentorjournal.index import cachefile

if TYPE_CHECKING:
    from mentorjournal.format.document import Stored

# Records parsed since the store was last written whole are kept in a file beside it
# while they and the records they made stale number at most this: an edit then writes
# its own record, not the 17 MB of 10,000 notes (~50 ms, and ~35 MB at once).
# Records are keyed by content, so any such file's records are right for their keys.
MOST_ADDED = 256


def read(where: str, fingerprint: str) -> tuple[dict[str, Stored], dict[str, Stored]]:
    """(the records written whole, those written beside them since); empty when
    missing, damaged or another mj's."""
    whole = cachefile.unframed_dict(where, fingerprint)
    added = cachefile.unframed_dict(_beside(where), fingerprint) if whole else None
    return whole[1] if whole else {}, added[1] if added else {}


def _beside(where: str) -> str:
    return cachefile.beside(where, "added")


def write(
    where: str, fingerprint: str, current: dict[str, Stored], whole: dict[str, Stored]
) -> None:
    """Keep the ``current`` records: those not in ``whole`` (the records written whole)
    beside it while they and the stale ones are few, else all of them whole."""
    added = {key: stored for key, stored in current.items() if key not in whole}
    stale = len(whole) - (len(current) - len(added))
    if whole and len(added) + stale <= MOST_ADDED:
        cachefile.store(_beside(where), cachefile.framed_dict(fingerprint, added))
        return
    cachefile.store(where, cachefile.framed_dict(fingerprint, current))
    cachefile.discard(_beside(where))  # its records are in the whole file now
