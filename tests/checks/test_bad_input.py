"""Bad input: a clear finding naming file and line, the right exit code, nothing changed.

The cases live in tests/data/bad/cases.json with one file of raw bytes each; the
ones too large or too odd to keep as files are generated here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, mj
from gitutil import snapshot

CASES: list[dict[str, Any]] = json.loads((DATA / "bad" / "cases.json").read_text("utf-8"))


def run_validate(journal: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    before = snapshot(journal)
    result = mj("validate", "--json", *extra, cwd=journal)
    assert snapshot(journal) == before, "validate changed files on disk"
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_case(case: dict[str, Any], journal: Path) -> None:
    target = journal / case["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((DATA / "bad" / case["name"]).read_bytes())
    code, report = run_validate(journal)
    mine = [f for f in report["findings"] if f["path"] == case["target"]]
    assert [[f["line"], f["severity"], f["code"]] for f in mine] == case["expect"], case["why"]
    assert all(f["message"] for f in mine)
    assert code == case["exit"]
    assert report["ok"] is (case["exit"] == 0)
    # Nothing else in the journal is blamed for this file's problem.
    assert [f for f in report["findings"] if f["path"] != case["target"]] == []


def test_python_tag_executes_nothing(journal: Path, tmp_path: Path) -> None:
    (journal / "sessions" / "2025-07-18.md").write_bytes(
        (DATA / "bad" / "python-tag.md").read_bytes()
    )
    os.chdir(tmp_path)
    run_validate(journal)
    assert not (tmp_path / "PWNED").exists() and not (journal / "PWNED").exists()


def test_typo_key_suggests_the_right_key(journal: Path) -> None:
    (journal / "sessions" / "2025-07-18.md").write_bytes(
        (DATA / "bad" / "typo-key.md").read_bytes()
    )
    _, report = run_validate(journal)
    messages = [f["message"] for f in report["findings"]]
    assert any("did you mean 'attendees'" in m for m in messages)


def test_bom_and_crlf_are_warnings_that_fail_only_when_strict(journal: Path) -> None:
    (journal / "sessions" / "2025-07-18.md").write_bytes((DATA / "bad" / "bom.md").read_bytes())
    assert run_validate(journal)[0] == 0
    assert run_validate(journal, "--strict")[0] == 1


def test_alias_bomb_is_refused_quickly(journal: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev = chr(ord("a") + n - 1)
        cur = chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\ndate: 2025-07-18\nattendees: [ana]\n" + "\n".join(lines) + "\n---\n"
    (journal / "sessions" / "2025-07-18.md").write_text(text)
    start = time.perf_counter()
    code, report = run_validate(journal)
    assert time.perf_counter() - start < 1.0
    assert code == 1
    assert [(f["line"], f["code"]) for f in report["findings"]] == [(4, "yaml-alias")]


def test_deep_nesting_is_an_error_not_a_crash(journal: Path) -> None:
    text = "---\ndate: 2025-07-18\nattendees: [ana]\nx: " + "[" * 2000 + "]" * 2000 + "\n---\n"
    (journal / "sessions" / "2025-07-18.md").write_text(text)
    code, report = run_validate(journal)
    assert code == 1
    assert [(f["line"], f["code"]) for f in report["findings"]] == [(4, "yaml-depth")]


def test_deep_mapping_nesting_is_an_error_not_a_crash(journal: Path) -> None:
    text = "---\ndate: 2025-07-18\nattendees: [ana]\nx: " + "{a: " * 2000 + "1" + "}" * 2000
    (journal / "sessions" / "2025-07-18.md").write_text(text + "\n---\n")
    code, report = run_validate(journal)
    assert code == 1
    assert [(f["line"], f["code"]) for f in report["findings"]] == [(4, "yaml-depth")]


@pytest.mark.parametrize(
    ("value", "line", "code"),
    [
        # Deep flow nesting on its own line, whichever error the YAML library raises first.
        ("\n  - x\n  - " + "[" * 1500 + "]" * 1500, 6, "yaml-depth"),
        # Brackets in quotes and comments are text: the file's real error is the syntax.
        ('"' + "[" * 1500 + '"\ny: "it\'\'s [" # ' + "[" * 1500 + "\n: : :", 6, "yaml-syntax"),
        ("'it''s " + "{" * 1500 + "'\n: : :", 5, "yaml-syntax"),
    ],
    ids=["block-then-flow", "quoted-and-commented", "single-quoted"],
)
def test_depth_is_told_apart_from_syntax(journal: Path, value: str, line: int, code: str) -> None:
    text = f"---\ndate: 2025-07-18\nattendees: [ana]\nx: {value}\n---\n"
    (journal / "sessions" / "2025-07-18.md").write_text(text)
    exit_code, report = run_validate(journal)
    assert exit_code == 1
    assert [(f["line"], f["code"]) for f in report["findings"]] == [(line, code)]


@pytest.mark.parametrize(
    "body",
    ["*" * 100_000 + "\n", "<!--\n" + "- [ ] @zed hidden in a comment\n" * 2000],
    ids=["100k-stars", "unclosed-comment"],
)
def test_pathological_bodies_finish_quickly(journal: Path, body: str) -> None:
    text = "---\ndate: 2025-07-18\nattendees: [ana]\n---\n" + body
    (journal / "sessions" / "2025-07-18.md").write_text(text)
    start = time.perf_counter()
    code, _ = run_validate(journal)
    assert time.perf_counter() - start < 2.0
    assert code == 0


def test_file_over_one_mebibyte_is_refused_without_reading_it(journal: Path) -> None:
    big = journal / "sessions" / "2025-07-18.md"
    with big.open("wb") as handle:
        handle.write(b"---\ndate: 2025-07-18\nattendees: [ana]\n---\n")
        handle.truncate(50 * 1024 * 1024)
    start = time.perf_counter()
    code, report = run_validate(journal)
    assert time.perf_counter() - start < 2.0
    assert code == 1
    assert [(f["path"], f["line"], f["code"]) for f in report["findings"]] == [
        ("sessions/2025-07-18.md", 1, "file-too-large")
    ]


def test_symlink_outside_the_journal_is_not_followed(journal: Path, tmp_path: Path) -> None:
    secret = tmp_path / "outside.md"
    secret.write_text("---\ndate: 2025-07-20\nattendees: [nobody]\n---\nSECRET\n")
    (journal / "sessions" / "2025-07-20.md").symlink_to(secret)
    code, report = run_validate(journal)
    assert code == 1
    assert [(f["path"], f["line"], f["code"]) for f in report["findings"]] == [
        ("sessions/2025-07-20.md", 1, "symlink-outside")
    ]
    assert "SECRET" not in json.dumps(report)


def test_symlink_inside_the_journal_is_read(journal: Path) -> None:
    (journal / "notes").mkdir()
    (journal / "sessions" / "2025-07-18.md").rename(journal / "notes" / "real.md")
    (journal / "sessions" / "2025-07-18.md").symlink_to(journal / "notes" / "real.md")
    assert run_validate(journal)[0] == 0


def test_a_symlink_into_git_or_a_hidden_folder_is_not_followed(journal: Path) -> None:
    """A pushed `sessions/x.md -> ../.git/config` would show this clone's remotes (and
    the tokens in their URLs) as a note: the walk never enters .git or hidden folders,
    and neither does a symlink."""
    (journal / ".git").mkdir()
    (journal / ".git" / "config").write_text("[remote]\n\turl = https://TOKEN@host/x\n")
    (journal / ".hidden").mkdir()
    (journal / ".hidden" / "n.md").write_text("---\ndate: 2025-07-21\n---\nHIDDEN\n")
    (journal / "sessions" / "2025-07-20.md").symlink_to("../.git/config")
    (journal / "sessions" / "2025-07-21.md").symlink_to(journal / ".hidden" / "n.md")
    code, report = run_validate(journal)
    assert code == 1
    assert [(f["path"], f["code"]) for f in report["findings"]] == [
        ("sessions/2025-07-20.md", "symlink-outside"),
        ("sessions/2025-07-21.md", "symlink-outside"),
    ]
    status = mj("status", "--json", cwd=journal).output
    assert "TOKEN" not in json.dumps(report) + status and "HIDDEN" not in status


def test_a_shared_path_linked_into_private_is_not_followed(journal: Path) -> None:
    """`sessions/x.md -> ../private/...` would make a private note a shared one: the pair's
    summary quoted it and `mj new session` copied its items (an adversarial trial's find).
    Inside private/ a link to another private note is read as ever."""
    note = (
        "---\ndate: 2025-07-20\nattendees: [ana, ben]\n---\n- [ ] @ana PRIVCANARY due:2025-08-01\n"
    )
    (journal / "private" / "sessions").mkdir(parents=True)
    (journal / "private" / "sessions" / "2025-07-20.md").write_text(note)
    (journal / "sessions" / "2025-07-20.md").symlink_to("../private/sessions/2025-07-20.md")
    (journal / "private" / "sessions" / "2025-07-20-b.md").symlink_to("2025-07-20.md")
    code, report = run_validate(journal)
    assert code == 1
    assert [(f["path"], f["code"]) for f in report["findings"]] == [
        ("sessions/2025-07-20.md", "symlink-outside")
    ]
    summary = mj("summary", "--format", "json", cwd=journal).output
    assert "PRIVCANARY" not in summary
    status = json.loads(mj("status", "--json", cwd=journal).output)
    assert sorted(i["path"] for i in status["open"] if "PRIVCANARY" in i["text"]) == [
        "private/sessions/2025-07-20-b.md",
        "private/sessions/2025-07-20.md",
    ]


def test_a_note_of_placeholders_is_checked_in_linear_time(journal: Path) -> None:
    """40,000 template prompts in one note (under 1 MiB): each warning names the
    heading above it and its line, and the check ends in well under a second (counting
    lines from the start for each prompt took 9 s)."""
    note = journal / "sessions" / "2025-07-18.md"
    head = note.read_text(encoding="utf-8")
    note.write_text(head + "\n## Plans\n" + "- Replace with a plan\n" * 40_000, encoding="utf-8")
    start = time.perf_counter()
    code, report = run_validate(journal)
    assert time.perf_counter() - start < 5.0
    found = [f for f in report["findings"] if f["code"] == "placeholder"]
    assert len(found) == 40_000 and code == 0
    first_line = head.count("\n") + 3
    assert (found[0]["line"], found[-1]["line"]) == (first_line, first_line + 39_999)
    assert all("(Plans)" in f["message"] for f in found[::5000])
    from mentorjournal.checks.filecheck import placeholder_rows

    start = time.perf_counter()
    assert len(placeholder_rows(note.read_bytes())) == 40_000
    assert time.perf_counter() - start < 0.5  # counted from the start each time: ~4 s


def test_outside_any_journal(tmp_path: Path) -> None:
    result = mj("status", cwd=tmp_path)
    assert result.exit_code == 1
    assert f"no agreement.md found in {tmp_path.resolve()} or any parent; run `mj init`" in (
        result.output
    )


def test_real_binary_prints_no_traceback(journal: Path) -> None:
    """Through the installed entry point, as a user runs it."""
    (journal / "sessions" / "2025-07-18.md").write_bytes(b"---\ndate: [\nattendees: x\n---\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mentorjournal", "validate"],
        cwd=journal,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "sessions/2025-07-18.md:2:7: error[yaml-syntax]" in proc.stdout
