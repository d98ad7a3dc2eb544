"""Two people, two clones made with `mj clone`: what they do on the same day merges,
what cannot merge stops with nothing changed, and nothing invalid is shared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import mj
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    AGREEMENT,
    MENTEE,
    MENTOR,
    commit_through_hook,
    configure,
    fill_template,
    git,
    git_sandbox,
    head,
    repo_state,
    write,
)
from sshutil import make_key

from mentorjournal.git import hook, mergedriver

pytestmark = pytest.mark.usefixtures("git_sandbox")

DRIVER = f"merge.{mergedriver.NAME}.driver"
SESSION = """\
---
date: 2025-07-18
attendees: [ana, ben]
---
# Kick-off

## Actions

- [ ] @ana Draft case study 1 due:2025-08-01
- [ ] @ben Introduce Ana to the design lead due:2025-08-01
- [ ] @ana Read the critique guide
"""


@dataclass(frozen=True)
class Pair:
    remote: Path
    ben: Path
    ana: Path


def _ok(*args: str, cwd: Path) -> str:
    result = mj(*args, cwd=cwd)
    assert result.exit_code == 0, result.output
    return result.output


def _commit(repo: Path, files: dict[str, str], message: str) -> None:
    for rel, text in files.items():
        write(repo, rel, text)
    _ok("commit", "-m", message, cwd=repo)


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    """Ben starts the journal with `mj init`, pushes it; both clone it with `mj clone`."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    seed = tmp_path / "seed"
    _ok(
        "init",
        str(seed),
        "--mentor",
        "ben",
        "--mentee",
        "ana",
        "--today",
        "2025-07-01",
        cwd=tmp_path,
    )
    configure(seed, MENTOR)
    fill_template(seed)
    write(seed, "sessions/2025-07-18.md", SESSION)
    _ok("commit", "-m", "Start", cwd=seed)  # as a user would: mj stages what it manages
    assert ".gitattributes" in git(seed, "ls-files")
    git(seed, "push", "--quiet", str(remote), "main")
    for name in ("ben", "ana"):
        _ok("clone", str(remote), name, cwd=tmp_path)
    configure(tmp_path / "ben", MENTOR)
    configure(tmp_path / "ana", MENTEE)
    return Pair(remote, tmp_path / "ben", tmp_path / "ana")


def _session(repo: Path) -> str:
    return (repo / "sessions/2025-07-18.md").read_text(encoding="utf-8")


def test_clone_sets_up_the_hook_and_the_merge_driver(pair: Pair) -> None:
    for side in (pair.ben, pair.ana):
        assert hook.is_ours(side / ".git" / "hooks" / "pre-commit")
        assert git(side, "config", "--get", DRIVER).strip() == mergedriver.driver_command()
        assert mergedriver.ATTRIBUTE in (side / ".gitattributes").read_text().splitlines()
        assert git(side, "rev-parse", "--abbrev-ref", "@{upstream}").strip() == "origin/main"


def test_clone_refuses_a_folder_that_holds_files(pair: Pair, tmp_path: Path) -> None:
    result = mj("clone", str(pair.remote), "ben", cwd=tmp_path)
    assert result.exit_code == 1 and "not an empty folder" in result.output
    result = mj("clone", str(tmp_path / "nowhere.git"), cwd=tmp_path)
    assert result.exit_code == 1 and "could not clone" in result.output


def test_both_tick_neighbouring_items_and_both_ticks_survive(pair: Pair) -> None:
    ids = {}
    for item in __import__("json").loads(_ok("status", "--json", cwd=pair.ben))["open"]:
        ids[item["text"]] = item["id"]
    _ok("done", ids["Draft case study 1"], "--today", "2025-07-20", cwd=pair.ana)
    _ok("commit", cwd=pair.ana)
    _ok("done", ids["Introduce Ana to the design lead"], "--today", "2025-07-21", cwd=pair.ben)
    _ok("commit", cwd=pair.ben)

    _ok("sync", cwd=pair.ana)
    output = _ok("sync", cwd=pair.ben)
    assert "pulled" in output and "pushed" in output
    _ok("sync", cwd=pair.ana)

    text = _session(pair.ben)
    assert "- [x] @ana Draft case study 1 due:2025-08-01 done:2025-07-20" in text
    assert "- [x] @ben Introduce Ana to the design lead due:2025-08-01 done:2025-07-21" in text
    assert _session(pair.ana) == text
    assert "<<<<<<<" not in text
    _ok("validate", cwd=pair.ben)


def test_both_append_items_at_the_end_and_both_are_kept(pair: Pair) -> None:
    base = _session(pair.ana)
    _commit(pair.ana, {"sessions/2025-07-18.md": base + "- [ ] @ana Send the draft\n"}, "ana")
    _commit(pair.ben, {"sessions/2025-07-18.md": base + "- [ ] @ben Book a room\n"}, "ben")
    _ok("sync", cwd=pair.ana)
    _ok("sync", cwd=pair.ben)
    assert _session(pair.ben) == base + "- [ ] @ben Book a room\n- [ ] @ana Send the draft\n"


