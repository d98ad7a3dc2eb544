"""The click-free fast path prints what the click CLI prints, byte for byte."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import mj

from mentorjournal.cli import fastpath

TODAY = "2026-11-21"


def fast(root: Path, *args: str) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = fastpath.run(["-C", str(root), *args], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ("summary", "--today", TODAY),
        ("summary", "--format", "json", "--today", TODAY),
        ("summary", "--format=md", "--audience", "sponsor", f"--today={TODAY}"),
        ("summary", "--format", "html", "--since", "2026-09-01", "--today", TODAY),
    ],
)
def test_summary_fast_and_click_agree(sample_repo: Path, args: tuple[str, ...]) -> None:
    for _ in range(2):  # computed, then kept
        code, out, err = fast(sample_repo, *args)
        assert code == 0, err
        clicked = mj(*args, cwd=sample_repo)
        assert (out, err) == (clicked.stdout, clicked.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ("summary", "--format", "pdf"),  # not a format: click words the error
        ("summary", "-o", "report.html"),
        ("summary", "--since", "2026-12-01", "--until", "2026-11-01"),
        ("summary", "--since", "2099-01-01"),  # after today: click words the refusal
        ("done",),
        ("done", "abcd", "--bogus"),
        ("summary", "--today", "2026-02-30"),
    ],
)
def test_what_the_fast_path_leaves_to_click(sample_repo: Path, args: tuple[str, ...]) -> None:
    assert fast(sample_repo, *args)[0] is None


@pytest.mark.parametrize("wanted", ["first", "prefix", "unknown", "too-short"])
def test_done_fast_and_click_agree(sample_repo: Path, tmp_path: Path, wanted: str) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin, symlinks=True)
    listed = mj("status", "--json", "--today", TODAY, cwd=sample_repo).stdout
    import json

    first = json.loads(listed)["open"][0]["id"]
    item_id = {"first": first, "prefix": first[:5], "unknown": "beefbeef", "too-short": "ab"}
    args = ("done", item_id[wanted], "--today", TODAY)
    code, out, err = fast(sample_repo, *args)
    clicked = mj(*args, cwd=twin)
    if code is None:  # a usage error: the fast path leaves it to click, having written nothing
        assert (out, err, clicked.exit_code) == ("", "", 2)
    else:
        assert (code, out, err) == (clicked.exit_code, clicked.stdout, clicked.stderr)
    note = json.loads(listed)["open"][0]["path"]
    assert (sample_repo / note).read_bytes() == (twin / note).read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ("new", "session", "--date", "2026-11-30", "--today", TODAY),
        ("new", "session", "--date=2026-11-30", "--slug", "retro", "--kind", "retro"),
        ("new", "session", "--date", "2026-11-16"),  # exists: refused, nothing written
        ("new", "session", "--date", "2026-11-30", "--slug", "Bad Slug"),
    ],
)
def test_new_session_fast_and_click_agree(
    sample_repo: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin, symlinks=True)
    assert mj("status", cwd=sample_repo).exit_code == 0  # the snapshot new session reads
    code, out, err = fast(sample_repo, *args)
    clicked = mj(*args, cwd=twin)
    if code is None:  # a usage error: the fast path leaves it to click, having written nothing
        assert (out, err, clicked.exit_code) == ("", "", 2)
    else:
        assert (code, out, err) == (clicked.exit_code, clicked.stdout, clicked.stderr)
    for note in sorted((twin / "sessions").iterdir()):
        assert (sample_repo / "sessions" / note.name).read_bytes() == note.read_bytes()
    assert len(list((sample_repo / "sessions").iterdir())) == len(list(twin.glob("sessions/*")))


def test_new_session_with_edit_is_left_to_click(sample_repo: Path) -> None:
    assert fast(sample_repo, "new", "session", "--edit")[0] is None
    assert fast(sample_repo, "new", "session", "--kind", "party")[0] is None


@pytest.mark.parametrize(
    "args",
    [
        ("add", "Rehearse the talk", "--owner", "ana", "--due", "2026-12-03"),
        ("add", "Bring the numbers #portfolio", "--to", "goals/portfolio.md"),
        ("add", "Do it", "--owner", "carla"),  # not in the agreement: refused
        ("cancel", "Draft the agenda for the agreement review", "--today", TODAY),
        ("due", "Update portfolio milestone dates", "2026-12-12"),
        ("reopen", "Send comments on the agreement draft"),
        ("done", "send", "--today", TODAY),  # several open items: listed, refused
        ("done", "361"),  # too short: says the minimum
    ],
)
def test_item_commands_fast_and_click_agree(
    sample_repo: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin, symlinks=True)
    assert mj("status", cwd=sample_repo).exit_code == 0  # the snapshot they read
    code, out, err = fast(sample_repo, *args)
    clicked = mj(*args, cwd=twin)
    if code is None:  # a usage error: the fast path leaves it to click, having written nothing
        assert (out, err, clicked.exit_code) == ("", "", 2)
    else:
        assert (code, out, err) == (clicked.exit_code, clicked.stdout, clicked.stderr)
    for folder in ("sessions", "goals"):
        for note in sorted((twin / folder).iterdir()):
            assert (sample_repo / folder / note.name).read_bytes() == note.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ("add",),
        ("add", "x", "--due", "soon"),
        ("due", "abcd"),
        ("reopen", "abcd", "--today", TODAY),
    ],
)
def test_item_commands_left_to_click(sample_repo: Path, args: tuple[str, ...]) -> None:
    assert fast(sample_repo, *args)[0] is None


@pytest.mark.parametrize(
    "args",
    [("commit",), ("commit", "-m", "Our words"), ("commit", "--message=Our words")],
)
@pytest.mark.parametrize("valid", [True, False])
def test_commit_fast_and_click_agree(
    sample_repo: Path, tmp_path: Path, args: tuple[str, ...], valid: bool
) -> None:
    import re

    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin, symlinks=True)
    attendees = "[ana, ben]" if valid else "[ana, zed]"
    for root in (sample_repo, twin):
        (root / "sessions" / "2026-11-30.md").write_text(
            f"---\ndate: 2026-11-30\nattendees: {attendees}\n---\n- [ ] @ana Next step\n"
        )
    code, out, err = fast(sample_repo, *args)
    clicked = mj(*args, cwd=twin)

    def unhashed(text: str) -> str:
        return re.sub(r"committed [0-9a-f]{7}", "committed <sha>", text)

    said = (clicked.exit_code, unhashed(clicked.stdout), clicked.stderr)
    assert (code, unhashed(out), err) == said
    assert code == (0 if valid else 1)


def test_commit_options_click_answers(sample_repo: Path) -> None:
    for args in (("commit", "--bogus"), ("commit", "-m"), ("commit", "extra")):
        assert fast(sample_repo, *args)[0] is None
