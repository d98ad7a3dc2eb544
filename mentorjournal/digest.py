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


# CPython's own module of each hash, tried in turn (3.12 renamed _sha256 to _sha2).
_MODULES = {"sha1": ("_sha1",), "sha256": ("_sha2", "_sha256")}
_FOUND: dict[str, Any] = {}


def _builtin(name: str) -> Any:
    """CPython's own constructor of hash ``name`` (looked for once: a failed import
    searches the whole path again), or None in a Python built without it."""
    if name not in _FOUND:
        _FOUND[name] = None
        for module in _MODULES[name]:
            try:
                _FOUND[name] = getattr(__import__(module), name)
                break
            except ImportError:
                continue
    return _FOUND[name]


def _hashed(name: str, data: bytes, below: int) -> Any:
    """``data`` hashed by CPython's own module while it is shorter than ``below`` bytes
    and OpenSSL is not loaded, else by hashlib."""
    builtin = _builtin(name) if len(data) < below and "hashlib" not in sys.modules else None
    if builtin is not None:
        return builtin(data)
    import hashlib

    return getattr(hashlib, name)(data)


def sha1_hex(data: bytes) -> str:
    """The SHA-1 of ``data``, in hex."""
    return str(_hashed("sha1", data, _SMALL).hexdigest())


def sha256(data: bytes) -> bytes:
    """The SHA-256 of ``data``."""
    return bytes(_hashed("sha256", data, _BUILTIN).digest())


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex."""
    return sha256(data).hex()


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob."""
    return sha1_hex(b"blob %d\0" % len(data) + data)