def test_both_add_the_first_item_of_a_new_session_and_both_are_kept(pair: Pair) -> None:
    """`mj add` opens an empty list with a blank line: two people adding the first
    action of the note of the meeting they just had conflicted every time."""
    _ok("new", "session", "--date", "2025-07-25", cwd=pair.ben)
    _ok("commit", cwd=pair.ben)
    _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    note = "sessions/2025-07-25.md"
    _ok("add", "Book a room", "--owner", "ben", "--to", note, cwd=pair.ben)
    _ok("commit", cwd=pair.ben)
    _ok("sync", cwd=pair.ben)
    _ok("add", "Send the draft", "--owner", "ana", "--to", note, cwd=pair.ana)
    _ok("commit", cwd=pair.ana)
    said = _ok("sync", cwd=pair.ana)
    assert "merged" in said or "pushed" in said
    text = (pair.ana / note).read_text("utf-8")
    assert "<<<<<<<" not in text
    ben, ana = text.index("- [ ] @ben Book a room"), text.index("- [ ] @ana Send the draft")
    assert ana < ben  # yours first, then theirs
    assert "\n\n\n" not in text  # the blank line mj add opened the list with, once
    assert mj("validate", cwd=pair.ana).exit_code == 0


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        # Each opens the empty list with a blank line, then an item: the line once.
        ("\n- [ ] b1\n", "\n- [ ] a1\n", "\n- [ ] b1\n- [ ] a1\n"),
        # One typed the item under the heading, the other used `mj add`.
        ("- [ ] b1\n", "\n- [ ] a1\n", "- [ ] b1\n\n- [ ] a1\n"),
        # Prose that comes with an item is still for a person to merge.
        ("\nDecided: b\n- [ ] b1\n", "\n- [ ] a1\n", None),
        # Items come with their sub-items: one ending alike stays under each parent (the
        # shared last line moved under theirs, and ours lost its sub-item).
        (
            "- [ ] b1\n  - [ ] share\n",
            "- [ ] a1\n  - [ ] share\n",
            "- [ ] b1\n  - [ ] share\n- [ ] a1\n  - [ ] share\n",
        ),
        # The same item written by both, each with other sub-items: a person decides.
        ("- [ ] x\n  - [ ] b\n", "- [ ] x\n  - [ ] a\n", None),
        # Sub-items of the item above beside new items: whose parent is which is unclear.
        ("- [ ] b1\n", "  - [ ] a1\n", None),
    ],
)
def test_items_appended_with_blank_lines_merge(
    ours: str, theirs: str, expected: str | None
) -> None:
    head_text = "---\ndate: 2025-07-18\n---\n## Next actions\n<!-- one line each -->\n"
    tail = "\n## Notes\nWe met.\n"
    merged = mergedriver.merge_bytes(
        (head_text + tail).encode(),
        (head_text + ours + tail).encode(),
        (head_text + theirs + tail).encode(),
        name="sessions/2025-07-18.md",
    )
    assert merged == (None if expected is None else (head_text + expected + tail).encode())


def test_an_item_appended_without_a_final_newline_is_never_joined_to_theirs(pair: Pair) -> None:
    """Ben's editor saves without a final newline (VS Code's default): the driver put
    his last item and Ana's new one on one line, "Book a room- [ ] @ana Send the
    draft", so a clean sync pushed Ana's item as part of Ben's. A person decides now."""
    base = _session(pair.ana)
    _commit(pair.ana, {"sessions/2025-07-18.md": base + "- [ ] @ana Send the draft\n"}, "ana")
    _commit(pair.ben, {"sessions/2025-07-18.md": base + "- [ ] @ben Book a room"}, "ben")
    _ok("sync", cwd=pair.ana)
    stopped = mj("sync", cwd=pair.ben)
    assert stopped.exit_code == 1 and "sessions/2025-07-18.md" in stopped.output
    assert _session(pair.ben) == base + "- [ ] @ben Book a room"


