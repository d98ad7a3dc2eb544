"""`mj watch`: re-validate on every save and show the status when it changes.

Editors save in odd ways: vim writes ``4913`` and ``file~`` then renames, VS Code
and gedit write a temp file (``.goutputstream-*``) and `sed -i` one (``sedXXXXXX``)
and rename it over the original. So every event's paths (the moved-to path included)
are filtered, and events are batched: a burst of saves within ``DEBOUNCE`` seconds
becomes one re-validation, and one new screen with the time of that check.
The batching is a plain class (``EventBatcher``) so it is testable without threads.
"""

from __future__ import annotations

import errno
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mentorjournal.checks.validate import validate
from mentorjournal.format.dates import today as current_day
from mentorjournal.format.layout import is_editor_temp
from mentorjournal.journal import load_journal, people
from mentorjournal.render.findings import findings_text
from mentorjournal.render.status import status_text
from mentorjournal.render.terminal import Palette, printable, terminal_width
from mentorjournal.reports.status import compute_status

DEBOUNCE = 0.2
_JOURNAL_FOLDERS = {"goals", "sessions", "private"}
_CHANGES = {"created", "modified", "moved", "deleted", "closed"}


def is_relevant(relative: str) -> bool:
    """Whether a journal-relative path is a journal file worth re-validating for: a
    Markdown note or a journal folder (deleting or renaming sessions/ changes the
    journal); never an editor's or a tool's temp file (vim's swap, `sed -i`'s
    ``sedXXXXXX``, atomic_write's ``.*.mj-tmp``), which only the rename onto a note
    names as a change."""
    parts = PurePosixPath(relative).parts
    if not parts or any(part in (".git", "node_modules", "__pycache__") for part in parts):
        return False
    name = parts[-1]
    if is_editor_temp(name) or name.startswith("."):
        return False
    return name.endswith(".md") or name in _JOURNAL_FOLDERS


@dataclass
class EventBatcher:
    """Collects changed paths; a batch is ready once no event came for ``quiet`` seconds."""

    quiet: float = DEBOUNCE
    pending: set[str] = field(default_factory=set)
    last_event: float | None = None

    def add(self, relative: str, now: float) -> None:
        if is_relevant(relative):
            self.pending.add(relative)
            self.last_event = now

    def take(self, now: float) -> list[str] | None:
        """The batch, if the burst is over; None while events keep coming."""
        if not self.pending or self.last_event is None or now - self.last_event < self.quiet:
            return None
        batch = sorted(self.pending)
        self.pending.clear()
        self.last_event = None
        return batch


@dataclass(frozen=True)
class Report:
    findings: str
    status: str


def journal_report(root: Path, paint: Palette, today: str | None = None) -> Report:
    """Findings and status, as text, for the journal as it is on disk now."""
    journal = load_journal(root)
    findings = validate(journal)
    names = {handle: person.name for handle, person in people(journal).items()}
    return Report(
        findings_text(findings, paint) if findings else paint("all files valid", "green"),
        status_text(compute_status(journal, current_day(today)), paint, names, terminal_width()),
    )


def start_observer(
    root: Path,
    handler: Any,
    notice: Callable[[str], None],
    factories: Iterable[Callable[[], Any]] | None = None,
) -> Any:
    """A started observer; falls back to polling when inotify is out of watches."""
    if factories is None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        factories = (Observer, PollingObserver)
    last_error: OSError | None = None
    for index, factory in enumerate(factories):
        observer = factory()
        observer.schedule(handler, str(root), recursive=True)
        try:
            observer.start()
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EMFILE):
                raise
            last_error = exc
            notice(
                "mj watch: the system's file-watch limit is reached "
                f"({exc.strerror or exc}); polling instead. Raise "
                "fs.inotify.max_user_watches to watch efficiently."
            )
            continue
        if index and last_error is None:
            notice("mj watch: polling for changes")
        return observer
    assert last_error is not None
    raise last_error


def _handler(root: Path, queue: list[str], lock: threading.Lock) -> Any:
    from watchdog.events import FileSystemEventHandler

    class Collect(FileSystemEventHandler):
        def on_any_event(self, event: Any) -> None:
            # Opening a file is not a change (and mj's own reads would loop forever); a
            # folder's "modified" only echoes a change to a file inside it.
            kind = event.event_type
            if kind not in _CHANGES or (event.is_directory and kind in ("modified", "created")):
                return
            for attribute in ("src_path", "dest_path"):
                raw = getattr(event, attribute, "")
                if not raw:
                    continue
                path = Path(raw.decode() if isinstance(raw, bytes) else raw)
                try:
                    relative = path.relative_to(root).as_posix()
                except ValueError:
                    continue
                with lock:
                    queue.append(relative)

    return Collect()


def screen(root: Path, report: Report, changed: list[str], paint: Palette) -> str:
    """One screen: what is watched and when it was last checked, what changed, the
    findings, the status."""
    checked = time.strftime("%H:%M:%S")
    head = f"mj watch  {printable(str(root))}  ·  last check {checked}  (Ctrl-C to stop)"
    lines = [paint(head, "dim")]
    if changed:
        lines.append(paint("changed: " + ", ".join(map(printable, changed)), "dim"))
    return "\n".join([*lines, "", report.findings, "", report.status])


def watch(
    root: Path,
    emit: Callable[[str], None],
    stop: threading.Event,
    paint: Palette | None = None,
    notice: Callable[[str], None] | None = None,
    today: str | None = None,
) -> None:
    """Show a screen (``emit``: one text for the whole screen, which the caller draws
    over the last) now, then again after every burst of saves, until ``stop``."""
    paint = paint or Palette(False)
    notice = notice or emit
    root = root.resolve()
    queue: list[str] = []
    lock = threading.Lock()
    batcher = EventBatcher()
    observer = start_observer(root, _handler(root, queue, lock), notice)
    try:
        emit(screen(root, journal_report(root, paint, today), [], paint))
        while not stop.wait(0.05):
            with lock:
                arrived, queue[:] = list(queue), []
            now = time.monotonic()
            for relative in arrived:
                batcher.add(relative, now)
            batch = batcher.take(now)
            if batch is not None:
                emit(screen(root, journal_report(root, paint, today), batch, paint))
    finally:
        observer.stop()
        observer.join(timeout=5)
