"""`mj watch`: event batching without threads, then the real watcher on a real folder."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from ptyutil import Terminal

from mentorjournal.render.terminal import CLEAR_SCREEN
from mentorjournal.watch import EventBatcher, is_relevant, start_observer, watch


@pytest.mark.parametrize(
    ("path", "relevant"),
    [
        ("sessions/2025-01-20.md", True),
        ("agreement.md", True),
        ("sessions", True),
        ("sessions/.2025-01-20.md.swp", False),
        ("sessions/.2025-01-20.md.swx", False),
        ("sessions/2025-01-20.md~", False),
        ("sessions/4913", False),
        ("sessions/.goutputstream-X1Y2Z3", False),
        ("sessions/.#2025-01-20.md", False),
        ("sessions/.2025-01-20.md.abc.mj-tmp", False),
        (".git/index", False),
        (".git/refs/heads/main", False),
        ("notes.txt", False),
        ("sessions/sedAbC123", False),  # `sed -i`'s temp file
        ("sessions/#2025-01-20.md#", False),
        ("private/goals", True),
        ("goals/.portfolio.md.x1y2.mj-tmp", False),
    ],
)
def test_which_paths_count(path: str, relevant: bool) -> None:
    assert is_relevant(path) is relevant


def test_batcher_waits_for_a_quiet_moment() -> None:
    batcher = EventBatcher(quiet=0.2)
    assert batcher.take(0.0) is None
    batcher.add("sessions/4913", 0.0)
    batcher.add("sessions/.a.md.swp", 0.0)
    assert batcher.take(1.0) is None  # only noise: nothing to do
    batcher.add("sessions/a.md", 1.0)
    batcher.add("sessions/a.md", 1.1)
    batcher.add("goals/g.md", 1.15)
    assert batcher.take(1.3) is None  # the burst is still going
    assert batcher.take(1.36) == ["goals/g.md", "sessions/a.md"]
    assert batcher.take(5.0) is None


class _Refusing:
    """An observer whose start fails the way inotify does when out of watches."""

    def __init__(self, code: int) -> None:
        self.code = code

    def schedule(self, handler: Any, path: str, recursive: bool) -> None:
        pass

    def start(self) -> None:
        raise OSError(self.code, os.strerror(self.code))


def test_falls_back_to_polling_on_inotify_limits(tmp_path: Path) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers.polling import PollingObserver

    notices: list[str] = []
    for code in (errno.ENOSPC, errno.EMFILE):
        factories: list[Callable[[], Any]] = [lambda code=code: _Refusing(code), PollingObserver]
        observer = start_observer(tmp_path, FileSystemEventHandler(), notices.append, factories)
        try:
            assert isinstance(observer, PollingObserver)
        finally:
            observer.stop()
            observer.join()
    assert len(notices) == 2
    assert "polling instead" in notices[0]
    with pytest.raises(OSError):
        start_observer(
            tmp_path, FileSystemEventHandler(), notices.append, [lambda: _Refusing(errno.EACCES)]
        )


def _wait_for(output: list[str], needle: str, start: int = 0, timeout: float = 10.0) -> str:
    """The output from line ``start`` on, once ``needle`` appears in it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = "\n".join(output[start:])
        if needle in text:
            return text
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} never appeared in:\n" + "\n".join(output))


def _save_like_vim(path: Path, data: str) -> None:
    """vim's default save: probe file 4913, backup by rename, write new, drop backup."""
    probe = path.parent / "4913"
    probe.write_text("")
    probe.unlink()
    swap = path.parent / f".{path.name}.swp"
    swap.write_text("swap")
    backup = path.parent / (path.name + "~")
    path.rename(backup)
    path.write_text(data, encoding="utf-8")
    backup.unlink()
    swap.unlink()


def _save_like_gedit(path: Path, data: str) -> None:
    """gedit and VS Code: write a temp file beside it, then rename it over the original."""
    temp = path.parent / ".goutputstream-ABC123"
    temp.write_text(data, encoding="utf-8")
    os.replace(temp, path)


def test_watch_revalidates_on_saves(tmp_path: Path) -> None:
    root = tmp_path / "journal"
    shutil.copytree(DATA / "summary-journal", root)
    output: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        kwargs={"root": root, "emit": output.append, "stop": stop, "today": "2025-03-03"},
    )
    thread.start()
    try:
        first = _wait_for(output, "Next meeting")
        assert "all files valid" in first
        shown = len(output)

        session = root / "sessions" / "2025-01-20.md"
        good = session.read_text(encoding="utf-8")
        _save_like_vim(session, good.replace("attendees: [ana, ben]", "attendees: [ana, bob]"))
        text = _wait_for(output, "unknown-person")
        assert "changed: sessions/2025-01-20.md" in text
        assert "sessions/2025-01-20.md:3:" in text
        assert "4913" not in text and ".swp" not in text and "~" not in text

        # The same save again: a new screen, the same findings, a new time of check.
        before = len(output)
        _save_like_vim(session, good.replace("attendees: [ana, ben]", "attendees: [ana, bob]"))
        again = _wait_for(output, "changed: sessions/2025-01-20.md", before)
        assert len(output) == before + 1
        assert again.split("\n", 1)[1] == output[before - 1].split("\n", 1)[1]  # but the time
        assert re.match(r"mj watch  .*  ·  last check \d\d:\d\d:\d\d  \(Ctrl-C", again)

        _save_like_gedit(session, good)
        text = _wait_for(output, "all files valid", before)
        assert ".goutputstream" not in text

        # A new item shows in the status; every screen has the whole picture.
        now = len(output)
        _save_like_gedit(session, good + "- [ ] @ben Something new due:2025-03-10\n")
        status = _wait_for(output, "Something new", now)
        assert "all files valid" in status
        assert shown > 0

        # `sed -i` writes sedXXXXXX beside the note and renames it over: the note changed.
        now = len(output)
        subprocess.run(["sed", "-i", "s/Something new/Something renamed/", str(session)],
                       check=True, timeout=30)  # fmt: skip
        edited = _wait_for(output, "Something renamed", now)
        assert "changed: sessions/2025-01-20.md\n" in edited
        assert not re.search(r"\bsed[A-Za-z0-9]{6}\b", edited)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_ctrl_c_exits_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "journal"
    shutil.copytree(DATA / "summary-journal", root)
    process = subprocess.Popen(
        [sys.executable, "-m", "mentorjournal", "-C", str(root), "watch", "--today", "2025-03-03"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Next meeting"):
                break
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "all files valid\n" in lines


def test_on_a_terminal_each_check_redraws_one_screen(tmp_path: Path) -> None:
    """The real `mj watch` in a pseudo-terminal: clear and home, then the screen."""
    root = tmp_path / "journal"
    shutil.copytree(DATA / "summary-journal", root)
    term = Terminal("-C", str(root), "watch", "--today", "2025-03-03", cwd=tmp_path)
    try:
        first = term.expect("each in their own clone)\n")
        assert first.startswith(CLEAR_SCREEN)
        assert re.search(r"last check \d\d:\d\d:\d\d", first) and "all files valid" in first
        session = root / "sessions" / "2025-01-20.md"
        _save_like_vim(session, session.read_text().replace("[ana, ben]", "[ana, bob]"))
        second = term.expect("each in their own clone)\n")
        assert second.count(CLEAR_SCREEN) == 1 and second.startswith(CLEAR_SCREEN)
        assert "changed: sessions/2025-01-20.md" in second and "unknown-person" in second
    finally:
        term.interrupt()
        code, rest = term.finish()
    assert code == 0 and "Traceback" not in rest