def test_both_sign_on_their_own_machines_and_both_signatures_count(
    pair: Pair, tmp_path: Path
) -> None:
    keys = {name: make_key(tmp_path / f"{name}-ssh", name) for name in ("ben", "ana")}
    for name, repo in (("ana", pair.ana), ("ben", pair.ben)):
        _ok("sync", cwd=repo)
        _ok("key", "--as", name, "--file", str(keys[name]), cwd=repo)
        _ok("commit", "-m", f"{name}'s key", cwd=repo)
        _ok("sync", cwd=repo)
    _ok("sync", cwd=pair.ana)
    _ok("sign", "--as", "ana", "--key", str(keys["ana"]), "--today", "2025-07-02", cwd=pair.ana)
    _ok("commit", cwd=pair.ana)
    _ok("sign", "--as", "ben", "--key", str(keys["ben"]), "--today", "2025-07-03", cwd=pair.ben)
    _ok("commit", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    _ok("sync", cwd=pair.ben)  # both changed `signatures`: the driver merges them by person
    assert git(pair.ben, "rev-list", "--count", "--merges", "HEAD").strip() == "1"
    _ok("sync", cwd=pair.ana)
    for repo in (pair.ben, pair.ana):
        status = json.loads(_ok("status", "--json", cwd=repo))
        assert status["signatures"] == {
            "valid": ["ben", "ana"],
            "stale": [],
            "missing": [],
            "invalid": [],
        }
        assert json.loads(mj("validate", "--json", cwd=repo).stdout)["findings"] == []
    # Each entry kept its armoured `sig` byte for byte through the merge.
    text = (pair.ben / "agreement.md").read_text()
    assert text.count("-----BEGIN SSH SIGNATURE-----") == 2


def test_same_line_changed_twice_stops_then_merges_by_hand_without_an_editor(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _session(pair.ana)
    line = "- [ ] @ana Read the critique guide\n"
    ana_text = base.replace(line, "- [ ] @ana Read the critique guide twice\n")
    ben_text = base.replace(line, "- [ ] @ana Read the critique guide, then summarise it\n")
    _commit(pair.ana, {"sessions/2025-07-18.md": ana_text}, "ana")
    _commit(pair.ben, {"sessions/2025-07-18.md": ben_text}, "ben")
    _ok("sync", cwd=pair.ana)

    before = repo_state(pair.ben)
    stopped = mj("sync", cwd=pair.ben)
    assert stopped.exit_code == 1
    assert "sessions/2025-07-18.md" in stopped.output and "mj sync --merge" in stopped.output
    assert repo_state(pair.ben) == before

    # An editor that fails proves none is opened.
    monkeypatch.setenv("GIT_EDITOR", "false")
    marked = mj("sync", "--merge", cwd=pair.ben)
    assert marked.exit_code == 1 and "sessions/2025-07-18.md" in marked.output
    assert "delete the marker lines" in marked.output and "git rm" not in marked.output
    text = _session(pair.ben)
    assert "<<<<<<< yours" in text and ">>>>>>> theirs" in text
    assert "Draft case study 1" in text  # the rest of the file is intact

    unfinished = mj("sync", cwd=pair.ben)
    assert unfinished.exit_code == 1
    marker_line = text.splitlines().index("<<<<<<< yours") + 1
    assert f"sessions/2025-07-18.md:{marker_line}" in unfinished.output

    resolved = base.replace(line, "- [ ] @ana Read the critique guide twice, then summarise it\n")
    write(pair.ben, "sessions/2025-07-18.md", resolved)
    finished = _ok("sync", cwd=pair.ben)
    assert "merge finished: sessions/2025-07-18.md" in finished and "pushed" in finished
    assert not (pair.ben / ".git" / "MERGE_HEAD").exists()
    parents = git(pair.ben, "log", "-1", "--format=%P").split()
    assert len(parents) == 2
    assert git(pair.remote, "show", "main:sessions/2025-07-18.md") == resolved


def test_a_clean_merge_that_is_invalid_is_not_pushed(pair: Pair) -> None:
    goal = (
        "---\ntitle: Portfolio\nstatus: active\nowner: ana\nopened: 2025-07-01\n"
        "success: Two case studies published by 2025-12-01\n---\n"
    )
    _commit(pair.ben, {"goals/portfolio.md": goal}, "goal")
    _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    # Ben removes the goal; Ana links a new note to it.
    git(pair.ben, "rm", "--quiet", "goals/portfolio.md")
    _ok("commit", "-m", "drop the goal", cwd=pair.ben)
    _ok("sync", cwd=pair.ben)
    note = SESSION.replace("2025-07-18", "2025-08-01").replace(
        "attendees", "goals: [portfolio]\nattendees"
    )
    _commit(pair.ana, {"sessions/2025-08-01.md": note}, "ana")

    before = repo_state(pair.ana)
    remote_before = git(pair.remote, "rev-parse", "main")
    result = mj("sync", cwd=pair.ana)
    assert result.exit_code == 1
    assert "sessions/2025-08-01.md" in result.output and "portfolio" in result.output
    assert "Nothing was pushed" in result.output
    assert repo_state(pair.ana) == before
    assert git(pair.remote, "rev-parse", "main") == remote_before


def test_sync_never_overwrites_an_ignored_private_note(pair: Pair) -> None:
    write(pair.ben, "private/ideas.md", "Ben's own notes\n")
    git(pair.ben, "add", "--force", "--", "private/ideas.md")
    git(pair.ben, "commit", "--quiet", "--no-verify", "-m", "oops, shared a private note")
    git(pair.ben, "push", "--quiet")
    mine = write(pair.ana, "private/ideas.md", "Ana's secret notes\n")

    before = repo_state(pair.ana)
    result = mj("sync", cwd=pair.ana)
    assert result.exit_code == 1
    assert "private/ideas.md" in result.output and "not tracked" in result.output
    assert mine.read_text() == "Ana's secret notes\n"
    assert repo_state(pair.ana) == before
    # --merge refuses the same way.
    assert mj("sync", "--merge", cwd=pair.ana).exit_code == 1
    assert mine.read_text() == "Ana's secret notes\n"


def test_pulling_invalid_work_reports_it(pair: Pair) -> None:
    broken = SESSION.replace("attendees: [ana, ben]", "attendees: [ana, bob]")
    write(pair.ben, "sessions/2025-07-25.md", broken.replace("2025-07-18", "2025-07-25"))
    git(pair.ben, "add", "--", "sessions")
    git(pair.ben, "commit", "--quiet", "--no-verify", "-m", "skip the hook")
    git(pair.ben, "push", "--quiet")
    result = mj("sync", cwd=pair.ana)
    assert result.exit_code == 1
    assert "pulled 1 commit" in result.output
    assert "sessions/2025-07-25.md" in result.output and "bob" in result.output
    assert head(pair.ana) == head(pair.ben)


def test_driver_without_its_python_falls_back_to_gits_own_conflict(pair: Pair) -> None:
    git(
        pair.ben, "config", "merge.mentorjournal.driver", mergedriver.driver_command("/gone/python")
    )
    base = _session(pair.ben)
    git(pair.ben, "switch", "--quiet", "-c", "side")
    write(pair.ben, "sessions/2025-07-18.md", base.replace("Kick-off", "Side"))
    git(pair.ben, "commit", "--quiet", "--no-verify", "-am", "side")
    git(pair.ben, "switch", "--quiet", "main")
    write(pair.ben, "sessions/2025-07-18.md", base.replace("Kick-off", "Main"))
    git(pair.ben, "commit", "--quiet", "--no-verify", "-am", "main")
    proc = git(pair.ben, "merge", "side", check=False)
    assert proc is not None
    text = _session(pair.ben)
    assert "<<<<<<< yours" in text and "# Main" in text and "# Side" in text


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        # Neighbouring ticks merge.
        ("- [x] a\n- [ ] b\n", "- [ ] a\n- [x] b\n", "- [x] a\n- [x] b\n"),
        # The same change on both sides is made once.
        ("- [x] a\n- [ ] b\n", "- [x] a\n- [ ] b\n", "- [x] a\n- [ ] b\n"),
        # One item changed two ways: a person decides.
        ("- [x] a\n- [ ] b\n", "- [-] a\n- [ ] b\n", None),
        # Prose next to an item: a person decides.
        ("- [x] a\n- [ ] b\n", "- [ ] a\nprose\n", None),
        # A last line without its newline is never joined to a line appended after it.
        ("- [ ] a\n- [ ] b\n- [ ] c", "- [ ] a\n- [ ] b\n- [ ] d\n", None),
        # CRLF lines keep their endings.
        ("- [x] a\r\n- [ ] b\r\n", "- [ ] a\r\n- [x] b\r\n", "- [x] a\r\n- [x] b\r\n"),
    ],
)
def test_merge_bytes_line_rules(ours: str, theirs: str, expected: str | None) -> None:
    base = "- [ ] a\r\n- [ ] b\r\n" if "\r" in ours else "- [ ] a\n- [ ] b\n"
    head_text = "---\ndate: 2025-07-18\n---\n"
    merged = mergedriver.merge_bytes(
        (head_text + base).encode(),
        (head_text + ours).encode(),
        (head_text + theirs).encode(),
        name="sessions/2025-07-18.md",
    )
    assert merged == (None if expected is None else (head_text + expected).encode())
    assert os.environ.get("GIT_EDITOR") is not None


