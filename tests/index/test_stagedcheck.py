"""The incremental pre-commit check answers exactly what the full check answers.

Each scenario stages something in a real repository and runs `mj validate --staged`
three ways: through ``fastpath.run`` (the `mj` executable), through the click CLI, and
through the CLI with MJ_NO_CACHE=1 (no cache, no snapshot): all three must print the
same findings and exit the same. The real hook is run as git runs it, too.
"""

from __future__ import annotations

import io
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import mj
from gitutil import commit_files, git, head, make_repo
from sshutil import make_key, public

from mentorjournal.cli import fastpath
from mentorjournal.index.cachefile import cache_path

VIEWS = [("validate", "--staged"), ("validate", "--staged", "--json", "--strict")]


def fast(root: Path, *args: str) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = fastpath.run(["-C", str(root), *args], out, err)
    return code, out.getvalue(), err.getvalue()


def check(root: Path, monkeypatch: pytest.MonkeyPatch, *, expect_fast: bool) -> list[str]:
    """Run every view all three ways; return the JSON output's finding codes."""
    codes: list[str] = []
    for view in VIEWS:
        code, out, err = fast(root, *view)
        if code is None:
            assert not expect_fast, f"{view}: the fast check did not answer"
            cli = mj(*view, cwd=root)  # the full check, which leaves a snapshot
            code, out, err = fast(root, *view)
            assert code is not None, f"{view}: no snapshot even after a full check"
            assert (code, out, err) == (cli.exit_code, cli.stdout, cli.stderr), view
        monkeypatch.setenv("MJ_NO_CACHE", "1")
        plain = mj(*view, cwd=root)
        monkeypatch.delenv("MJ_NO_CACHE")
        assert (code, out, err) == (plain.exit_code, plain.stdout, plain.stderr), view
        if "--json" in view:
            codes = [line.split('"code": "')[1].split('"')[0] for line in out.split("{")[2:]]
    return codes


