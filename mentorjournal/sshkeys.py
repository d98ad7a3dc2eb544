"""SSH keys and signatures as git signs with them: the one place ssh-keygen runs.

`ssh-keygen -Y sign -n mentorjournal` signs an agreement's digest, `-Y verify` checks a
signature against one person's key. ssh-keygen never waits for anyone here: it runs in
its own session (no terminal to prompt on), with askpass off, stdin empty and a
timeout, so a key that needs a passphrase fails with a message instead of a prompt.
Verdicts are kept in the user's cache by (handle, key, message, signature): a status
that is asked again runs no ssh-keygen.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import subprocess
import tempfile
from pathlib import Path

from mentorjournal.digest import sha256, sha256_hex
from mentorjournal.errors import MjError

NAMESPACE = "mentorjournal"
TIMEOUT = 30  # seconds: a hardware key waiting for a touch, at most
_BEGIN, _END = "-----BEGIN SSH SIGNATURE-----", "-----END SSH SIGNATURE-----"
_HANDLE = re.compile(r"[a-z][a-z0-9_.-]*")
_MOST_VERDICTS = 4096
_verdicts: dict[str, bool] | None = None


def _string(blob: bytes, at: int) -> tuple[bytes, int] | None:
    """The SSH wire-format string at ``at`` (uint32 length, bytes) and where it ends."""
    size = int.from_bytes(blob[at : at + 4], "big")
    end = at + 4 + size
    return (blob[at + 4 : end], end) if len(blob) >= end >= at + 4 else None


def key_id(text: object) -> str | None:
    """``type base64`` of a one-line public key, its comment dropped; None if not one."""
    if not isinstance(text, str) or "\n" in text.strip():
        return None
    parts = text.split()
    if len(parts) < 2:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    kind = _string(blob, 0)
    return f"{parts[0]} {parts[1]}" if kind and kind[0] == parts[0].encode() else None


def fingerprint(key: str) -> str:
    """``SHA256:...`` as `ssh-keygen -l` prints it."""
    digest = sha256(base64.b64decode(key.split()[1]))
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def signer(sig: object) -> str | None:
    """``type base64`` of the key that made an armoured SSH signature, read from it."""
    lines = sig.strip().splitlines() if isinstance(sig, str) else []
    if len(lines) < 3 or lines[0].strip() != _BEGIN or lines[-1].strip() != _END:
        return None
    try:
        blob = base64.b64decode("".join(line.strip() for line in lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        return None
    key = _string(blob, 10) if blob.startswith(b"SSHSIG") else None  # after magic, version
    kind = _string(key[0], 0) if key else None
    if key is None or kind is None:
        return None
    return f"{kind[0].decode('ascii', 'replace')} {base64.b64encode(key[0]).decode()}"


def _keygen(args: list[str], folder: str, given: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["SSH_ASKPASS_REQUIRE"] = "never"
    try:
        return subprocess.run(
            ["ssh-keygen", *args],
            cwd=folder,
            input=given,
            capture_output=True,
            env=env,
            timeout=TIMEOUT,
            start_new_session=True,  # no controlling terminal: no passphrase prompt
            check=False,
        )
    except FileNotFoundError as exc:
        raise MjError("ssh-keygen is not installed: install OpenSSH and retry") from exc
    except subprocess.TimeoutExpired as exc:
        raise MjError(f"ssh-keygen did not answer within {TIMEOUT} s; nothing was written") from exc


def _said(proc: subprocess.CompletedProcess[bytes]) -> str:
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {proc.returncode}"


def sign(message: bytes, key: str) -> str:
    """The armoured signature of ``message`` by ``key``: a key file (private, or public
    with its private half in ssh-agent) or a literal public key held by ssh-agent."""
    with tempfile.TemporaryDirectory(prefix="mj-sign-") as folder:
        path = Path(folder, "key.pub")
        if key_id(key):
            path.write_text(key.strip() + "\n", encoding="utf-8")
            shown = "the key from git's user.signingKey"
        else:
            path, shown = Path(key).expanduser().absolute(), key
            if not path.is_file():
                raise MjError(f"no key file at {path}: pass the key with --key FILE")
        Path(folder, "digest").write_bytes(message)
        proc = _keygen(["-Y", "sign", "-n", NAMESPACE, "-f", str(path), "digest"], folder)
        if proc.returncode == 0:
            return Path(folder, "digest.sig").read_text(encoding="ascii")
    said = _said(proc)
    if "passphrase" in said:
        raise MjError(
            f"{shown} needs its passphrase and no ssh-agent holds it; mj never asks for "
            f"one. Add the key to the agent (`ssh-add {key}`), then sign again."
        )
    raise MjError(
        f"ssh-keygen could not sign with {shown} ({said}): give the private key file with "
        "--key FILE, or load the key into ssh-agent (`ssh-add`)"
    )


def verify(handle: str, key: str, message: bytes, sig: str) -> bool:
    """Whether ``sig`` is ``handle``'s signature of ``message`` with ``key``."""
    if not _HANDLE.fullmatch(handle) or signer(sig) != key_id(key):
        return False  # another key made it, or it is no signature: no need to ask
    entry = sha256_hex("\0".join((handle, key, sig)).encode() + b"\0" + message)
    kept = _load_verdicts()
    if entry in kept:
        return kept[entry]
    with tempfile.TemporaryDirectory(prefix="mj-verify-") as folder:
        Path(folder, "allowed").write_text(f'{handle} namespaces="{NAMESPACE}" {key}\n')
        Path(folder, "sig").write_text(sig.strip() + "\n", encoding="utf-8")
        args = ["-Y", "verify", "-f", "allowed", "-I", handle, "-n", NAMESPACE, "-s", "sig"]
        good = _keygen(args, folder, message).returncode == 0
    _keep_verdict(entry, good)
    return good