def test_merge_bytes_item_rules_past_gits_conflict() -> None:
    def merged(base: list[str], ours: list[str], theirs: list[str]) -> bytes | None:
        texts = ("---\ndate: 2025-07-18\n---\n" + "".join(lines) for lines in (base, ours, theirs))
        return mergedriver.merge_bytes(*(t.encode() for t in texts), name="sessions/x.md")

    items = [f"- [ ] {name}\n" for name in "abcdefg"]
    ticked = [line.replace("[ ]", "[x]") for line in items]
    # Neighbouring ticks on one side, and one next to the other side's tick (git: conflict).
    ours = ticked[:2] + items[2:4] + ticked[4:5] + items[5:]
    theirs = items[:5] + ticked[5:6] + items[6:]
    both = "".join(ticked[:2] + items[2:4] + ticked[4:6] + items[6:])
    assert merged(items, ours, theirs) == f"---\ndate: 2025-07-18\n---\n{both}".encode()
    # Too long to compare line by line (both rewrote every line of a long note): a person.
    long = [f"- [ ] item {n}\n" for n in range(2_100)]
    assert (
        merged(long, [f"{line} ours" for line in long], [f"{line} theirs" for line in long]) is None
    )


def _signed(*people: str, text: str = AGREEMENT) -> bytes:
    lines = "".join(f"  - {{by: {who}, date: 2025-07-02, sig: s-{who}}}\n" for who in people)
    return text.replace("---\n# Agreement", f"signatures:\n{lines}---\n# Agreement").encode()


def test_agreement_merges_that_signatures_cannot_settle() -> None:
    base = AGREEMENT.encode()

    def merged(ours: bytes, theirs: bytes) -> bytes | None:
        return mergedriver.merge_bytes(base, ours, theirs, name="agreement.md")

    # One side signed: git's own merge. A side that no longer parses: git's own merge too.
    assert merged(base, _signed("ana")) == _signed("ana")
    broken = AGREEMENT.replace("mentor: {", "mentor: [{")
    assert merged(broken.encode(), _signed("ben")) == _signed("ben", text=broken)
    # `signatures` not a list on one side; one person signed differently on each side;
    # both signed and both changed one line; both fine alone but a key twice merged.
    assert merged(_signed().replace(b"signatures:\n", b"signatures: ana\n"), _signed("ana")) is None
    assert merged(_signed("ana"), _signed("ana").replace(b"07-02", b"07-09")) is None
    assert (
        merged(
            _signed("ana", text=AGREEMENT.replace("Grow", "Help")),
            _signed("ben", text=AGREEMENT.replace("Grow", "Coach")),
        )
        is None
    )
    assert (
        merged(
            _signed("ana", text=AGREEMENT.replace("start:", "extra: 1\nstart:")),
            _signed("ben", text=AGREEMENT.replace("cadence:", "extra: 2\ncadence:")),
        )
        is None
    )


def test_the_merge_driver_called_wrongly_says_how_it_is_called() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mentorjournal", "merge-driver", "base", "ours"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr == "usage: mj merge-driver BASE OURS THEIRS MARKER_SIZE PATH\n"


def test_a_plain_git_clone_is_told_how_to_set_up(pair: Pair, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "--quiet", str(pair.remote), str(plain))
    configure(plain, MENTEE)
    write(plain, "sessions/2025-07-19.md", SESSION.replace("2025-07-18", "2025-07-19"))
    result = mj("commit", cwd=plain)
    assert result.exit_code == 0
    assert "no mj pre-commit hook and no merge driver" in result.output
    assert "mj hook install" in result.output
    _ok("hook", "install", cwd=plain)
    assert git(plain, "config", "--get", DRIVER).strip() == mergedriver.driver_command()
    write(plain, "sessions/2025-07-20.md", SESSION.replace("2025-07-18", "2025-07-20"))
    assert "mj hook install" not in _ok("commit", cwd=plain)
    # A set-up clone says nothing.
    assert "note:" not in _ok("new", "session", "--date", "2025-07-30", cwd=pair.ana)


