"""Only LF ends a line: a lone CR, NEL, U+2028 or U+2029 in a note moves no line number.

Python's str.splitlines(), YAML and markdown-it all take some of these for line
breaks; an editor (and `mj done`, which counts LF) does not. Each case is a real
file run through the real CLI.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git, make_repo

from mentorjournal.cli import fastpath

BREAKS = {"cr": "\r", "nel": "\x85", "line-sep": "\u2028", "para-sep": "\u2029"}

# {x} is the odd character: in a front matter value, a paragraph, an item's own text
# and before a would-be item that, with only LF ending lines, is paragraph text.
SESSION = (
    "---\n"
    "date: 2025-07-18\n"
    "attendees: [ana, ben]\n"
    'topic: "pair{x}work"\n'  # 4: unknown key
    "agenda_by: ana\n"
    "kind: weekly\n"  # 6: not a kind
    "---\n"
    "## Notes{x}- [ ] @ben Not an item\n"
    "\n"
    "We talked{x}about the outline.\n"
    "\n"
    "- [ ] @ana Draft{x}the outline due:2025-08-01\n"  # 12
    "- [ ] @ben Review the outline due:2025-08-02\n"  # 13
    "- [ ] @ana Send{x}it to Ben\n"  # 14
)


def _line_of(data: bytes, needle: str) -> int:
    """The 1-based line an editor shows ``needle`` on (only LF ends a line)."""
    return data[: data.index(needle.encode())].count(b"\n") + 1


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_status_validate_and_done_count_only_lf(journal: Path, char: str) -> None:
    path = journal / "sessions" / "2025-07-18.md"
    path.write_bytes(SESSION.format(x=char).encode())
    before = path.read_bytes()

    status = json.loads(mj("status", "--json", "--today", "2025-08-05", cwd=journal).stdout)
    mine = {o["text"]: o for o in status["open"] if o["path"] == "sessions/2025-07-18.md"}
    assert sorted(mine) == ["Draft the outline", "Review the outline", "Send it to Ben"]
    assert mine["Draft the outline"]["line"] == _line_of(before, "@ana Draft") == 12
    assert mine["Review the outline"]["line"] == _line_of(before, "@ben Review") == 13
    assert mine["Send it to Ben"]["line"] == _line_of(before, "@ana Send") == 14

    validated = mj("validate", "--json", cwd=journal)
    assert "Traceback" not in validated.output
    found = [
        (f["line"], f["code"])
        for f in json.loads(validated.stdout)["findings"]
        if f["path"] == "sessions/2025-07-18.md"
    ]
    # Front matter positions come from YAML, which would count the break as a line.
    assert (4, "unknown-key") in found and (6, "invalid-value") in found
    assert (4, "odd-line-break") in found  # the first one, where it is

    done = mj("done", mine["Draft the outline"]["id"], "--today", "2025-08-05", cwd=journal)
    assert done.exit_code == 0, done.output
    after = path.read_bytes()
    old_lines, new_lines = before.split(b"\n"), after.split(b"\n")
    assert len(old_lines) == len(new_lines)
    changed = [n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True), 1) if a != b]
    assert changed == [12]
    assert new_lines[11] == old_lines[11].replace(b"[ ]", b"[x]") + b" done:2025-08-05"

    # The next item is still open and still where the editor shows it.
    again = json.loads(mj("status", "--json", "--today", "2025-08-05", cwd=journal).stdout)
    lines = {o["text"]: o["line"] for o in again["open"] if o["path"] == "sessions/2025-07-18.md"}
    assert lines == {"Review the outline": 13, "Send it to Ben": 14}


def test_yaml_errors_after_breaks_are_at_the_editors_line(journal: Path) -> None:
    """YAML (1.1) ends lines at all four, so each would move a YAML error one line down."""
    path = journal / "sessions" / "2025-07-18.md"
    breaks = "".join(BREAKS.values())
    path.write_bytes(f'---\ndate: 2025-07-18\nnote: "a{breaks}b"\nattendees: [ana\n---\n'.encode())
    result = mj("validate", "--json", cwd=journal)
    found = [(f["line"], f["column"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    # The flow list opened on line 4 is still open at the end: the error is where it opens.
    assert found == [(3, 9, "odd-line-break"), (4, 12, "yaml-syntax")]
    assert result.exit_code == 1


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_break_in_a_yaml_comment_is_reported_where_the_editor_shows_it(
    journal: Path, char: str
) -> None:
    """To YAML the rest of the comment is a new line of data: an error, at its line."""
    path = journal / "sessions" / "2025-07-18.md"
    text = f"---\ndate: 2025-07-18\n# see{char}below\nattendees: [ana, ben]\n---\n"
    path.write_bytes(text.encode())
    result = mj("validate", "--json", cwd=journal)
    found = [(f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [(3, "odd-line-break"), (4, "yaml-syntax")]


def test_crlf_file_with_a_lone_cr_keeps_both_findings_apart(journal: Path) -> None:
    path = journal / "sessions" / "2025-07-18.md"
    text = "---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\nA\rB\n\n- [ ] @ana One\n"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    result = mj("validate", "--json", cwd=journal)
    found = [(f["line"], f["column"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [(1, 1, "crlf"), (5, 2, "odd-line-break")]
    status = json.loads(mj("status", "--json", cwd=journal).stdout)
    assert [o["line"] for o in status["open"] if o["text"] == "One"] == [7]


def test_fast_status_from_the_snapshot_counts_only_lf(journal: Path) -> None:
    """The click-free `mj status --json` (records kept by blob id) gives the same lines."""
    make_repo(journal)
    path = journal / "sessions" / "2025-07-18.md"
    path.write_bytes(SESSION.format(x="".join(BREAKS.values())).encode())
    git(journal, "add", "--", ".")
    git(journal, "commit", "-q", "--no-verify", "-m", "notes with odd breaks")
    assert mj("status", "--json", cwd=journal).exit_code == 0  # leaves the snapshot
    for _ in range(2):
        out, err = io.StringIO(), io.StringIO()
        assert fastpath.run(["-C", str(journal), "status", "--json"], out, err) == 0, err
        lines = {
            o["text"]: o["line"]
            for o in json.loads(out.getvalue())["open"]
            if o["path"] == "sessions/2025-07-18.md"
        }
        assert lines == {"Draft the outline": 12, "Review the outline": 13, "Send it to Ben": 14}
