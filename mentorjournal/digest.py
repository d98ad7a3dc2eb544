"""SHA-1 and SHA-256 without loading OpenSSL unless something else already has.

``hashlib`` loads OpenSSL's library when imported: ~3 ms, and ~3.5 MB of a run's
memory, for a pre-commit check that hashes one note or a report keyed by a digest of
10,000 names. CPython's own SHA-1 and SHA-256 give the same digests at no load cost,
but are ~3x slower per byte, so large inputs still go to OpenSSL.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the staged check stays off typing
if TYPE_CHECKING:
    from typing import Any

_SMALL = 1 << 16  # bytes: below this CPython's own SHA-1 wins even counting the load
_BUILTIN = 1 << 21  # SHA-256 (~3 ms a MB), against loading OpenSSL (~3 ms, 3.5 MB)


def sha1_hex(data: bytes) -> str:
    """The SHA-1 of ``data``, in hex."""
    if len(data) < _SMALL and "hashlib" not in sys.modules:
        try:
            from _sha1 import sha1  # type: ignore[import-not-found,unused-ignore]
        except ImportError:  # a Python built without it
            pass
        else:
            return str(sha1(data).hexdigest())
    import hashlib

    return hashlib.sha1(data).hexdigest()


def sha256(data: bytes) -> bytes:
    """The SHA-256 of ``data``."""
    if len(data) < _BUILTIN and "hashlib" not in sys.modules:
        builtin = _builtin_sha256()
        if builtin is not None:
            return bytes(builtin(data).digest())
    import hashlib

    return hashlib.sha256(data).digest()


_FOUND: list[Any] = []


def _builtin_sha256() -> Any:
    """CPython's own SHA-256 constructor (looked for once: a failed import searches
    the whole path again), or None."""
    if not _FOUND:
        try:  # CPython 3.12 named its module _sha2
            from _sha2 import sha256 as builtin  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            try:
                from _sha256 import sha256 as builtin  # type: ignore[import-not-found,no-redef,unused-ignore]
            except ImportError:  # a Python built without it
                builtin = None
        _FOUND.append(builtin)
    return _FOUND[0]


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex."""
    return sha256(data).hex()


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob."""
    return sha1_hex(b"blob %d\0" % len(data) + data)