def test_hooks_path_in_the_users_own_gitconfig_silences_the_setup_note(
    pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No GIT_CONFIG_GLOBAL (as for most people): git and mj read ~/.gitconfig.
    home = tmp_path / "home"
    write(home, ".gitconfig", "[user]\n\tname = Ana\n\temail = a@x\n[core]\n\thooksPath = h\n")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL")
    monkeypatch.setenv("HOME", str(home))
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "--quiet", str(pair.remote), str(plain))
    write(plain, "sessions/2025-07-19.md", SESSION.replace("2025-07-18", "2025-07-19"))
    assert "note:" not in _ok("commit", cwd=plain)  # the user's hooks: their arrangement


def test_clone_with_hooks_elsewhere_or_journals_in_folders_says_what_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = tmp_path / "program"
    git(tmp_path, "init", "--quiet", str(program))
    write(program, "pairs/ana-ben/agreement.md", AGREEMENT)
    git(program, "add", "--", ".")
    git(program, "commit", "--quiet", "-m", "pairs")
    said = _ok("clone", str(program), "copy", cwd=tmp_path)
    assert f"its journals are in folders: `mj program {tmp_path / 'copy'}`" in said
    config = Path(os.environ["GIT_CONFIG_GLOBAL"])
    config.write_text(config.read_text() + "[core]\n\thooksPath = /nowhere\n")
    said = _ok("clone", str(program), "other", cwd=tmp_path)
    assert "hook    not installed (core.hooksPath is set)" in said
    assert not (tmp_path / "other" / ".git" / "hooks" / "pre-commit").exists()
    assert git(tmp_path / "other", "config", "--get", DRIVER).strip()


def test_a_clash_the_driver_would_merge_names_the_missing_driver(
    pair: Pair, tmp_path: Path
) -> None:
    """A plain `git clone` has no merge driver: both appending an item stopped with the
    usual 'edit the markers by hand', though `mj hook install` then merged it alone."""
    plain = tmp_path / "plain"
    git(tmp_path, "clone", "--quiet", str(pair.remote), str(plain))
    configure(plain, MENTEE)
    base = _session(pair.ben)
    _commit(pair.ben, {"sessions/2025-07-18.md": base + "- [ ] @ben Book a room\n"}, "ben")
    _ok("sync", cwd=pair.ben)
    write(plain, "sessions/2025-07-18.md", base + "- [ ] @ana Send the draft\n")
    git(plain, "commit", "--quiet", "--no-verify", "-am", "ana")
    stopped = mj("sync", cwd=plain)
    said = " ".join(stopped.output.split())
    assert stopped.exit_code == 1
    assert "This clone has no mj merge driver" in said and "`mj hook install` once" in said
    _ok("hook", "install", cwd=plain)
    _ok("sync", cwd=plain)  # what it said: now it merges by itself
    text = (plain / "sessions/2025-07-18.md").read_text("utf-8")
    assert "@ana Send the draft" in text and "@ben Book a room" in text and "<<<<" not in text
    # A clone that has the driver is not told to install it.
    write(pair.ana, "sessions/2025-07-18.md", base.replace("Kick-off", "Ana's"))
    git(pair.ana, "commit", "--quiet", "--no-verify", "-am", "ana")
    write(pair.ben, "sessions/2025-07-18.md", _session(pair.ben).replace("Kick-off", "Ben's"))
    git(pair.ben, "commit", "--quiet", "--no-verify", "-am", "ben")
    _ok("sync", cwd=pair.ben)
    clash = mj("sync", cwd=pair.ana)
    assert clash.exit_code == 1 and "merge driver" not in clash.output


def test_a_pushed_module_never_runs_in_the_others_hook_or_merge_driver(pair: Pair) -> None:
    """Git runs the hook and the merge driver in the work tree: a yaml.py (or any module
    mj imports) that one person pushes must not run on the other's machine in place of
    the library. An older mj's setup, which let it, is named for reinstalling."""
    ran = pair.ana.parent / "module-ran"
    shadow = f"open({str(ran)!r}, 'a').write('ran\\n')\nfrom yaml import *  # noqa\n"
    base = _session(pair.ben)
    write(pair.ben, "yaml.py", shadow)
    write(pair.ben, "sessions/2025-07-18.md", base + "- [ ] @ben Ben's\n")
    git(pair.ben, "add", "--", "yaml.py", "sessions")
    git(pair.ben, "commit", "--quiet", "-m", "b")  # through Ben's own hook
    _ok("sync", cwd=pair.ben)
    # Ana's own edit to the same note: pulling merges it through the driver; then her
    # commit goes through the hook (git commit, not mj commit, which checks itself).
    _commit(pair.ana, {"sessions/2025-07-18.md": base + "- [ ] @ana Ana's\n"}, "a")
    _ok("sync", cwd=pair.ana)
    assert (pair.ana / "yaml.py").exists() and "Ben's" in _session(pair.ana)
    assert "Ana's" in _session(pair.ana) and "<<<<<<<" not in _session(pair.ana)
    write(pair.ana, "sessions/2025-07-19.md", SESSION.replace("2025-07-18", "2025-07-19"))
    git(pair.ana, "add", "--", "sessions")
    git(pair.ana, "commit", "--quiet", "-m", "through the hook")
    # Now that the module is in both work trees, both edit the note again: the
    # driver merges it where the module sits.
    _ok("sync", cwd=pair.ana)
    _ok("sync", cwd=pair.ben)
    again = _session(pair.ben)
    _commit(pair.ben, {"sessions/2025-07-18.md": again + "- [ ] @ben Ben again\n"}, "b2")
    _ok("sync", cwd=pair.ben)
    _commit(pair.ana, {"sessions/2025-07-18.md": again + "- [ ] @ana Ana again\n"}, "a2")
    _ok("sync", cwd=pair.ana)
    merged = _session(pair.ana)
    assert "Ben again" in merged and "Ana again" in merged and "<<<<<<<" not in merged
    assert not ran.exists()
    # An older mj started both with `python -m mentorjournal`, from the work tree.
    installed = pair.ana / ".git" / "hooks" / "pre-commit"
    lines = installed.read_text().splitlines()
    lines = [
        '    exec "$MJ_PYTHON" -m mentorjournal hook-run "$@"' if "-P -c" in line else line
        for line in lines
    ]
    installed.write_text("\n".join(lines) + "\n")
    write(pair.ana, "sessions/2025-07-20.md", SESSION.replace("2025-07-18", "2025-07-20"))
    assert "older mj's" in _ok("commit", cwd=pair.ana)
    _ok("hook", "install", cwd=pair.ana)
    # Only mj's own lines count: an alias of the user's that runs mj is none of them.
    git(pair.ana, "config", "alias.mjs", "!python3 -m mentorjournal status")
    write(pair.ana, "sessions/2025-07-21.md", SESSION.replace("2025-07-18", "2025-07-21"))
    assert "note:" not in _ok("commit", cwd=pair.ana)


