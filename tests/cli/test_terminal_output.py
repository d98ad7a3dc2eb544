"""No control sequence from a journal reaches the terminal raw, in any command.

An escape sequence in an item, a YAML value, a file name and a git author name: every
command that prints shows it as visible escapes (``\\x1b``), never as the bytes a
terminal acts on (erase a line, retitle the window, reorder text).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mj
from gitutil import MENTOR, Identity, git, git_sandbox, make_repo, write  # noqa: F401

from mentorjournal.cli import fastpath
from mentorjournal.render.terminal import Palette, printable, terminal_text

pytestmark = pytest.mark.usefixtures("git_sandbox")

TODAY = "2025-03-01"
OSC = "\x1b]0;pwned\x07"  # retitles the terminal
ERASE = "\x1b[2K"  # erases the line
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")
EVIL_FILE = f"sessions/2025-02-03-evil{ERASE}.md"
EVIL_AUTHOR = Identity(f"Eve {OSC}Evans", "eve@example.org")  # git trims a trailing BEL

AGREEMENT = """\
---
mentor: {handle: ben, name: Ben Mentor}
mentee: {handle: ana, name: "Ana \\e]0;pwned\\a"}
purpose: Grow.
start: 2025-01-06
review: 2025-06-01
cadence: {every: weekly, length: 30, mode: video}
---
"""
FILES = {
    # A YAML value: double quotes turn \\e into the escape character.
    "goals/evil.md": (
        '---\ntitle: "Evil \\e[2K\\u202e title"\nstatus: active\nopened: 2025-01-06\n'
        'success: "done \\e]0;x\\a"\n---\n- [ ] @ana milestone \\u2066\n'
    ),
    # Item text, raw in the body: C0, C1 and bidi characters as the editor saved them.
    "sessions/2025-01-13-retro.md": (
        "---\ndate: 2025-01-13\nattendees: [ana, ben]\nkind: retro\n---\n## Decisions\n\n"
        f"- Decided {OSC} here\n\n- [ ] @ana Evil {OSC} item {ERASE} \u202e \x9b due:2025-02-01\n"
    ),
    EVIL_FILE: f"---\ndate: 2025-02-03\nattendees: [ana, ben]\n---\n- [ ] @ben file {ERASE}\n",
}


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "journal")
    write(root, "agreement.md", AGREEMENT)
    git(root, "add", "agreement.md")
    git(root, "commit", "-q", "--no-verify", "-m", "start", identity=MENTOR)
    write(root, "agreement.md", AGREEMENT.replace("weekly", "biweekly"))
    git(root, "commit", "-q", "--no-verify", "-am", f"cadence {ERASE}", identity=EVIL_AUTHOR)
    for path, text in FILES.items():
        write(root, path, text)
    return root


def shown(output: str, what: str) -> str:
    for raw in RAW:
        assert raw not in output, f"{what}: {raw!r} reached the terminal raw:\n{output!r}"
    return output


def run(root: Path, *args: str, code: int = 0) -> str:
    result = mj(*args, cwd=root)
    assert result.exit_code == code, result.output
    return shown(result.output, " ".join(args))


def fast(root: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    answered = fastpath.run(["-C", str(root), *args], out, err)
    assert answered is not None, f"the fast path did not answer {args}"
    return shown(out.getvalue() + err.getvalue(), "fast " + " ".join(args))


def test_status_shows_every_escape_visibly(evil: Path) -> None:
    text = run(evil, "status", "--today", TODAY)
    assert f"Evil {printable(OSC)} item {printable(ERASE)} \\u202e \\x9b" in text
    assert "Ana \\x1b]0;pwned\\x07" in text  # the owner's name from the agreement
    assert printable(EVIL_FILE) in text
    assert fast(evil, "status", "--today", TODAY) == text
    data = run(evil, "status", "--json", "--today", TODAY)
    assert fast(evil, "status", "--json", "--today", TODAY) == data
    # JSON keeps the text exactly: the escapes decode to what the note holds.
    texts = [item["text"] for item in json.loads(data)["open"]]
    assert f"Evil {OSC} item {ERASE} \u202e \x9b" in texts


@pytest.mark.parametrize("audience", ["pair", "sponsor"])
@pytest.mark.parametrize("output_format", ["text", "md", "json", "html"])
def test_summary(evil: Path, audience: str, output_format: str) -> None:
    args = ("summary", "--format", output_format, "--audience", audience, "--today", TODAY)
    out = run(evil, *args)
    assert fast(evil, *args) == out
    if output_format == "text":
        assert "Evil \\x1b[2K\\u202e title" in out


def test_calendar_kept_or_made_shows_every_escape_visibly(evil: Path) -> None:
    """Made (click), then kept (the fast path answers from the kept feed, whose check
    by the gate was kept with it): the same escaped text, CRLF line ends intact."""
    args = ("calendar", "--today", TODAY)
    made = run(evil, *args)  # (click's runner reads CRLF as LF)
    assert "Evil \\\\x1b]0\\;pwned\\\\x07 item" in made  # escaped, then iCalendar-escaped
    kept = fast(evil, *args)
    assert kept == fast(evil, *args) and kept.count("\r\n") > 10
    assert kept.replace("\r\n", "\n") == made
    clean = evil / "clean"  # no escape anywhere: the kept feed goes out as it is
    make_repo(clean)
    write(clean, "agreement.md", AGREEMENT.replace('"Ana \\e]0;pwned\\a"', "Ana Lima"))
    write(clean, "sessions/2025-02-03.md", FILES[EVIL_FILE].replace(ERASE, ""))
    first = fast(clean, *args)
    assert first == fast(clean, *args) and first.replace("\r\n", "\n") == run(clean, *args)


def test_validate_history_done_commit_and_errors(evil: Path) -> None:
    found = run(evil, "validate", code=1)
    assert printable(EVIL_FILE) in found
    run(evil, "validate", "--json", code=1)
    history = run(evil, "history")
    assert "Eve \\x1b]0;pwned\\x07Evans" in history
    assert json.loads(run(evil, "history", "--json"))["agreement"][1]["author"]["name"] == (
        EVIL_AUTHOR.name
    )
    item = next(i for i in json.loads(run(evil, "status", "--json"))["open"] if "Evil" in i["text"])
    assert "Evil \\x1b]0;pwned\\x07 item" in run(evil, "done", item["id"], "--today", TODAY)
    # A refusal names what it refuses: the name passes the same gate.
    assert "\\x1b[2K" in run(evil, "done", f"zz{ERASE}", code=1)
    assert "\\x1b]0;pwned\\x07" in run(evil, "validate", f"no{OSC}", code=2)
    assert "\\x1b[2K" in run(evil, "summary", "--format", f"x{ERASE}", code=2)
    run(evil, f"bogus{OSC}", code=2)
    # Staging the evil file name fails validation: commit lists the findings and refuses.
    run(evil, "commit", code=1)
    (evil / EVIL_FILE).unlink()
    run(evil, "validate", "--staged")
    fast(evil, "validate", "--staged")
    committed = run(evil, "commit", "-m", f"notes {OSC}")
    assert "notes \\x1b]0;pwned\\x07" in committed
    run(evil, "new", "session", "--today", TODAY)


def test_watch_prints_escapes_visibly(evil: Path) -> None:
    """The real `mj watch` (its own process, its own terminal output), first screen."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mentorjournal", "-C", str(evil), "watch", "--today", TODAY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        screen = b""
        while b"Next meeting" not in screen:
            line = process.stdout.readline()
            assert line, f"mj watch ended early: {process.stderr.read() if process.stderr else ''}"
            screen += line
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    text = shown(screen.decode("utf-8"), "watch")
    assert f"Evil {printable(OSC)} item" in text


