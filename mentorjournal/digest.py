"""SHA-1 as git and item ids use it, without loading OpenSSL for a few small inputs.

``hashlib`` loads OpenSSL's library when imported (~2-3 ms), a noticeable part of a
pre-commit check that hashes one note and a few item keys. CPython's own SHA-1
(``_sha1``) gives the same digest at no load cost, but is ~3x slower per byte, so
large inputs still go to OpenSSL.
"""

from __future__ import annotations

import sys

_SMALL = 1 << 16  # bytes: below this CPython's own SHA-1 wins even counting the load


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


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob."""
    return sha1_hex(b"blob %d\0" % len(data) + data)