def test_init_adds_the_driver_line_to_an_existing_gitattributes(tmp_path: Path) -> None:
    folder = tmp_path / "j"
    write(folder, ".gitattributes", b"*.png binary")  # no final newline
    _ok("init", str(folder), "--mentor", "ben", "--mentee", "ana", cwd=tmp_path)
    assert (folder / ".gitattributes").read_bytes() == b"*.png binary\n*.md merge=mentorjournal\n"
    _ok("hook", "install", cwd=folder)  # a second time: the line is not doubled
    assert (folder / ".gitattributes").read_text().count("merge=mentorjournal") == 1
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "m"
    link.mkdir()
    (link / ".gitattributes").symlink_to(tmp_path / "elsewhere" / "attrs")
    result = mj("init", str(link), "--mentor", "ben", "--mentee", "ana", cwd=tmp_path)
    assert result.exit_code == 1 and ".gitattributes is not a regular file" in result.output
    assert not (tmp_path / "elsewhere" / "attrs").exists()
    assert sorted(p.name for p in link.iterdir()) == [".gitattributes"]  # nothing written


def test_clone_of_a_journal_without_the_driver_line_adds_it(tmp_path: Path) -> None:
    remote = tmp_path / "old.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    seed = tmp_path / "seed"
    _ok("init", str(seed), "--mentor", "ben", "--mentee", "ana", cwd=tmp_path)
    configure(seed, MENTOR)
    (seed / ".gitattributes").unlink()  # as a journal started before mj had the driver
    git(seed, "add", "--", "agreement.md", ".gitignore")
    git(seed, "commit", "--quiet", "--no-verify", "-m", "old")
    git(seed, "push", "--quiet", str(remote), "main")
    _ok("clone", str(remote), "new", cwd=tmp_path)
    clone = tmp_path / "new"
    configure(clone, MENTEE)
    assert mergedriver.ATTRIBUTE in (clone / ".gitattributes").read_text()
    assert (clone / ".gitattributes").stat().st_mode & 0o777 == 0o644
    output = _ok("commit", cwd=clone)
    assert ".gitattributes" in git(clone, "ls-files")
    assert "committed" in output


def test_a_clone_with_nothing_checked_out_can_switch_as_it_says(pair: Pair, tmp_path: Path) -> None:
    """A bare remote made where git's default branch is master, holding only main: the
    clone checks nothing out and says to `git switch main`, which must then work (it
    failed: the clone had written .gitattributes, which main's checkout would overwrite)."""
    git(pair.remote, "symbolic-ref", "HEAD", "refs/heads/master")
    said = _ok("clone", str(pair.remote), "late", cwd=tmp_path)
    assert "`git -C " in said and " switch main`" in said
    clone = tmp_path / "late"
    git(clone, "switch", "--quiet", "main")
    assert mergedriver.ATTRIBUTE in (clone / ".gitattributes").read_text().splitlines()
    assert git(clone, "status", "--porcelain") == ""


def test_a_private_note_forced_into_git_is_refused_everywhere(pair: Pair) -> None:
    write(pair.ben, "private/mine.md", "Ben's own notes\n")
    git(pair.ben, "add", "--force", "--", "private/mine.md")
    staged = mj("validate", "--staged", cwd=pair.ben)
    assert staged.exit_code == 1 and "private/mine.md:1:1: error[private-staged]" in staged.output
    hooked = commit_through_hook(pair.ben, "-m", "leak")
    assert hooked.returncode != 0 and "private-staged" in hooked.stdout
    # The way out it names is to unstage the note, never to skip the check.
    assert "git restore --staged" in hooked.stdout and "--no-verify" not in hooked.stdout
    git(pair.ben, "commit", "--quiet", "--no-verify", "-m", "leak anyway")
    remote_before = git(pair.remote, "rev-parse", "main")
    result = mj("sync", cwd=pair.ben)
    assert result.exit_code == 1 and "private-staged" in result.output
    assert git(pair.remote, "rev-parse", "main") == remote_before


