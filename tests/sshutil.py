"""Throwaway SSH keys made by the real ssh-keygen, in a test's temporary folder."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TIMEOUT = 30  # seconds for one ssh-keygen, ssh-agent or ssh-add


def make_key(folder: Path, name: str, passphrase: str = "", kind: str = "ed25519") -> Path:
    """A new key pair ``folder/name`` and ``folder/name.pub``; the private key's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", f"{name}@test", "-f", str(path)],
        check=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    return path


def public(key: Path) -> str:
    """The public key line of a key made by ``make_key``."""
    return Path(f"{key}.pub").read_text(encoding="utf-8").strip()


def ssh_sign(key: Path, message: str) -> str:
    """What `ssh-keygen -Y sign -n mentorjournal` makes of ``message``: a forger's tool."""
    out = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", "mentorjournal", "-f", str(key)],
        input=message.encode(),
        check=True,
        timeout=TIMEOUT,
        capture_output=True,
    )
    return out.stdout.decode("ascii")


def ssh_verifies(handle: str, key: Path, message: str, sig: str, folder: Path) -> bool:
    """Whether ssh-keygen itself, not mj, accepts ``sig`` as ``handle``'s with ``key``."""
    allowed, sig_file = folder / "allowed_signers", folder / "check.sig"
    allowed.write_text(f"{handle} {public(key)}\n", encoding="utf-8")
    sig_file.write_text(sig, encoding="ascii")
    check = ["-Y", "verify", "-f", str(allowed), "-I", handle, "-n", "mentorjournal"]
    proc = subprocess.run(
        ["ssh-keygen", *check, "-s", str(sig_file)],
        input=message.encode(),
        timeout=TIMEOUT,
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


@contextmanager
def agent_holding(key: Path, folder: Path) -> Iterator[dict[str, str]]:
    """A real ssh-agent holding ``key``: its environment; the agent is killed after."""
    socket = folder / "agent.sock"
    proc = subprocess.run(
        ["ssh-agent", "-s", "-a", str(socket)], capture_output=True, text=True, timeout=TIMEOUT
    )
    pid = int(proc.stdout.split("SSH_AGENT_PID=")[1].split(";")[0])
    env = {"SSH_AUTH_SOCK": str(socket), "SSH_AGENT_PID": str(pid)}
    try:
        subprocess.run(
            ["ssh-add", "-q", str(key)],
            env={**os.environ, **env},
            check=True,
            timeout=TIMEOUT,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
        yield env
    finally:
        os.kill(pid, signal.SIGTERM)
