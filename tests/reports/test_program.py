"""`mj program`: exact numbers on a generated program, no note text in any format, the
roll-up kept fresh through the index, other repositories, and a program's root."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import mj
from gitutil import commit_files, git, make_repo, write
from sshutil import make_key, public

from mentorjournal.cli import fastpath

TODAY = "2025-09-10"
FORMATS = ("text", "json", "csv", "html")
CHROMIUM = Path("/usr/bin/chromium")
# Text no format of `mj program` may show: notes, goal titles, item text, the purpose.
CANARIES = ("CANARY-NOTE", "CANARY-GOAL", "CANARY-ITEM", "CANARY-PURPOSE", "CANARY-SECRET")


def agreement(
    mentor: str, mentee: str, start: str, review: str, every: str, keys: tuple[str, str] = ("", "")
) -> str:
    mentor_key, mentee_key = (f", key: {key}" if key else "" for key in keys)
    return (
        f"---\nmentor: {{handle: {mentor}, name: {mentor.title()}{mentor_key}}}\n"
        f"mentee: {{handle: {mentee}, name: {mentee.title()}{mentee_key}}}\n"
        "purpose: CANARY-PURPOSE grow together.\n"
        f"start: {start}\nreview: {review}\n"
        f"cadence: {{every: {every}, length: 45, mode: video}}\n"
        "consent: {sponsor: [cadence, goals, actions, ratings]}\n"
        f"---\n# Agreement\n\nCANARY-NOTE what we agreed.\n\n- [x] @{mentee} Sign done:{start}\n"
    )


def session(day: str, people: str, *items: str, confidential: bool = False) -> str:
    secret = "confidential: true\n" if confidential else ""
    body = "\n".join(items)
    return (
        f"---\ndate: {day}\nattendees: [{people}]\n{secret}---\n"
        f"## Notes\n\nCANARY-NOTE we talked.\n\n{body}\n"
    )


def goal(title: str, status: str, opened: str, success: str | None = "It shows.") -> str:
    criterion = f"success: {success}\n" if success else ""
    return (
        f"---\ntitle: {title}\nstatus: {status}\nopened: {opened}\n{criterion}---\n"
        "- [ ] CANARY-ITEM a milestone\n"
    )


def build_program(repo: Path, keys: dict[str, Path]) -> None:
    """Four pairs whose rows are known (see test_numbers_are_exact), committed; ana and
    ben sign their agreement with ``keys``."""
    files = {
        "README.md": "# Our program\n",
        ".archive/old/agreement.md": agreement(
            "old", "older", "2020-01-01", "2020-02-01", "weekly"
        ),
        # ana-ben: all well; biweekly from 07-01: six sessions held, six expected.
        "pairs/ana-ben/agreement.md": agreement(
            "ben",
            "ana",
            "2025-07-01",
            "2025-12-01",
            "biweekly",
            (public(keys["ben"]), public(keys["ana"])),
        ),
        "pairs/ana-ben/goals/portfolio.md": goal("CANARY-GOAL one", "active", "2025-07-01"),
        "pairs/ana-ben/goals/talk.md": goal("CANARY-GOAL two", "achieved", "2025-07-01"),
        "pairs/ana-ben/.gitignore": "private/\n",
    }
    for day in ("07-01", "07-15", "07-29", "08-12", "08-26"):
        files[f"pairs/ana-ben/sessions/2025-{day}.md"] = session(f"2025-{day}", "ana, ben")
    files["pairs/ana-ben/sessions/2025-09-09.md"] = session(
        "2025-09-09",
        "ana, ben",
        "- [ ] @ana CANARY-ITEM open, no date",
        "- [ ] @ben CANARY-ITEM due later due:2025-09-20",
        "- [x] @ana CANARY-ITEM done done:2025-09-09",
        confidential=True,
    )
    # cleo-dan: review overdue, unsigned, two overdue actions; weekly from 06-01.
    files["pairs/cleo-dan/agreement.md"] = agreement(
        "dan", "cleo", "2025-06-01", "2025-09-01", "weekly"
    )
    files["pairs/cleo-dan/sessions/2025-08-25.md"] = session(
        "2025-08-25",
        "cleo, dan",
        "- [ ] @cleo CANARY-ITEM late due:2025-09-01",
        "- [ ] @dan CANARY-ITEM later 📅 2025-08-30",
    )
    files["pairs/cleo-dan/sessions/2025-09-01.md"] = session(
        "2025-09-01", "cleo, dan", "- [ ] @cleo CANARY-ITEM soon [due:: 2025-10-01]"
    )
    files["pairs/cleo-dan/goals/ship.md"] = goal("CANARY-GOAL ship", "proposed", "2025-06-01")
    # eve-fay: no session at all; monthly from 06-01, four expected.
    files["pairs/eve-fay/agreement.md"] = agreement(
        "fay", "eve", "2025-06-01", "2026-01-01", "monthly"
    )
    # gus-hal: an unknown attendee and a goal without its success criterion.
    files["pairs/gus-hal/agreement.md"] = agreement(
        "hal", "gus", "2025-08-01", "2025-11-01", "weekly"
    )
    files["pairs/gus-hal/sessions/2025-08-01.md"] = session("2025-08-01", "gus, hal")
    files["pairs/gus-hal/sessions/2025-08-08.md"] = session("2025-08-08", "gus, zed")
    files["pairs/gus-hal/goals/paused.md"] = goal("CANARY-GOAL p", "paused", "2025-08-01", None)
    commit_files(repo, files, "A program of four pairs")
    for who in ("ana", "ben"):
        signed = mj("sign", "--as", who, "--key", str(keys[who]), "--today", "2025-07-01",
                    cwd=repo / "pairs/ana-ben")  # fmt: skip
        assert signed.exit_code == 0, signed.output
    git(repo, "commit", "--quiet", "--no-verify", "-am", "Signed")
    # A private note and a private goal, git-ignored: they must never count.
    write(
        repo,
        "pairs/ana-ben/private/sessions/2025-09-10.md",
        session("2025-09-10", "ana", "- [ ] @ana CANARY-SECRET mine due:2025-09-01"),
    )
    write(
        repo, "pairs/ana-ben/private/goals/secret.md", goal("CANARY-SECRET", "active", "2025-07-01")
    )


@pytest.fixture
def program_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "program")
    build_program(repo, {name: make_key(tmp_path / "ssh", name) for name in ("ana", "ben")})
    return repo


def rollup(root: Path, *args: str, output_format: str = "json") -> str:
    result = mj("program", "--today", TODAY, "--format", output_format, *args, cwd=root)
    assert result.exit_code == 0, result.output
    return result.stdout


def pairs(root: Path, *args: str) -> dict[str, dict[str, object]]:
    return {pair["path"]: pair for pair in json.loads(rollup(root, *args))["pairs"]}


NONE_SIGNED = {"valid": [], "stale": [], "missing": [], "invalid": []}
EXPECTED = {
    "pairs/cleo-dan": {
        **{"path": "pairs/cleo-dan", "mentor": "dan", "mentee": "cleo"},
        **{"last_session": "2025-09-01", "sessions_held": 2, "sessions_expected": 15},
        **{"open_actions": 4, "overdue_actions": 2},  # three items, a goal's milestone
        "review": {"due": "2025-09-01", "overdue": True},
        "signatures": {**NONE_SIGNED, "missing": ["dan", "cleo"]},
        "goals": {"proposed": 1, "active": 0, "achieved": 0, "paused": 0, "dropped": 0},
        "errors": 0,
        "flags": ["review-overdue", "unsigned", "overdue-actions"],
    },
    "pairs/gus-hal": {
        **{"path": "pairs/gus-hal", "mentor": "hal", "mentee": "gus"},
        **{"last_session": "2025-08-08", "sessions_held": 2, "sessions_expected": 6},
        **{"open_actions": 1, "overdue_actions": 0},
        "review": {"due": "2025-11-01", "overdue": False},
        "signatures": {**NONE_SIGNED, "missing": ["hal", "gus"]},
        "goals": {"proposed": 0, "active": 0, "achieved": 0, "paused": 1, "dropped": 0},
        "errors": 2,
        "flags": ["unsigned", "no-recent-session", "errors"],
    },
    "pairs/eve-fay": {
        **{"path": "pairs/eve-fay", "mentor": "fay", "mentee": "eve"},
        **{"last_session": None, "sessions_held": 0, "sessions_expected": 4},
        **{"open_actions": 0, "overdue_actions": 0},
        "review": {"due": "2026-01-01", "overdue": False},
        "signatures": {**NONE_SIGNED, "missing": ["fay", "eve"]},
        "goals": {"proposed": 0, "active": 0, "achieved": 0, "paused": 0, "dropped": 0},
        "errors": 0,
        "flags": ["unsigned", "no-recent-session"],
    },
    "pairs/ana-ben": {
        **{"path": "pairs/ana-ben", "mentor": "ben", "mentee": "ana"},
        **{"last_session": "2025-09-09", "sessions_held": 6, "sessions_expected": 6},
        # Two in the notes, the two goals' milestones; never the private note's.
        **{"open_actions": 4, "overdue_actions": 0},
        "review": {"due": "2025-12-01", "overdue": False},
        "signatures": {**NONE_SIGNED, "valid": ["ana", "ben"]},
        "goals": {"proposed": 0, "active": 1, "achieved": 1, "paused": 0, "dropped": 0},
        "errors": 0,
        "flags": [],
    },
}


def test_numbers_are_exact(program_repo: Path) -> None:
    data = json.loads(rollup(program_repo))
    assert data == {
        "today": TODAY,
        # Most flags first, then by path; the hidden .archive/ is not searched.
        "pairs": list(EXPECTED.values()),
        "totals": {"pairs": 4, "flagged": 3},
    }
    # From inside the program, and with DIR: paths stay relative to DIR.
    inside = pairs(program_repo / "pairs")
    assert inside["cleo-dan"] == {**EXPECTED["pairs/cleo-dan"], "path": "cleo-dan"}
    assert pairs(program_repo, "pairs") == inside


def test_nothing_but_metadata_in_any_format(program_repo: Path) -> None:
    for output_format in FORMATS:
        shown = rollup(program_repo, output_format=output_format)
        for canary in CANARIES:
            assert canary not in shown, (output_format, canary)
        assert "pairs/gus-hal" in shown


def test_text_fits_100_columns_flagged_first(program_repo: Path) -> None:
    lines = rollup(program_repo, output_format="text").splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0] == "4 pairs, 3 need attention (today 2025-09-10)"
    table = [line.split()[0] for line in lines[3:7]]
    assert table == ["pairs/cleo-dan", "pairs/gus-hal", "pairs/eve-fay", "pairs/ana-ben"]
    assert lines[3].split()[-1] == "RUA" and lines[6].split()[-1] == "0"  # no flags: ERR last


def test_csv_has_a_row_per_pair(program_repo: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(rollup(program_repo, output_format="csv"))))
    assert [row["path"] for row in rows] == list(EXPECTED)
    gus = rows[1]
    assert (gus["errors"], gus["flags"], gus["goals_paused"]) == (
        "2",
        "unsigned no-recent-session errors",
        "1",
    )
    assert rows[0]["signatures_missing"] == "dan cleo" and rows[0]["review_overdue"] == "true"


def test_html_sorts_and_loads_nothing(program_repo: Path) -> None:
    page = rollup(program_repo, output_format="html")
    assert "default-src 'none'" in page
    assert "http://" not in page and "https://" not in page and "src=" not in page
    assert page.count("<tr") == 5 and 'class="calm"' in page  # header + four pairs
    assert "<script>" in page and "aria-sort" in page


def test_the_roll_up_follows_every_change(program_repo: Path) -> None:
    """Kept by the index, never stale: an edit, a new untracked note, a new pair, a
    removed pair, a staged change and a commit each show at once."""
    assert pairs(program_repo)["pairs/cleo-dan"]["overdue_actions"] == 2
    note = program_repo / "pairs/cleo-dan/sessions/2025-08-25.md"
    note.write_text(note.read_text().replace("- [ ] @cleo", "- [x] @cleo"))
    assert pairs(program_repo)["pairs/cleo-dan"]["overdue_actions"] == 1
    write(program_repo, "pairs/eve-fay/sessions/2025-09-05.md", session("2025-09-05", "eve, fay"))
    eve = pairs(program_repo)["pairs/eve-fay"]
    assert (eve["sessions_held"], eve["flags"]) == (1, ["unsigned"])
    write(program_repo, "pairs/new/agreement.md", agreement("ivo", "jo", TODAY, TODAY, "weekly"))
    assert "pairs/new" in pairs(program_repo)
    git(program_repo, "add", "--", ".")
    git(program_repo, "commit", "--quiet", "--no-verify", "-m", "more")
    after = pairs(program_repo)
    assert after["pairs/eve-fay"]["sessions_held"] == 1 and "pairs/new" in after
    git(program_repo, "rm", "--quiet", "-r", "--", "pairs/new")
    assert "pairs/new" not in pairs(program_repo)
    # Without the kept state the answer is the same.
    kept = rollup(program_repo)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MJ_NO_CACHE", "1")
        assert rollup(program_repo) == kept


def test_a_session_before_the_start_is_not_held(tmp_path: Path) -> None:
    """A meeting dated before the agreement took effect is not one of its sessions: it
    is neither the last session nor counted as held, in the roll-up as in `mj status`
    (both of its paths) and `mj summary`."""
    repo = make_repo(tmp_path / "program")
    pair = repo / "pairs/kim-lee"
    files = {
        "pairs/kim-lee/agreement.md": agreement("lee", "kim", "2025-08-01", "2025-12-01", "weekly"),
        "pairs/kim-lee/sessions/2025-07-20-intro.md": session("2025-07-20", "kim, lee"),
    }
    commit_files(repo, files, "An introduction before the agreement")

    def counted() -> tuple[object, ...]:
        row = pairs(repo)["pairs/kim-lee"]
        args = ("status", "--json", "--today", TODAY)
        status = json.loads(mj(*args, cwd=pair).stdout)  # leaves the snapshot behind
        out, err = io.StringIO(), io.StringIO()
        assert fastpath.run(["-C", str(pair), *args], out, err) == 0, err.getvalue()
        assert json.loads(out.getvalue()) == status
        summary = mj("summary", "--format", "json", "--today", TODAY, cwd=pair)
        cadence = json.loads(summary.stdout)["cadence"]
        return (
            row["last_session"],
            row["sessions_held"],
            "no-recent-session" in row["flags"],
            status["next_meeting"]["last"],
            status["next_meeting"]["due"],
            cadence["held"],
        )

    # Due from the start, and quiet since: counted from the start, not the intro.
    assert counted() == (None, 0, True, None, "2025-08-01", 0)
    write(repo, "pairs/kim-lee/sessions/2025-08-01.md", session("2025-08-01", "kim, lee"))
    write(repo, "pairs/kim-lee/sessions/2025-09-05.md", session("2025-09-05", "kim, lee"))
    assert counted() == ("2025-09-05", 2, False, "2025-09-05", "2025-09-12", 2)


def settled(root: Path) -> None:
    """Every folder of ``root`` as if last changed a while ago: a kept listing is trusted
    only for folders not changed within seconds of it (coarse file-system clocks), so
    without this every run in a test reads every pair again."""
    past = time.time() - 60
    for folder in [root, *root.rglob("*")]:
        if folder.is_dir() and ".git" not in folder.relative_to(root).parts:
            os.utime(folder, (past, past))


def test_a_change_only_history_shows_is_judged_again(program_repo: Path, tmp_path: Path) -> None:
    """Signatures are judged against the agreement's history: a change that no file
    shows (the rest of a shallow clone's history fetched, another first key for ana
    merged in and taken out again) changes the verdict at once."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{program_repo}", str(clone))
    settled(clone)
    for _ in range(2):  # computed, then kept
        shallow = pairs(clone)["pairs/ana-ben"]
        assert shallow["signatures"] == {**NONE_SIGNED, "invalid": ["ana", "ben"]}
    git(clone, "fetch", "--quiet", "--unshallow")
    assert pairs(clone)["pairs/ana-ben"] == EXPECTED["pairs/ana-ben"]

    # Elsewhere, a history in which ana's first key was another one: merged in, it
    # leaves every file as it was, and ana's key is no longer trusted.
    path = "pairs/ana-ben/agreement.md"
    signed = (program_repo / path).read_text()
    other = public(make_key(tmp_path / "ssh", "other"))
    ana_key = signed.split("mentee: {handle: ana, name: Ana, key: ", 1)[1].split("}", 1)[0]
    side = make_repo(tmp_path / "side")
    commit_files(side, {path: signed.replace(ana_key, other)}, "ana's key, first")
    commit_files(side, {path: signed}, "the agreement as the program has it")
    settled(program_repo)
    assert pairs(program_repo)["pairs/ana-ben"] == EXPECTED["pairs/ana-ben"]
    git(program_repo, "fetch", "--quiet", str(side), "main")
    git(program_repo, "merge", "--quiet", "--no-verify", "--allow-unrelated-histories",
        "--no-edit", "FETCH_HEAD")  # fmt: skip
    assert (program_repo / path).read_text() == signed
    merged = pairs(program_repo)["pairs/ana-ben"]
    assert merged["signatures"] == {**NONE_SIGNED, "valid": ["ben"], "invalid": ["ana"]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MJ_NO_CACHE", "1")
        assert pairs(program_repo)["pairs/ana-ben"] == merged
    git(program_repo, "reset", "--quiet", "--hard", "HEAD~1")  # the merge undone
    assert pairs(program_repo)["pairs/ana-ben"] == EXPECTED["pairs/ana-ben"]


def test_a_folder_of_clones_and_a_damaged_cache(program_repo: Path, tmp_path: Path) -> None:
    """A coordinator's folder of separate clones (not itself in git), a pair that is a
    repository of its own inside the program, and kept state that is garbage."""
    folder = tmp_path / "clones"
    for name in ("one", "two"):
        clone = make_repo(folder / name)
        start = agreement("kim", "lee", "2025-08-01", "2025-12-01", "weekly")
        commit_files(clone, {"agreement.md": start}, "start")
    assert set(pairs(folder)) == {"one", "two"}
    write(folder, "two/sessions/2025-09-01.md", session("2025-09-01", "kim, lee"))
    assert pairs(folder)["two"]["sessions_held"] == 1
    inner = folder / "two"
    git(program_repo, "clone", "--quiet", str(inner), "pairs/own")
    assert pairs(program_repo)["pairs/own"]["sessions_held"] == 0  # not committed in two
    write(program_repo, "pairs/own/sessions/2025-09-02.md", session("2025-09-02", "kim, lee"))
    assert pairs(program_repo)["pairs/own"]["sessions_held"] == 1
    kept = list((program_repo / ".git" / "mentorjournal").glob("program-*.marshal"))
    assert kept
    for path in kept:
        path.write_bytes(b"\x00garbage")
    assert pairs(program_repo)["pairs/own"]["sessions_held"] == 1


def test_many_pairs_are_read_in_parallel_alike(tmp_path: Path) -> None:
    """A first run over many pairs reads them in worker processes; each row is what the
    pair alone gives."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks/generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    program = tmp_path / "program"
    generate.generate_program(program, 30, 3, 1, 0.3)
    together = pairs(program)
    assert len(together) == 30
    for name in ("pair-0000", "pair-0013", "pair-0029"):
        alone = pairs(program / "pairs" / name)["."]
        assert together[f"pairs/{name}"] == {**alone, "path": f"pairs/{name}"}


def test_fast_path_and_click_agree(program_repo: Path) -> None:
    for output_format in FORMATS:
        args = ("program", "--format", output_format, "--today", TODAY)
        for _ in range(2):  # computed, then kept
            out, err = io.StringIO(), io.StringIO()
            assert fastpath.run(["-C", str(program_repo), *args], out, err) == 0, err.getvalue()
            assert out.getvalue() == mj(*args, cwd=program_repo).stdout
    out, err = io.StringIO(), io.StringIO()
    assert (
        fastpath.run(["-C", str(program_repo), "program", "pairs", "--today", TODAY], out, err) == 0
    )
    assert out.getvalue() == mj("program", "pairs", "--today", TODAY, cwd=program_repo).stdout
    left = [["program", "--repos", "list"], ["program", "-o", "x.html"], ["program", "a", "b"]]
    for args in left:
        assert fastpath.run(["-C", str(program_repo), *args], out, err) is None


def test_output_file_and_bad_usage(program_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "program.html"
    target.parent.mkdir()
    result = mj(
        "program", "--format", "html", "--today", TODAY, "-o", str(target), cwd=program_repo
    )
    assert result.exit_code == 0 and target.read_text().startswith("<!DOCTYPE html>")
    listed = tmp_path / "repos.txt"
    listed.write_text("# none\n")
    both = mj("program", "pairs", "--repos", str(listed), cwd=program_repo)
    assert both.exit_code == 2 and "not both" in both.output
    (tmp_path / "empty").mkdir()
    empty = mj("program", cwd=tmp_path / "empty")
    assert empty.exit_code == 1 and "no journal (agreement.md)" in empty.output
    assert mj("program", "--format", "pdf", cwd=program_repo).exit_code == 2


# ---------------------------------------------------------------- other repositories


def bare_copy(source: Path, bare: Path) -> Path:
    git(source.parent, "clone", "--quiet", "--bare", str(source), str(bare))
    return bare


def kim_and_lee(path: Path) -> Path:
    """A repository holding one pair's journal: an agreement, nothing else yet."""
    single = make_repo(path)
    agreed = agreement("kim", "lee", "2025-08-01", "2025-12-01", "weekly")
    commit_files(single, {"agreement.md": agreed}, "start")
    return single


def test_repositories_from_a_list(
    program_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    single = kim_and_lee(tmp_path / "single")
    first = bare_copy(single, tmp_path / "hosted" / "single.git")
    second = bare_copy(program_repo, tmp_path / "hosted" / "program.git")
    listed = tmp_path / "repos.txt"
    listed.write_text(
        "# the pairs of our program\n"
        "hosted/single.git\n\n"
        f"file://{second}   # the whole program\n"
        "http://127.0.0.1:9/nobody/here.git\n"
    )
    result = mj(
        "program", "--repos", str(listed), "--format", "json", "--today", TODAY, cwd=tmp_path
    )
    assert result.exit_code == 0, result.output
    found = {pair["path"]: pair for pair in json.loads(result.stdout)["pairs"]}
    assert set(found) == {
        str(first),
        "http://127.0.0.1:9/nobody/here.git",
        *(f"file://{second}/{path}" for path in EXPECTED),
    }
    gone = found["http://127.0.0.1:9/nobody/here.git"]
    assert (gone["errors"], gone["flags"], gone["mentor"]) == (1, ["errors"], None)
    assert "could not" in gone["error"] or "fail" in gone["error"]
    assert "mentorjournal/program" not in gone["error"]  # mj's cache folder is mj's business
    assert found[f"file://{second}/pairs/cleo-dan"] == {
        **EXPECTED["pairs/cleo-dan"],
        "path": f"file://{second}/pairs/cleo-dan",
    }
    kim = found[str(first)]
    assert (kim["mentor"], kim["sessions_held"]) == ("kim", 0)
    # A later run fetches what was pushed meanwhile.
    commit_files(single, {"sessions/2025-09-01.md": session("2025-09-01", "kim, lee")}, "met")
    git(single, "push", "--quiet", str(first), "main")
    again = mj(
        "program", "--repos", str(listed), "--format", "json", "--today", TODAY, cwd=tmp_path
    )
    updated = {pair["path"]: pair for pair in json.loads(again.stdout)["pairs"]}
    assert updated[str(first)]["sessions_held"] == 1
    text = mj("program", "--repos", str(listed), "--today", TODAY, cwd=tmp_path).stdout
    assert "http://127.0.0.1:9/nobody/here.git:" in text  # why, below the table
    assert max(len(line) for line in text.splitlines()) <= 100


def test_a_repository_listed_twice_is_one_row_and_a_token_stays_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an adversarial trial: the same repository on two lines (``a.git`` and
    ``./a.git``) was cloned twice at once into one cache folder, and both rows said
    "destination path already exists"; a token in a URL was printed in every format."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    single = kim_and_lee(tmp_path / "single")
    hosted = bare_copy(single, tmp_path / "single.git")
    listed = tmp_path / "repos.txt"
    listed.write_text(
        f"single.git\n./single.git\n{hosted}\nhttps://kim:s3cret@127.0.0.1:9/x.git\n"
        "https://127.0.0.1:9/y.git?private_token=q5ecret#access_token=f5ecret\n"
    )
    for output_format in ("json", "csv", "text", "html"):
        result = mj("program", "--repos", str(listed), "--format", output_format, cwd=tmp_path)
        for secret in ("s3cret", "q5ecret", "f5ecret"):  # the user part, query and fragment
            assert secret not in result.output, output_format
    pairs = json.loads(
        mj("program", "--repos", str(listed), "--format", "json", cwd=tmp_path).stdout
    )["pairs"]
    assert sorted((p["path"], p["errors"]) for p in pairs) == [
        (str(hosted), 0),
        ("https://127.0.0.1:9/x.git", 1),
        ("https://127.0.0.1:9/y.git", 1),
    ]


def test_text_keeps_the_end_of_a_long_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a coordinator's trial: the table cut a long address at its end, so every
    ``file:///srv/.../remotes/NAME.git`` row read ``file:///srv/.../remo…`` and no two
    pairs could be told apart. The end of a path is what tells them apart."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    single = kim_and_lee(tmp_path / "single")
    hosted = tmp_path / "hosted" / ("a-long-folder-of-hosted-pairs-" * 2)
    listed = tmp_path / "repos.txt"
    listed.write_text(
        "".join(f"file://{bare_copy(single, hosted / name)}\n" for name in ("ana.git", "ben.git"))
    )
    text = mj("program", "--repos", str(listed), "--today", TODAY, cwd=tmp_path).stdout
    shown = [line.split()[0] for line in text.splitlines()[3:5]]
    assert [cell[0] for cell in shown] == ["…", "…"]  # cut, as the table is 100 columns
    assert sorted(cell[-7:] for cell in shown) == ["ana.git", "ben.git"]
    assert max(len(line) for line in text.splitlines()) <= 100


def test_a_repository_whose_head_names_no_commit_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a coordinator's trial: a bare repository made where git's default branch is
    master, holding the pair's main, was "no journal (agreement.md) in this repository",
    then "git fetch failed: couldn't find remote ref HEAD" on every later run. The row
    says what is wrong, and once the pair fixes HEAD the next run reads the journal."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    hosted = bare_copy(kim_and_lee(tmp_path / "single"), tmp_path / "single.git")
    git(hosted, "symbolic-ref", "HEAD", "refs/heads/master")
    listed = tmp_path / "repos.txt"
    listed.write_text("single.git\n")
    for _ in range(2):
        result = mj("program", "--repos", str(listed), "--format", "json", cwd=tmp_path)
        (pair,) = json.loads(result.stdout)["pairs"]
        assert "HEAD names no commit: its branches are main;" in str(pair["error"]), pair
    git(hosted, "symbolic-ref", "HEAD", "refs/heads/main")
    result = mj("program", "--repos", str(listed), "--format", "json", cwd=tmp_path)
    assert json.loads(result.stdout)["pairs"][0]["mentor"] == "kim"


def test_a_history_forced_over_is_not_taken_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an adversarial trial: the copy was reset to whatever the remote held, so a
    history rewritten by one person (the other's first key swapped for one of theirs,
    then a sign-off "by" the other) was read as it came. The row says so instead."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    single = kim_and_lee(tmp_path / "single")
    hosted = bare_copy(single, tmp_path / "single.git")
    listed = tmp_path / "repos.txt"
    listed.write_text("single.git\n")

    def row() -> dict[str, object]:
        result = mj("program", "--repos", str(listed), "--format", "json", cwd=tmp_path)
        assert result.exit_code == 0, result.output
        (pair,) = json.loads(result.stdout)["pairs"]
        return pair  # type: ignore[no-any-return]

    assert row()["mentor"] == "kim"
    write(single, "agreement.md", agreement("kim", "max", "2025-08-01", "2025-12-01", "weekly"))
    git(single, "commit", "--quiet", "--all", "--amend", "-m", "a history of its own")
    git(single, "push", "--quiet", "--force", str(hosted), "main")
    forced = row()
    assert forced["errors"] == 1 and "history was rewritten" in str(forced["error"])
    (copy,) = (tmp_path / "cache" / "mentorjournal" / "program").iterdir()
    assert "lee" in (copy / "agreement.md").read_text()  # the copy kept what it had
    assert str(copy) in str(forced["error"])
    shutil.rmtree(copy)  # what the message says to do to take the new history
    assert row()["mentee"] == "max"


# ---------------------------------------------------------------- at a program's root


def test_validate_at_the_root_checks_every_pair(
    program_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = mj("validate", cwd=program_repo)
    assert result.exit_code == 1
    monkeypatch.chdir(program_repo / "pairs")  # GitHub's paths lead from here
    github = mj("validate", "--format", "github", cwd=program_repo)
    assert "::error file=gus-hal/sessions/2025-08-08.md,line=3," in github.stdout
    assert "pairs/gus-hal/sessions/2025-08-08.md:3:" in result.stdout
    assert "pairs/gus-hal/goals/paused.md:" in result.stdout
    found = json.loads(mj("validate", "--json", cwd=program_repo).stdout)
    assert {f["path"].split("/")[1] for f in found["findings"] if f["severity"] == "error"} == {
        "gus-hal"
    }
    below = mj("validate", "--json", cwd=program_repo / "pairs")
    assert "gus-hal/sessions/2025-08-08.md" in {
        f["path"] for f in json.loads(below.stdout)["findings"]
    }
    # --staged (the pre-commit framework, CI): a pair with a staged error fails the check.
    assert mj("validate", "--staged", cwd=program_repo).exit_code == 0
    write(program_repo, "pairs/cleo-dan/sessions/2025-09-08.md", session("2025-09-08", "cleo, zed"))
    git(program_repo, "add", "--", "pairs/cleo-dan")
    staged = mj("validate", "--staged", "--json", cwd=program_repo)
    assert staged.exit_code == 1
    findings = json.loads(staged.stdout)["findings"]
    paths = {f["path"] for f in findings if f["severity"] == "error"}
    assert paths == {"pairs/cleo-dan/sessions/2025-09-08.md"}


def test_the_roots_findings_are_each_pairs_own(program_repo: Path) -> None:
    """The root asks git once for every pair (not three processes a pair): what it finds
    is what each pair's own `mj validate` finds, uncommitted edits, a staged change and
    a pair that is a repository of its own included, on a cold and a warm run."""
    write(program_repo, "pairs/ana-ben/sessions/2025-09-20.md", session("2025-09-20", "ana, zoe"))
    write(program_repo, "pairs/cleo-dan/sessions/2025-09-21.md", session("2025-09-21", "cleo"))
    git(program_repo, "add", "--", "pairs/cleo-dan")
    own = make_repo(program_repo / "pairs" / "own")
    write(own, "agreement.md", agreement("kim", "lee", "2025-08-01", "2025-12-01", "weekly"))
    git(own, "add", "--", ".")
    git(own, "commit", "--quiet", "--no-verify", "-m", "a pair of its own")
    write(own, "sessions/2025-09-22.md", session("2025-09-22", "kim, max"))

    def each_pairs_own() -> list[tuple[str, int, str]]:
        found = []
        for pair in ("ana-ben", "cleo-dan", "gus-hal", "ivy-jo", "own"):
            if not (program_repo / "pairs" / pair).is_dir():
                continue
            said = json.loads(mj("validate", "--json", cwd=program_repo / "pairs" / pair).stdout)
            found += [(f"pairs/{pair}/{f['path']}", f["line"], f["code"]) for f in said["findings"]]
        return sorted(found)

    def at_the_root() -> list[tuple[str, int, str]]:
        said = json.loads(mj("validate", "--json", cwd=program_repo).stdout)
        return sorted((f["path"], f["line"], f["code"]) for f in said["findings"])

    expected = each_pairs_own()
    paths = {path for path, _, code in expected if code == "unknown-person"}
    assert {"pairs/ana-ben/sessions/2025-09-20.md", "pairs/own/sessions/2025-09-22.md"} <= paths
    shutil.rmtree(program_repo / ".git" / "mentorjournal", ignore_errors=True)
    assert at_the_root() == expected  # cold
    assert at_the_root() == expected  # warm
    write(own, "sessions/2025-09-22.md", session("2025-09-22", "kim, lee"))
    write(program_repo, "pairs/ana-ben/sessions/2025-09-20.md", session("2025-09-20", "ana"))
    assert at_the_root() == each_pairs_own()
    assert not any(
        "2025-09-2" in path and code == "unknown-person" for path, _, code in at_the_root()
    )
    # How many git processes a warm run starts: the program's three, and the three of the
    # pair that is a repository of its own (three a pair would be 15).
    bin_dir = program_repo.parent / "bin"
    bin_dir.mkdir()
    log = program_repo.parent / "git.log"
    real = shutil.which("git")
    (bin_dir / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (bin_dir / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    argv = [sys.executable, "-m", "mentorjournal", "validate"]
    subprocess.run(argv, cwd=program_repo, env=env, capture_output=True, timeout=120, check=False)
    assert len(log.read_text().splitlines()) <= 6, log.read_text()


def test_a_pair_whose_agreement_is_gone_is_a_row_and_a_finding(program_repo: Path) -> None:
    """A pair folder that lost its agreement.md vanished from both: one pair fewer."""
    before = pairs(program_repo)  # kept: the next run must see the change
    (program_repo / "pairs/gus-hal/agreement.md").unlink()
    rows = pairs(program_repo)
    assert set(rows) == set(before)
    gone = rows["pairs/gus-hal"]
    assert gone["errors"] == 1 and gone["flags"] == ["errors"]
    assert "no agreement.md" in str(gone["error"])
    assert "`git -C pairs/gus-hal checkout HEAD -- agreement.md`" in str(gone["error"])
    assert "pairs/gus-hal" in rollup(program_repo, output_format="text")
    result = mj("validate", "--json", cwd=program_repo)
    assert result.exit_code == 1
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "no-agreement"]
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [
        ("pairs/gus-hal/agreement.md", 1, "error")
    ]
    git(program_repo, "checkout", "--", "pairs/gus-hal/agreement.md")  # what it says
    assert pairs(program_repo) == before
    assert "no-agreement" not in mj("validate", cwd=program_repo).output
    # A folder inside a journal is the journal's business, not a lost pair.
    write(program_repo, "pairs/ana-ben/archive/sessions/2024-01-01.md", "old\n")
    assert set(pairs(program_repo)) == set(before)


def test_only_a_folder_holding_notes_is_a_lost_pair(program_repo: Path) -> None:
    """docs/sessions/ of slides is no pair that lost its agreement (it failed CI as two
    no-agreement errors); a pair with private notes only is named, not its private/;
    a note added later is seen by the kept roll-up."""
    before = pairs(program_repo)
    write(program_repo, "docs/sessions/kickoff.md", "# Kickoff slides\n")
    write(program_repo, "templates/goals/README.md", "How to write a goal.\n")
    assert pairs(program_repo) == before
    result = mj("validate", cwd=program_repo)
    assert "no-agreement" not in result.output
    private = "pairs/kim-lee/private/sessions/2025-09-01.md"
    write(program_repo, private, session("2025-09-01", "kim"))
    write(program_repo, "docs/sessions/2025-09-02.md", session("2025-09-02", "kim"))
    rows = pairs(program_repo)
    assert set(rows) - set(before) == {"pairs/kim-lee", "docs"}
    assert "`mj init pairs/kim-lee`" in str(rows["pairs/kim-lee"]["error"])
    found = json.loads(mj("validate", "--json", cwd=program_repo).stdout)["findings"]
    lost = [f["path"] for f in found if f["code"] == "no-agreement"]
    assert lost == ["docs/agreement.md", "pairs/kim-lee/agreement.md"]


def test_a_pair_linked_in_from_elsewhere_is_a_row_and_a_finding(
    program_repo: Path, tmp_path: Path
) -> None:
    """A symlinked pair folder was skipped by both in silence (adversarial trial)."""
    before = pairs(program_repo)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(program_repo / "pairs" / "ana-ben", elsewhere)
    (program_repo / "pairs" / "linked").symlink_to(elsewhere)
    rows = pairs(program_repo)
    assert set(rows) - set(before) == {"pairs/linked"}
    assert "is a symlink to a journal elsewhere" in str(rows["pairs/linked"]["error"])
    found = json.loads(mj("validate", "--json", cwd=program_repo).stdout)["findings"]
    assert [(f["path"], f["code"]) for f in found if f["path"].startswith("pairs/linked")] == [
        ("pairs/linked/", "symlink-outside")
    ]
    (program_repo / "pairs" / "linked").unlink()
    assert pairs(program_repo) == before
    # A link inside a pair is that journal's own business (its own symlink finding).
    (program_repo / "pairs" / "ana-ben" / "old").symlink_to(elsewhere)
    assert set(pairs(program_repo)) == set(before)


@pytest.mark.parametrize("command", ["status", "summary"])
def test_status_and_summary_point_at_the_program(
    program_repo: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(program_repo)  # the pair is named as typed from here
    result = mj(command, cwd=program_repo)
    assert result.exit_code == 1
    assert "a program of 4" in result.output and "mj program" in result.output
    assert f"mj -C pairs/ana-ben {command}" in result.output
    assert "Traceback" not in result.output
    monkeypatch.chdir(program_repo / "pairs")
    inside = mj("new", "session", cwd=program_repo / "pairs")
    assert inside.exit_code == 1 and "`mj -C ana-ben new session`" in inside.output


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_chromium_draws_and_sorts_the_roll_up(program_repo: Path, tmp_path: Path) -> None:
    page = tmp_path / "program.html"
    rollup(program_repo, "-o", str(page), output_format="html")
    browser = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
    ]  # fmt: skip
    shot = tmp_path / "program.png"
    subprocess.run(
        [*browser, f"--screenshot={shot}", "--window-size=1280,560", page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert shot.exists(), "chromium wrote no screenshot"
    from test_summary import _png_pixels

    width, height, pixels = _png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 560)
    assert len(pixels) > 20  # a table with coloured flags, not a blank page
    # The page's own script sorts: a click on "Pair" orders by path, a second reverses.
    clicked = tmp_path / "clicked.html"
    clicks = '<script>var th = document.querySelector("th"); th.click(); th.click();</script>'
    clicked.write_text(page.read_text().replace("</body>", clicks + "</body>"))
    dom = subprocess.run(
        [*browser, "--dump-dom", clicked.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    ).stdout  # fmt: skip
    order = re.findall(r'data-v="(pairs/[^"]+)"', dom[dom.index("<tbody>") :])
    assert order == ["pairs/gus-hal", "pairs/eve-fay", "pairs/cleo-dan", "pairs/ana-ben"]
    assert 'aria-sort="descending"' in dom


def test_a_commit_elsewhere_does_not_read_a_keyed_pair_again(
    program_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit moves HEAD, but the ana-ben agreement's history is as it was: its
    verdicts stand and the pair is not read again (every keyed pair of 500 would be,
    after every commit); the pair whose note was committed is."""
    from mentorjournal.index import program

    settled(program_repo)
    assert pairs(program_repo) == pairs(program_repo)  # computed, then kept
    read: list[str] = []
    reader = program._load

    def counted(given: dict[str, object], *args: object) -> object:
        read.extend(Path(pair).name for pair in given)
        return reader(given, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(program, "_load", counted)
    write(program_repo, "pairs/gus-hal/sessions/2025-08-15.md", session("2025-08-15", "gus, hal"))
    git(program_repo, "add", "--", "pairs/gus-hal")
    git(program_repo, "commit", "--quiet", "--no-verify", "-m", "gus-hal met")
    settled(program_repo / "pairs" / "gus-hal")  # the other pairs' folders as they were
    after = pairs(program_repo)
    assert read == ["gus-hal"]
    assert after["pairs/ana-ben"] == EXPECTED["pairs/ana-ben"]
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    assert pairs(program_repo) == after


def test_a_list_of_repositories_that_is_not_text_is_refused_by_name(tmp_path: Path) -> None:
    listed = tmp_path / "repos.txt"
    listed.write_bytes(b"\xff\xfe hosted/one.git\n")
    result = mj("program", "--repos", str(listed), cwd=tmp_path)
    assert result.exit_code == 1
    assert f"cannot read the list of repositories {listed}: 'utf-8' codec" in result.output