def test_sync_is_not_blocked_by_what_mj_commit_never_stages(pair: Pair) -> None:
    write(pair.ben, "README.md", "Our journal\n")
    git(pair.ben, "add", "--", "README.md")
    git(pair.ben, "commit", "--quiet", "--no-verify", "-m", "readme")
    write(pair.ben, "README.md", "Our journal, edited\n")  # a tracked non-journal change
    (pair.ben / "sessions" / ".#2025-07-18.md").symlink_to("ben@host.1:1")  # an Emacs lock
    (pair.ben / "sessions" / "2025-07-30.md").symlink_to("nowhere")  # a dangling link
    assert "pushed" in _ok("sync", cwd=pair.ben)
    assert (pair.ben / "README.md").read_text() == "Our journal, edited\n"
    write(pair.ben, "sessions/2025-07-18.md", _session(pair.ben) + "- [ ] @ben New\n")
    refused = mj("sync", cwd=pair.ben)
    assert refused.exit_code == 1 and "mj commit" in refused.output


def test_a_file_one_deleted_and_the_other_changed_needs_a_decision(pair: Pair) -> None:
    goal = (
        "---\ntitle: Portfolio\nstatus: active\nowner: ana\nopened: 2025-07-01\n"
        "success: Two case studies published by 2025-12-01\n---\n"
    )
    _commit(pair.ben, {"goals/portfolio.md": goal}, "goal")
    _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    git(pair.ana, "rm", "--quiet", "goals/portfolio.md")
    _ok("commit", "-m", "drop it", cwd=pair.ana)
    _ok("sync", cwd=pair.ana)
    _commit(pair.ben, {"goals/portfolio.md": goal.replace("active", "paused")}, "pause it")

    stopped = mj("sync", cwd=pair.ben)
    assert stopped.exit_code == 1
    assert "goals/portfolio.md  (they deleted it, you changed it)" in stopped.output
    merged = mj("sync", "--merge", cwd=pair.ben)
    assert merged.exit_code == 1 and "they deleted it, you changed it" in merged.output
    assert "git rm -- FILE" in merged.output and "marker lines" not in merged.output
    undecided = mj("sync", cwd=pair.ben)  # nothing chosen yet: never keep one side silently
    assert undecided.exit_code == 1 and "git rm -- FILE" in undecided.output
    assert (pair.ben / ".git" / "MERGE_HEAD").exists()
    git(pair.ben, "rm", "--quiet", "--", "goals/portfolio.md")
    assert "pushed" in _ok("sync", cwd=pair.ben)
    assert "goals/portfolio.md" not in git(pair.remote, "ls-tree", "-r", "--name-only", "main")


def test_a_clean_merge_started_by_hand_that_is_invalid_is_reported(pair: Pair) -> None:
    goal = (
        "---\ntitle: Portfolio\nstatus: active\nowner: ana\nopened: 2025-07-01\n"
        "success: Two case studies published by 2025-12-01\n---\n"
    )
    _commit(pair.ben, {"goals/portfolio.md": goal}, "goal")
    _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    git(pair.ben, "rm", "--quiet", "goals/portfolio.md")
    _ok("commit", "-m", "drop the goal", cwd=pair.ben)
    _ok("sync", cwd=pair.ben)
    note = SESSION.replace("2025-07-18", "2025-08-01").replace(
        "attendees", "goals: [portfolio]\nattendees"
    )
    _commit(pair.ana, {"sessions/2025-08-01.md": note}, "ana")
    result = mj("sync", "--merge", cwd=pair.ana)
    assert result.exit_code == 1 and "now has errors" in result.output
    assert "unknown-goal" in result.output


def test_a_symlinked_sessions_folder_is_an_error_not_an_empty_journal(pair: Pair) -> None:
    elsewhere = pair.ana.parent / "elsewhere"
    (pair.ana / "sessions").rename(elsewhere)
    (pair.ana / "sessions").symlink_to(elsewhere)
    result = mj("validate", cwd=pair.ana)
    assert result.exit_code == 1
    assert "sessions/:1:1: error[symlink-outside] a symlinked folder" in result.output
    committed = mj("commit", cwd=pair.ana)
    assert committed.exit_code == 1 and "sessions is a symlink" in committed.output
    assert "Traceback" not in committed.output and "beyond a symbolic link" not in committed.output


def test_history_reads_a_commit_dated_before_1970(pair: Pair) -> None:
    text = (pair.ben / "agreement.md").read_text().replace("phase: 1", "phase: 2")
    write(pair.ben, "agreement.md", text)
    git(pair.ben, "add", "--", "agreement.md")
    env = {**os.environ, "GIT_AUTHOR_DATE": "@0 -1200"}
    proc = subprocess.run(
        ["git", "commit", "-q", "--no-verify", "-m", "old clock"],
        cwd=pair.ben,
        env=env,
        capture_output=True,
        check=True,
    )
    assert proc.returncode == 0
    result = mj("history", "--json", cwd=pair.ben)
    assert result.exit_code == 0, result.output
    assert "1969-12-31T12:00:00-12:00" in result.output


def test_sync_after_a_touch_of_a_note_still_moves(pair: Pair) -> None:
    base = _session(pair.ana)
    _commit(pair.ana, {"sessions/2025-07-18.md": base + "- [ ] @ana More\n"}, "more")
    _ok("sync", cwd=pair.ana)
    note = pair.ben / "sessions" / "2025-07-18.md"
    os.utime(note, (note.stat().st_atime + 10, note.stat().st_mtime + 10))
    assert "pulled" in _ok("sync", cwd=pair.ben)
    assert "- [ ] @ana More" in note.read_text()


@pytest.mark.parametrize("value", ['"true"', "1", '"yes"', "True"])
def test_a_confidential_value_written_wrong_still_keeps_the_text_in(pair: Pair, value: str) -> None:
    secret = (
        SESSION.replace("2025-07-18", "2025-07-25")
        .replace("attendees", f"confidential: {value}\nattendees")
        .replace("Read the critique guide", "CANARY see a doctor")
    )
    write(pair.ana, "sessions/2025-07-25.md", secret)
    _ok("new", "session", "--date", "2025-08-01", cwd=pair.ana)
    assert "CANARY" not in (pair.ana / "sessions" / "2025-08-01.md").read_text()
    sponsor = mj("summary", "--audience", "sponsor", "--format", "json", cwd=pair.ana)
    assert "CANARY" not in sponsor.output


