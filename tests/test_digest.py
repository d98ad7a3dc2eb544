"""SHA-256 and SHA-1 as hashlib gives them, without loading OpenSSL when nothing else has."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from mentorjournal import digest


@pytest.mark.parametrize("size", [0, 3, 1000, 70_000, 3 << 20])
def test_digests_equal_hashlibs(size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    for name in ("sha1", "sha256"):  # hashlib is loaded here: ask CPython's own
        builtin = digest._builtin(name)
        assert builtin is not None and builtin(data).digest() == hashlib.new(name, data).digest()
    assert digest.sha256(data) == hashlib.sha256(data).digest()
    assert digest.sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert digest.sha1_hex(data) == hashlib.sha1(data).hexdigest()


def test_small_inputs_leave_openssl_unloaded() -> None:
    script = (
        "import sys\n"
        "from mentorjournal import digest\n"
        "print(digest.sha256_hex(b'abc'), digest.sha1_hex(b'abc'), 'hashlib' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    assert out == [
        hashlib.sha256(b"abc").hexdigest(),
        hashlib.sha1(b"abc").hexdigest(),
        "False",
    ]