def stage(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")
    git(root, "add", "--", path)


NOTE = "---\ndate: {date}\nattendees: [ana, ben]\n---\n- [ ] @ana {task}\n"


def test_only_changed_notes_are_checked_again(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fast(sample_repo, "validate", "--staged")[0] is None  # nothing kept yet
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    assert check(sample_repo, monkeypatch, expect_fast=True) == []

    stage(sample_repo, "sessions/2026-11-20.md", NOTE.format(date="2026-11-20", task="Draft"))
    assert check(sample_repo, monkeypatch, expect_fast=True) == []

    bad = "---\ndate: 2026-11-19\nattendees: [ana, zed]\ngoals: [portfolo]\n---\n- [ ] Who?\n"
    stage(sample_repo, "sessions/2026-11-20.md", bad)
    codes = check(sample_repo, monkeypatch, expect_fast=True)
    assert sorted(codes) == ["date-mismatch", "no-owner", "unknown-goal", "unknown-person"]

    # The working copy is fixed but not staged: the check judges the index.
    (sample_repo / "sessions" / "2026-11-20.md").write_text(
        NOTE.format(date="2026-11-20", task="x")
    )
    assert len(check(sample_repo, monkeypatch, expect_fast=True)) == 4

    git(sample_repo, "rm", "-q", "-f", "--cached", "--", "sessions/2026-11-20.md")
    assert check(sample_repo, monkeypatch, expect_fast=True) == []


def test_a_note_changed_after_staging_is_judged_as_staged(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast check reads a staged note from disk only when the disk holds exactly
    the staged bytes; here it does not, and git's copy is judged."""
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    bad = "---\ndate: 2026-11-20\nattendees: [ana, zed]\n---\n- [ ] @ana Draft\n"
    stage(sample_repo, "sessions/2026-11-20.md", bad)
    (sample_repo / "sessions" / "2026-11-20.md").write_text(
        NOTE.format(date="2026-11-20", task="Draft")
    )
    assert check(sample_repo, monkeypatch, expect_fast=True) == ["unknown-person"]
    stage(sample_repo, "sessions/2026-11-21.md", NOTE.format(date="2026-11-21", task="x"))
    (sample_repo / "sessions" / "2026-11-21.md").write_text(bad.replace("20", "21"))
    assert check(sample_repo, monkeypatch, expect_fast=True) == ["unknown-person"]


def test_a_broken_note_is_reported_with_its_line(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    stage(sample_repo, "sessions/2026-11-20.md", "---\ndate: 2026-11-20\nattendees: [ana\n---\n")
    assert check(sample_repo, monkeypatch, expect_fast=True) == ["yaml-syntax"]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("goals/new-goal.md", "---\ntitle: New\nstatus: active\nowner: ana\n---\n"),
        ("notes/extra.md", "---\ntype: session\ndate: 2026-11-18\nattendees: [ana]\n---\n"),
        ("sessions/2026-11-20.md", NOTE.format(date="2026-11-20", task="x 🆔 abcdef")),
    ],
)
def test_other_changes_take_the_full_check(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, path: str, text: str
) -> None:
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    stage(sample_repo, path, text)
    check(sample_repo, monkeypatch, expect_fast=False)


def test_a_staged_agreement_change_takes_the_full_check(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    agreement = sample_repo / "agreement.md"
    agreement.write_text(agreement.read_text().replace("handle: ben", "handle: bea"))
    git(sample_repo, "add", "--", "agreement.md")
    assert "unknown-person" in check(sample_repo, monkeypatch, expect_fast=False)


def test_a_change_only_history_shows_judges_the_agreement_again(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a key in the agreement, its findings depend on git history: merged in, a
    history where ana's first key was another one leaves every file and index entry as
    it was, and the kept findings are not the answer any more. The fast check judges
    the agreement again (and only it: every commit moves the history), and answers
    what the full check answers."""
    key = make_key(tmp_path / "ssh", "ana")
    assert mj("key", "--as", "ana", "--file", str(key), cwd=sample_repo).exit_code == 0
    git(sample_repo, "commit", "--quiet", "--no-verify", "-am", "Ana's key")
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    assert check(sample_repo, monkeypatch, expect_fast=True) == []

    side = make_repo(tmp_path / "side")
    keyed = (sample_repo / "agreement.md").read_text()
    other = public(make_key(tmp_path / "ssh", "other"))
    commit_files(side, {"agreement.md": keyed.replace(public(key), other)}, "ana's key, first")
    commit_files(side, {"agreement.md": keyed}, "the agreement as it is")
    git(sample_repo, "fetch", "--quiet", str(side), "main")
    git(sample_repo, "merge", "--quiet", "--no-verify", "--allow-unrelated-histories",
        "--no-edit", "FETCH_HEAD")  # fmt: skip
    assert (sample_repo / "agreement.md").read_text() == keyed
    assert check(sample_repo, monkeypatch, expect_fast=True) == ["key-changed"]


def test_after_a_commit_a_keyed_journal_still_takes_the_fast_check(
    sample_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = make_key(tmp_path / "ssh", "ana")
    assert mj("key", "--as", "ana", "--file", str(key), cwd=sample_repo).exit_code == 0
    git(sample_repo, "commit", "--quiet", "--no-verify", "-am", "Ana's key")
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    for day in ("2026-11-20", "2026-11-21"):
        stage(sample_repo, f"sessions/{day}.md", NOTE.format(date=day, task="Next"))
        assert check(sample_repo, monkeypatch, expect_fast=True) == []
        git(sample_repo, "commit", "--quiet", "--no-verify", "-m", day)


def test_a_damaged_snapshot_means_a_full_check(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    kept = Path(cache_path(str(sample_repo), str(sample_repo / ".git"), "staged"))
    assert kept.exists()
    kept.write_bytes(kept.read_bytes()[:50])
    check(sample_repo, monkeypatch, expect_fast=False)


def test_the_installed_hook_uses_the_kept_results(sample_repo: Path) -> None:
    assert mj("hook", "install", cwd=sample_repo).exit_code == 0
    stage(sample_repo, "sessions/2026-11-20.md", NOTE.format(date="2026-11-20", task="One"))
    git(sample_repo, "commit", "-q", "-m", "one")  # a full check: leaves a snapshot
    assert Path(cache_path(str(sample_repo), str(sample_repo / ".git"), "staged")).exists()
    stage(sample_repo, "sessions/2026-11-21.md", NOTE.format(date="2026-11-21", task="@zed Two"))
    result = subprocess.run(
        ["git", "-C", str(sample_repo), "commit", "-q", "-m", "two"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "sessions/2026-11-21.md:5:12: error[unknown-person]" in result.stderr
    assert git(sample_repo, "log", "-1", "--format=%s").strip() == "one"


def test_a_journal_nested_in_a_folder_takes_the_full_check(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = "---\ntype: session\ndate: 2026-11-18\nattendees: [zed]\n---\n"
    stage(sample_repo, "club/notes/plan.md", note)
    mj("validate", "--staged", cwd=sample_repo)
    assert check(sample_repo, monkeypatch, expect_fast=True) == ["unknown-person"]
    # Not staged, and the index listing is unchanged: but club/ is now a journal of
    # its own, and its files are no longer this journal's.
    nested = sample_repo / "club" / "agreement.md"
    nested.write_text((sample_repo / "agreement.md").read_text(), encoding="utf-8")
    check(sample_repo, monkeypatch, expect_fast=False)


def test_a_damaged_shard_means_a_full_check(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    kept = Path(cache_path(str(sample_repo), str(sample_repo / ".git"), "staged"))
    tag, mark, context, listed, shards, summary = marshal.loads(kept.read_bytes())
    damaged = tuple(b"\x00garbage" for _ in shards)
    kept.write_bytes(marshal.dumps((tag, mark, context, listed, damaged, summary)))
    stage(sample_repo, "sessions/2026-11-20.md", NOTE.format(date="2026-11-20", task="Draft"))
    check(sample_repo, monkeypatch, expect_fast=False)


@pytest.mark.parametrize("how", ["fast", "cli", "no-cache"])
def test_staged_symlinks_are_refused_inside_and_outside(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A symlink the commit would record is an error on every path of the check: it
    resolves elsewhere on the other person's computer (or outside the journal)."""
    import json

    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0  # a snapshot is kept
    outside = sample_repo.parent / "elsewhere.md"
    outside.write_text("---\ndate: 2026-11-20\nattendees: [zed]\n---\n")
    (sample_repo / "sessions" / "2026-11-20.md").symlink_to(outside)
    (sample_repo / "sessions" / "2026-11-16-alias.md").symlink_to("2026-11-16.md")
    git(sample_repo, "add", "--", "sessions")

    def staged() -> tuple[int, list[tuple[str, str]]]:
        if how == "fast":
            assert fast(sample_repo, "validate", "--staged", "--json")[0] is None
        monkeypatch.setenv("MJ_NO_CACHE", "1" if how == "no-cache" else "")
        result = mj("validate", "--staged", "--json", cwd=sample_repo)
        found = json.loads(result.stdout)["findings"]
        return result.exit_code, [(f["path"], f["code"]) for f in found]

    code, found = staged()
    assert (code, found) == (
        1,
        [
            ("sessions/2026-11-16-alias.md", "symlink-staged"),
            ("sessions/2026-11-20.md", "symlink-staged"),
        ],
    )


@pytest.mark.parametrize(
    "staging",
    ["symlink", "private", "nested journal", "conflict"],
)
def test_refusals_hold_when_only_the_difference_is_looked_at(
    sample_repo: Path, staging: str
) -> None:
    """Once a listing is kept, the fast check looks only at the entries that differ
    from it: what the full check refuses must still send the check there."""
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    stage(sample_repo, "sessions/2026-11-20.md", NOTE.format(date="2026-11-20", task="x"))
    assert fast(sample_repo, "validate", "--staged")[0] == 0  # keeps this listing
    if staging == "symlink":
        (sample_repo / "sessions" / "2026-11-21.md").symlink_to("2026-11-20.md")
        git(sample_repo, "add", "--", "sessions/2026-11-21.md")
    elif staging == "private":
        (sample_repo / "private").mkdir()
        (sample_repo / "private" / "2026-11-21.md").write_text(
            NOTE.format(date="2026-11-21", task="y")
        )
        git(sample_repo, "add", "-f", "--", "private/2026-11-21.md")
    elif staging == "nested journal":
        stage(sample_repo, "team/agreement.md", (sample_repo / "agreement.md").read_text())
    else:
        blob = git(sample_repo, "hash-object", "-w", "sessions/2026-11-20.md").strip()
        entries = "".join(f"100644 {blob} {n}\tsessions/2026-11-20.md\n" for n in (1, 2, 3))
        subprocess.run(
            ["git", "update-index", "--index-info"],
            cwd=sample_repo,
            input=entries,
            text=True,
            check=True,
            timeout=60,
        )
    assert fast(sample_repo, "validate", "--staged")[0] is None


TOO_LARGE = "error[file-too-large] file is larger than 1 MiB; split it up"


def stage_large(root: Path, path: str, size: int) -> None:
    """Stage a note of ``size`` bytes: front matter, then a sparse tail of zero bytes."""
    with (root / path).open("wb") as handle:
        handle.write(f"---\ndate: {path[9:19]}\nattendees: [ana]\n---\n".encode())
        handle.truncate(size)
    git(root, "add", "--", path)


def test_a_5_mb_staged_note_is_refused_by_every_path(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0  # keeps a snapshot
    stage_large(sample_repo, "sessions/2026-11-20.md", 5 * 1024 * 1024)

    # The fast check (one note changed), the full check and the uncached one agree.
    assert check(sample_repo, monkeypatch, expect_fast=True) == ["file-too-large"]
    _, out, _ = fast(sample_repo, "validate", "--staged")
    assert f"sessions/2026-11-20.md:1:1: {TOO_LARGE}" in out
    # The working copy is read the same way: at most 1 MiB and a byte.
    result = mj("validate", "sessions/2026-11-20.md", cwd=sample_repo)
    assert result.exit_code == 1
    assert f"sessions/2026-11-20.md:1:1: {TOO_LARGE}" in result.stdout


# Run by a small Python, not by pytest: a process's peak memory counts the image it
# was forked from, and pytest's is large by the end of the suite.
_MEASURE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024)
"""


def _peak_rss_mb(argv: list[str], cwd: Path) -> tuple[int, int]:
    """(exit code, peak resident memory in MB of the process and the children it waited for)."""
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    code, peak = measured.stdout.split()
    return int(code), int(peak)


def test_a_huge_staged_note_is_never_read_whole(sample_repo: Path) -> None:
    """A 200 MB staged note: the check's peak memory (git's included) stays small."""
    mj_argv = [sys.executable, "-m", "mentorjournal", "validate", "--staged"]
    assert mj("hook", "install", cwd=sample_repo).exit_code == 0
    stage_large(sample_repo, "sessions/2026-11-20.md", 200 * 1024 * 1024)
    kept = Path(cache_path(str(sample_repo), str(sample_repo / ".git"), "staged"))
    assert not kept.exists()

    runs = [mj_argv, mj_argv, ["git", "commit", "-q", "-m", "huge"]]
    for number, argv in enumerate(runs):  # the full check, then the kept-results check
        code, peak = _peak_rss_mb(argv, sample_repo)
        assert code == 1
        assert peak < 100, f"{argv[-2:]} peaked at {peak} MB"
        assert kept.exists()
        if number == 0:
            stage_large(sample_repo, "sessions/2026-11-21.md", 200 * 1024 * 1024)
    assert git(sample_repo, "log", "-1", "--format=%s").strip() == "sample"


def test_commit_checks_a_note_rewritten_in_the_index_s_second(sample_repo: Path) -> None:
    """`mj commit` checks a copy of the index with the notes staged. Git re-reads a file
    whose stat data matches its entry only when the file is not older than the index
    ("racy git"), so the copy must keep the index's time: else a note rewritten in place
    (same size, same second, a reused inode) looks unchanged in the copy, and the check
    judges the note as it was staged before. Times are set here, and ctime left out
    (core.trustctime), so that the second is not left to chance."""
    git(sample_repo, "config", "core.trustctime", "false")
    note = sample_repo / "sessions" / "2026-09-28.md"
    past = time.time_ns() - 100 * 10**9
    os.utime(note, ns=(past, past))
    git(sample_repo, "update-index", "-q", "--refresh")  # the index records that time
    before = note.read_bytes()
    with note.open("r+b") as handle:  # in place: the same inode and the same size
        handle.write(before.replace(b"- [ ] @ana Ask", b"- [ ] @zed Ask", 1))
    os.utime(note, ns=(past, past))
    os.utime(sample_repo / ".git" / "index", ns=(past, past))  # written in that second
    assert git(sample_repo, "--no-optional-locks", "status", "--porcelain") == (
        " M sessions/2026-09-28.md\n"
    )
    committed = head(sample_repo)
    result = mj("commit", "-m", "An owner nobody knows", cwd=sample_repo)
    assert result.exit_code == 1, result.output
    assert "sessions/2026-09-28.md:29:7: error[unknown-person]" in result.output
    assert head(sample_repo) == committed
    # Put right the same way, it is committed as it is on disk (the checked index put
    # in place holds it), and nothing is left over.
    with note.open("r+b") as handle:
        handle.write(before.replace(b"- [ ] @ana Ask", b"- [ ] @ben Ask", 1))
    os.utime(note, ns=(past, past))
    os.utime(sample_repo / ".git" / "index", ns=(past, past))
    assert mj("commit", "-m", "Ben asks", cwd=sample_repo).exit_code == 0
    assert git(sample_repo, "show", "HEAD:sessions/2026-09-28.md").encode() == note.read_bytes()
    assert git(sample_repo, "status", "--porcelain") == ""


def test_only_the_entries_between_common_ends_are_compared() -> None:
    """``_middles`` keeps whole entries, and the entries two listings do not share are
    the same as when both are split in full (listings of unique entries, as git's)."""
    from random import Random

    from mentorjournal.index.stagedcheck import _middles

    chance = Random(10)

    def name() -> bytes:  # short names over a small alphabet: many shared prefixes
        return bytes(chance.choice(b"ab\n c") for _ in range(chance.randint(1, 4)))

    for _ in range(5000):
        before = list(dict.fromkeys(name() for _ in range(chance.randint(0, 8))))
        now = list(before)
        for _ in range(chance.randint(0, 3)):
            entry = name()
            if now and chance.random() < 0.4:
                now.pop(chance.randrange(len(now)))
            elif entry not in now:
                now.insert(chance.randint(0, len(now)), entry)
        listed_before = b"".join(entry + b"\0" for entry in before)
        listed = b"".join(entry + b"\0" for entry in now)
        middle_before, middle_now = _middles(listed_before, listed)
        assert middle_before[-1:] in (b"", b"\0") and middle_now[-1:] in (b"", b"\0")
        kept_before = set(middle_before.split(b"\0")) - {b""}
        kept_now = set(middle_now.split(b"\0")) - {b""}
        assert kept_now - kept_before == set(now) - set(before)
        assert kept_before - kept_now == set(before) - set(now)


@pytest.mark.parametrize("listing", [5, "text", None])
def test_a_snapshot_whose_listing_is_not_bytes_is_set_aside(
    sample_repo: Path, listing: object
) -> None:
    from mentorjournal.index import cachefile, stagedcheck

    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
    stage(sample_repo, "sessions/2026-11-20.md", NOTE.format(date="2026-11-20", task="a"))
    assert fast(sample_repo, "validate", "--staged")[0] == 0
    where = stagedcheck._where(str(sample_repo), str(sample_repo / ".git"))
    kept = list(marshal.loads(cachefile.load(where)))
    kept[3] = listing
    cachefile.store(where, marshal.dumps(tuple(kept)))
    stage(sample_repo, "sessions/2026-11-21.md", NOTE.format(date="2026-11-21", task="b"))
    assert fast(sample_repo, "validate", "--staged")[0] in (0, None)
    assert mj("validate", "--staged", cwd=sample_repo).exit_code == 0