def test_the_gate_keeps_only_its_own_colours() -> None:
    paint = Palette(True)
    ours = paint("overdue", "red", "bold")
    out = terminal_text(f"{ours} {OSC}{ERASE}\x1b[8mhidden\x1b[0m\n\tnext", colour=True)
    assert out.startswith(ours)  # the Palette's codes pass
    assert "\\x1b]0;pwned\\x07\\x1b[2K\\x1b[8mhidden" in out  # anything else is shown
    assert out.endswith("\x1b[0m\n\tnext")  # a reset is the Palette's too; lines and tabs stay
    assert terminal_text(ours) == printable(ours)  # no colour: every escape shown


def test_every_command_prints_through_the_gate() -> None:
    """`click.echo` (or `print`) only inside app._echo: a line printed any other way
    would skip the gate. A guard for commands added later."""
    import ast

    class Prints(ast.NodeVisitor):
        def __init__(self) -> None:
            self.inside = "<module>"
            self.found: list[tuple[str, int]] = []

        def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
            outer, self.inside = self.inside, node.name
            self.generic_visit(node)
            self.inside = outer

        def visit_Call(self, node: ast.Call) -> None:
            if ast.unparse(node.func) in ("click.echo", "click.secho", "print"):
                self.found.append((self.inside, node.lineno))
            self.generic_visit(node)

    package = Path(fastpath.__file__).resolve().parent.parent
    # The one gate, and the merge driver's fixed usage line for git.
    allowed = {("cli/app.py", "_echo"), ("git/mergedriver.py", "run_driver")}
    stray = []
    for module in sorted(package.rglob("*.py")):
        prints = Prints()
        prints.visit(ast.parse(module.read_text(encoding="utf-8")))
        name = module.relative_to(package).as_posix()
        stray += [
            f"{name}:{line} ({where})"
            for where, line in prints.found
            if (name, where) not in allowed
        ]
    assert stray == [], "print through app._echo (terminal_text): " + ", ".join(stray)
