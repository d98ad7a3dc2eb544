"""A command in a real pseudo-terminal, as a person runs it: read the screen, type."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

TIMEOUT = 30.0


class Terminal:
    """`mj` in its own pseudo-terminal: read what it shows, type answers."""

    def __init__(self, *args: str, cwd: Path) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: mj with the pty as its terminal
            os.chdir(cwd)
            os.environ["NO_COLOR"] = "1"
            os.execv(sys.executable, [sys.executable, "-m", "mentorjournal", *args])
        self.pid, self.fd, self.seen = pid, fd, ""

    def expect(self, text: str) -> str:
        """Everything shown up to ``text``; fails after TIMEOUT seconds."""
        deadline = time.monotonic() + TIMEOUT
        while text not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never appeared; the terminal shows:\n{self.seen}"
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                assert chunk, f"mj ended before {text!r}:\n{self.seen}"
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        shown, _, self.seen = self.seen.partition(text)
        return shown + text

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def interrupt(self) -> None:
        """Ctrl-C."""
        os.kill(self.pid, signal.SIGINT)

    def finish(self) -> tuple[int, str]:
        """The exit code and what was still to read."""
        rest = self.seen
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                rest += chunk.decode("utf-8", "replace")
        else:
            os.kill(self.pid, 9)
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status), rest