def test_a_sponsor_gets_nothing_consent_gated_when_the_agreement_is_unreadable(
    pair: Pair,
) -> None:
    text = (pair.ana / "agreement.md").read_text()
    write(pair.ana, "agreement.md", text.replace("mentor:", "mentor: [unclosed\nx:", 1))
    for fmt in ("text", "json"):
        result = mj("summary", "--audience", "sponsor", "--format", fmt, cwd=pair.ana)
        assert "Kick-off" not in result.output and "critique" not in result.output
        if fmt == "json":
            found = __import__("json").loads(result.stdout)
            assert "goals" not in found and "cadence" not in found and "actions" not in found


def test_one_clash_in_a_note_marks_only_the_clash_and_merges_the_ticks(pair: Pair) -> None:
    """Both rewrote the same heading, and each ticked a different item of the list
    below it (two of them neighbours): the markers hold the heading alone, every tick
    is merged, and resolving the heading is all that is left to do."""
    base = _session(pair.ana)
    lines = base.splitlines(keepends=True)
    first, second = [i for i, line in enumerate(lines) if line.startswith("- [ ]")][:2]
    ana_lines, ben_lines = list(lines), list(lines)
    ana_lines[lines.index("# Kick-off\n")] = "# Kick-off with the design lead\n"
    ben_lines[lines.index("# Kick-off\n")] = "# First session\n"
    ana_lines[first] = lines[first].replace("[ ]", "[x]")
    ben_lines[second] = lines[second].replace("[ ]", "[x]")
    _commit(pair.ana, {"sessions/2025-07-18.md": "".join(ana_lines)}, "ana")
    _commit(pair.ben, {"sessions/2025-07-18.md": "".join(ben_lines)}, "ben")
    _ok("sync", cwd=pair.ana)

    assert mj("sync", cwd=pair.ben).exit_code == 1
    assert mj("sync", "--merge", cwd=pair.ben).exit_code == 1
    text = _session(pair.ben)
    heading = "# First session\n"
    clash = f"<<<<<<< yours\n{heading}=======\n# Kick-off with the design lead\n>>>>>>> theirs\n"
    assert clash in text and text.count("<<<<<<<") == 1
    ticked = [
        line.replace("[ ]", "[x]") if i in (first, second) else line for i, line in enumerate(lines)
    ]
    resolved = "".join(ticked).replace("# Kick-off\n", heading)
    assert text.replace(clash, heading) == resolved

    write(pair.ben, "sessions/2025-07-18.md", resolved)
    assert "merge finished" in _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    assert _session(pair.ana) == _session(pair.ben)
    assert _session(pair.ana).count("- [x]") == 2


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "expected"),
    [
        # The clash alone is marked; the tick two lines on merges.
        (
            "p\n- [ ] a\n- [ ] b\n",
            "p1\n- [ ] a\n- [ ] b\n",
            "p2\n- [ ] a\n- [x] b\n",
            "<<<<<<<<< yours\np1\n=========\np2\n>>>>>>>>> theirs\n- [ ] a\n- [x] b\n",
        ),
        # Ticks on the lines beside the clash, one each side, merge outside the markers.
        (
            "p\n- [ ] a\n- [ ] b\n",
            "p1\n- [x] a\n- [ ] b\n",
            "p2\n- [ ] a\n- [x] b\n",
            "<<<<<<<<< yours\np1\n=========\np2\n>>>>>>>>> theirs\n- [x] a\n- [x] b\n",
        ),
        # A tick between two lines both rewrote stays in the clash: it is among its lines.
        (
            "p\n- [ ] a\nq\n",
            "p1\n- [ ] a\nq1\n",
            "p2\n- [x] a\nq2\n",
            "<<<<<<<<< yours\np1\n- [ ] a\nq1\n=========\np2\n- [x] a\nq2\n>>>>>>>>> theirs\n",
        ),
        # A last line without its newline gets one, so no marker joins it.
        ("x\ny", "x\ny1", "x\ny2", "x\n<<<<<<<<< yours\ny1\n=========\ny2\n>>>>>>>>> theirs\n"),
    ],
)
def test_the_driver_marks_only_what_clashes(
    tmp_path: Path, base: str, ours: str, theirs: str, expected: str
) -> None:
    paths = []
    for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    assert mergedriver.run_driver([*paths, "9", "sessions/2025-07-18.md"]) == 1
    assert (tmp_path / "ours").read_text() == expected


def test_the_driver_marks_a_crlf_note_in_crlf(tmp_path: Path) -> None:
    """As git's own merge does: in a note with CRLF line ends the markers (and the end
    given to a last line without one) are CRLF too, not LF lines amid CRLF ones."""
    base = b"x\r\n\r\n- [ ] a\r\n\r\ny"
    ours, theirs = base.replace(b"x", b"x1") + b"1", base.replace(b"[ ]", b"[x]") + b"2"
    texts = {"base": base, "ours": ours, "theirs": theirs}
    for name, data in texts.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / name) for name in texts]
    assert mergedriver.run_driver([*paths, "7", "sessions/2025-07-18.md"]) == 1
    assert (tmp_path / "ours").read_bytes() == (
        b"x1\r\n\r\n- [x] a\r\n\r\n<<<<<<< yours\r\ny1\r\n=======\r\ny2\r\n>>>>>>> theirs\r\n"
    )
