"""Run a command that may chain hooks, so that a loop can never flood the machine.

A hook chain that calls itself once exhausted the machine's process table. `bounded`
runs a command in its own session with a timeout and a cap on the processes in that
session (and RLIMIT_NPROC, which binds when the tests do not run as root), and kills
the whole session past either, failing the test.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

TIMEOUT = 90  # seconds for one command, hooks included
MAX_PROCESSES = 40  # a commit through mj's hook and the framework's needs about ten at once


PROC = Path("/proc")


def _pids() -> list[str]:
    """Every process id (Linux /proc; none elsewhere, where only the timeout binds)."""
    return [e.name for e in os.scandir(PROC) if e.name.isdigit()] if PROC.is_dir() else []


def _session_size(sid: int) -> int:
    """How many processes belong to session `sid`."""
    count = 0
    for pid in _pids():
        try:
            stat = (PROC / pid / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        if int(stat.rpartition(")")[2].split()[3]) == sid:
            count += 1
    return count


def _user_processes() -> int:
    count = 0
    for pid in _pids():
        with contextlib.suppress(OSError):
            count += (PROC / pid).stat().st_uid == os.getuid()
    return count


def _kill(session: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(session, signal.SIGKILL)


def bounded(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `args` in a new session; kill the session on a timeout or too many processes."""
    nproc = _user_processes() + MAX_PROCESSES

    def limit() -> None:  # binds unless root; the watcher below binds for root too
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # git gives a hook's output to stderr: one stream to check
        text=True,
        start_new_session=True,
        preexec_fn=limit if nproc > MAX_PROCESSES else None,
    )
    verdict: list[str] = []

    def watch() -> None:
        deadline = time.monotonic() + TIMEOUT
        while proc.poll() is None:
            size = _session_size(proc.pid)
            if size > MAX_PROCESSES or time.monotonic() > deadline:
                verdict.append(f"{size} processes" if size > MAX_PROCESSES else "timeout")
                _kill(proc.pid)
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, _ = proc.communicate()
    watcher.join()
    if _session_size(proc.pid):  # anything the command left running in its session goes too
        _kill(proc.pid)
    if verdict:
        pytest.fail(f"{' '.join(args)} was killed ({verdict[0]}): a hook chain loops\n{out}")
    return subprocess.CompletedProcess(args, proc.returncode, out)