def _verdicts_path() -> str | None:
    if os.environ.get("MJ_NO_CACHE"):
        return None
    from mentorjournal.index.cachefile import user_cache_dir

    return str(Path(user_cache_dir(), "ssh-verdicts.marshal"))


def _load_verdicts() -> dict[str, bool]:
    """The verdicts kept in the user's cache (read once a run); none under MJ_NO_CACHE."""
    global _verdicts
    path = _verdicts_path()
    if path is None:
        return {}
    if _verdicts is None:
        import marshal

        from mentorjournal.index.cachefile import load

        try:
            loaded = marshal.loads(load(path))
        except (EOFError, ValueError, TypeError):
            loaded = {}
        _verdicts = loaded if isinstance(loaded, dict) else {}
    return _verdicts


def _keep_verdict(entry: str, good: bool) -> None:
    import marshal

    from mentorjournal.index.cachefile import store

    path = _verdicts_path()
    if path is None:
        return
    kept = _load_verdicts()
    kept[entry] = good
    while len(kept) > _MOST_VERDICTS:
        del kept[next(iter(kept))]  # the oldest first
    store(path, marshal.dumps(kept))


def public_key(path: Path) -> str:
    """The public key line of a key file: the file itself, or FILE.pub beside it."""
    for candidate in (path, Path(f"{path}.pub")):
        try:
            first = candidate.read_text(encoding="utf-8", errors="replace")[:16384].strip()
        except OSError:
            continue
        if key_id(first):
            return first
    raise MjError(
        f"no SSH public key in {path} or {path}.pub: give the .pub file "
        f"(`ssh-keygen -y -f {path}` prints it)"
    )


def configured_key(root: Path) -> str | None:
    """The key git signs with (``user.signingKey``: a path, or ``key::ssh-...``), else
    ~/.ssh/id_ed25519 when it exists; None when there is neither."""
    from mentorjournal.git import gitrepo

    value = gitrepo._config(root, "user.signingKey")
    if value:
        literal = value.removeprefix("key::")
        return literal if key_id(literal) else str(root / Path(value).expanduser())
    default = Path.home() / ".ssh" / "id_ed25519"
    return str(default) if default.is_file() or Path(f"{default}.pub").is_file() else None


def generate(path: Path, comment: str) -> str:
    """A new ed25519 key at ``path`` (no passphrase: mj cannot ask for one), its public line."""
    if path.exists() or Path(f"{path}.pub").exists():
        raise MjError(f"{path} already exists: mj never overwrites a key")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    args = ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path.resolve())]
    proc = _keygen(args, str(path.resolve().parent))
    if proc.returncode != 0:
        raise MjError(f"ssh-keygen could not make a key at {path}: {_said(proc)}")
    return public_key(Path(f"{path}.pub"))


def find_public_key(root: Path, given: Path | None) -> tuple[str, str] | None:
    """(public key line, where it came from): ``given``, else the key git signs with,
    else ~/.ssh/id_ed25519.pub; None when there is none."""
    where = str(given) if given is not None else configured_key(root)
    if where is None:
        return None
    return (where, "git's user.signingKey") if key_id(where) else (public_key(Path(where)), where)
