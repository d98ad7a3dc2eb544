"""`mj validate`: output formats, paths, --staged, the sample journal."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from shutil import copytree

import pytest
from conftest import DATA, SAMPLE, mj
from gitutil import git, make_repo


def test_sample_journal_validates_clean_even_when_strict() -> None:
    result = mj("validate", "--strict", "--json", cwd=SAMPLE)
    assert json.loads(result.stdout) == {"ok": True, "findings": []}
    assert result.exit_code == 0


def test_json_shape_is_exactly_the_spec(journal: Path) -> None:
    (journal / "sessions" / "2025-07-18.md").write_text(
        "---\ndate: 2025-07-18\nattendees: [ana, bob]\n---\n"
    )
    result = mj("validate", "--json", cwd=journal)
    report = json.loads(result.stdout)
    assert list(report) == ["ok", "findings"]
    assert report["findings"] == [
        {
            "path": "sessions/2025-07-18.md",
            "line": 3,
            "column": 18,
            "severity": "error",
            "code": "unknown-person",
            "message": "attendee 'bob' is not in the agreement",
        }
    ]
    assert result.exit_code == 1


def test_human_output_lines_and_sorting(journal: Path) -> None:
    (journal / "sessions" / "2025-07-18.md").write_text(
        "---\ndate: 2025-07-18\nattendees: [ana, bob]\nkind: chat\n---\n- [ ] @zed x\n"
    )
    (journal / "goals" / "portfolio.md").write_text(
        "---\ntitle: P\nstatus: done\nopened: 2025-07-01\nsuccess: S\n---\n"
    )
    result = mj("validate", cwd=journal)
    lines = result.stdout.strip().split("\n")
    pattern = re.compile(r"^[\w/.-]+:\d+:\d+: (error|warning)\[[a-z0-9-]+\] .+$")
    assert all(pattern.match(line) for line in lines), lines
    assert [line.split(": ")[0] for line in lines] == [
        "goals/portfolio.md:3:1",
        "sessions/2025-07-18.md:3:18",
        "sessions/2025-07-18.md:4:1",
        "sessions/2025-07-18.md:6:7",
    ]
    assert "3 errors" in result.stderr or "4 errors" in result.stderr
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_paths_limit_the_report(journal: Path) -> None:
    (journal / "sessions" / "2025-07-18.md").write_text("---\ndate: 2025-07-18\n---\n")
    (journal / "goals" / "portfolio.md").write_text("---\ntitle: P\n---\n")
    only_goal = mj("validate", "--json", "goals/portfolio.md", cwd=journal)
    assert {f["path"] for f in json.loads(only_goal.stdout)["findings"]} == {"goals/portfolio.md"}
    folder = mj("validate", "--json", str(journal / "sessions"), cwd=journal)
    assert {f["path"] for f in json.loads(folder.stdout)["findings"]} == {"sessions/2025-07-18.md"}


@pytest.mark.parametrize("staged", [False, True])
def test_a_path_that_names_nothing_is_a_usage_error(tmp_path: Path, staged: bool) -> None:
    repo = make_repo(tmp_path / "repo")
    copytree(DATA / "base-journal", repo, dirs_exist_ok=True)
    git(repo, "add", "--", ".")
    flags = ["--staged"] if staged else []
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# not in the journal\n")

    typo = mj("validate", *flags, "sessions/2025-07-18.md", "sesions/typo.md", cwd=repo)
    assert typo.exit_code == 2
    assert "Error: Invalid value for PATH: sesions/typo.md: no such file" in typo.output
    assert "all valid" not in typo.output
    away = mj("validate", *flags, "agreement.md", str(outside), cwd=repo)
    assert away.exit_code == 2
    assert f"{outside}: not inside the journal at {repo}" in away.output
    # The executable (its fast path hands paths to click) says the same.
    proc = subprocess.run(
        [sys.executable, "-m", "mentorjournal", "validate", *flags, "sesions/typo.md"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "sesions/typo.md: no such file" in proc.stderr


def test_a_staged_file_deleted_from_the_working_tree_can_still_be_named(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    copytree(DATA / "base-journal", repo, dirs_exist_ok=True)
    git(repo, "add", "--", ".")
    (repo / "sessions" / "2025-07-18.md").unlink()

    result = mj("validate", "--staged", "sessions/2025-07-18.md", cwd=repo)

    assert result.exit_code == 0, result.output
    assert "1 file checked: all valid" in result.output


def test_unknown_keys_are_warnings_and_fail_only_with_strict(journal: Path) -> None:
    path = journal / "sessions" / "2025-07-18.md"
    path.write_text("---\ndate: 2025-07-18\nattendees: [ana]\nmood: great\n---\n")
    assert mj("validate", cwd=journal).exit_code == 0
    strict = mj("validate", "--strict", "--json", cwd=journal)
    assert strict.exit_code == 1
    assert json.loads(strict.stdout)["ok"] is False


def test_out_of_range_and_empty_values_are_worded_for_people(journal: Path) -> None:
    (journal / "sessions" / "2025-07-18.md").write_text(
        "---\ndate: 2025-07-18\nattendees: []\nduration: 0\n"
        "ratings: {Portfolio: 3, portfolio: 7}\n---\n"
    )
    said = mj("validate", cwd=journal).output
    prefix = "sessions/2025-07-18.md:"
    assert f"{prefix}3:1: error[invalid-value] attendees must list at least one entry" in said
    assert f"{prefix}4:1: error[invalid-value] duration must be at least 1, not 0" in said
    assert (
        f"{prefix}5:1: error[invalid-value] ratings 'Portfolio' is not valid: expected a goal "
        "id (lowercase letters, digits, -)"
    ) in said
    assert "error[invalid-rating] rating for 'portfolio' must be between 1 and 5, not 7" in said


def test_staged_checks_the_index_not_the_working_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    journal = repo / "pairs" / "ana-ben"
    from shutil import copytree

    copytree(DATA / "base-journal", journal)
    git(repo, "add", "--", ".")
    (journal / "sessions" / "2025-07-18.md").write_text("---\nbroken: [\n")
    assert mj("validate", "--staged", cwd=journal).exit_code == 0
    assert mj("validate", cwd=journal).exit_code == 1
    git(repo, "add", "--", "pairs/ana-ben/sessions/2025-07-18.md")
    (journal / "sessions" / "2025-07-18.md").write_text(
        (DATA / "base-journal" / "sessions" / "2025-07-18.md").read_text()
    )
    staged = mj("validate", "--staged", "--json", cwd=journal)
    assert staged.exit_code == 1
    assert json.loads(staged.stdout)["findings"][0]["path"] == "sessions/2025-07-18.md"


def test_staged_outside_git_is_refused(journal: Path) -> None:
    result = mj("validate", "--staged", cwd=journal)
    assert result.exit_code == 1
    assert "needs a git repository" in result.output


def test_other_markdown_is_ignored_unless_typed(journal: Path) -> None:
    (journal / "README.md").write_text("# Our journal\n\n- [ ] @nobody not an item\n")
    (journal / "docs").mkdir()
    (journal / "docs" / "note.md").write_text("---\ntype: session\ndate: 2025-07-30\n---\n")
    report = json.loads(mj("validate", "--json", cwd=journal).stdout)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("docs/note.md", "missing-key")]


def test_typed_markdown_that_cannot_be_read_is_reported_not_skipped(journal: Path) -> None:
    # A file carrying `type:` is checked (SPEC), but one whose front matter failed to
    # read, or whose type was mistyped, was dropped in silence: exit 0, nothing said.
    (journal / "docs").mkdir()
    notes = {
        "docs/dup.md": "---\ntype: session\ntype: session\ndate: 2025-07-30\n---\n",
        "docs/tag.md": "---\ntype: goal\ntitle: !!python/name:os.system\n---\n",
        "docs/typo.md": "---\ntype: sesion\ndate: 2025-07-30\n---\n- [ ] @zed x\n",
    }
    for path, text in notes.items():
        (journal / path).write_text(text)
    result = mj("validate", "--json", cwd=journal)
    found = [(f["path"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [
        ("docs/dup.md", "duplicate-key"),
        ("docs/tag.md", "yaml-tag"),
        ("docs/typo.md", "unknown-type"),
    ]
    assert result.exit_code == 1
    # A type of the pair's own is a warning, as an unknown key is; a typo gets a hint.
    said = mj("validate", "docs/typo.md", cwd=journal)
    assert said.exit_code == 0 and "warning[unknown-type]" in said.output
    assert "type 'sesion' is neither goal nor session" in said.output
    assert "(did you mean 'session'?)" in said.output
    assert "@zed" not in mj("status", "--today", "2025-08-01", cwd=journal).output


def test_type_only_in_a_body_or_an_untyped_note_s_items_say_nothing(journal: Path) -> None:
    # `type:` in a README's body (a YAML example) is no `type:` key in front matter:
    # such a file was warned "type None is neither goal nor session". And the items of
    # a note mj reads as neither are no one's: their bad dates made errors (exit 1, a
    # blocked commit, "some items may be missing" in mj status) for a file mj ignores.
    (journal / "README.md").write_text("---\ntitle: Readme\n---\n```yaml\ntype: x\n```\n")
    (journal / "note.md").write_text("---\ntype: note\n---\n- [ ] @ana x due:2025-13-40\n")
    result = mj("validate", "--json", cwd=journal)
    found = [(f["path"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert (found, result.exit_code) == ([("note.md", "unknown-type")], 0)
    assert "missing" not in mj("status", "--today", "2025-08-01", cwd=journal).output
    (journal / "note.md").write_text("---\ntype:\n---\n")  # said "type None is ..."
    assert "type (empty) is neither" in mj("validate", "note.md", cwd=journal).output


def test_nested_journal_is_its_own(journal: Path) -> None:
    inner = journal / "pairs" / "other"
    inner.mkdir(parents=True)
    (inner / "agreement.md").write_text("---\nnot: valid\n---\n")
    assert mj("validate", cwd=journal).exit_code == 0
    assert mj("validate", cwd=inner).exit_code == 1


def test_usage_error_exits_two(journal: Path) -> None:
    assert mj("validate", "--bogus", cwd=journal).exit_code == 2
    assert mj("status", "--today", "2025-02-30", cwd=journal).exit_code == 2


def test_each_missing_key_is_one_finding_and_status_says_files_have_errors(
    journal: Path,
) -> None:
    # jsonschema reports each missing required key as an error of its own, each naming
    # every required key: four missing keys made sixteen findings, and the note below
    # `mj status` counted all of them while `mj validate` (which drops repeats) showed four.
    # The note gives no count now (validate's also holds errors between files).
    (journal / "goals" / "talk.md").write_text("---\nowner: ana\n---\n")
    make_repo(journal)  # the fast path answers from the cache that a first run keeps there
    git(journal, "add", "--", ".")
    git(journal, "commit", "--quiet", "--no-verify", "-m", "journal")
    from mentorjournal.checks.validate import check_document
    from mentorjournal.format.document import parse_document

    doc = parse_document("goals/talk.md", (journal / "goals" / "talk.md").read_bytes())
    missing = [f.message for f in check_document(doc) if f.code == "missing-key"]
    assert len(missing) == len(set(missing)) >= 3
    report = json.loads(mj("validate", "--json", cwd=journal).stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert {f["path"] for f in errors} == {"goals/talk.md"}
    said = "Some files have errors, so some items may be missing: `mj validate` shows them."
    assert said in mj("status", "--today", "2025-08-01", cwd=journal).stderr
    from mentorjournal.cli import fastpath

    err = io.StringIO()
    assert fastpath.run(["-C", str(journal), "status"], io.StringIO(), err) == 0
    assert said in err.getvalue()


def test_a_shared_note_naming_a_private_goal_is_refused_before_commit_too(
    tmp_path: Path,
) -> None:
    """Found by an adversarial trial: the working tree's check resolved a shared note's
    goal links against private/ goals too, so `mj validate` (and watch, and the editor)
    said "valid" and the pre-commit check, which sees what is committed, said
    unknown-goal. A private note may still name any goal."""
    root = make_repo(tmp_path / "j")
    copytree(DATA / "base-journal", root, dirs_exist_ok=True)
    (root / ".gitignore").write_text("private/\n")
    goal = (root / "goals" / "portfolio.md").read_text()
    (root / "private" / "goals").mkdir(parents=True)
    (root / "private" / "goals" / "side-plan.md").write_text(goal)
    shared = "---\ndate: 2025-08-01\nattendees: [ana, ben]\ngoals: [side-plan]\n---\n"
    (root / "sessions" / "2025-08-01.md").write_text(shared)
    (root / "private" / "sessions").mkdir()
    (root / "private" / "sessions" / "2025-08-02.md").write_text(shared.replace("01", "02"))
    git(root, "add", "--", ".")

    def unknown(*args: str) -> list[tuple[str, int]]:
        found = json.loads(mj("validate", "--json", *args, cwd=root).stdout)["findings"]
        return [(f["path"], f["line"]) for f in found if f["code"] == "unknown-goal"]

    assert unknown() == unknown("--staged") == [("sessions/2025-08-01.md", 4)]


def test_an_unreadable_agreement_is_one_error_not_one_per_handle(tmp_path: Path) -> None:
    """Found by a coordinator's trial: with the agreement's YAML broken, every attendee
    and owner of every note was also "not in the agreement" (24 errors for one slip in
    a pair of 6 sessions), and `mj program` showed the pair with 24 errors."""
    repo = make_repo(tmp_path / "repo")
    copytree(DATA / "base-journal", repo, dirs_exist_ok=True)
    agreement = repo / "agreement.md"
    agreement.write_text(agreement.read_text().replace("mentor:", "mentor: [", 1))
    for args in (("validate", "--json"), ("validate", "--staged", "--json")):
        git(repo, "add", "--", ".")
        result = mj(*args, cwd=repo)
        found = json.loads(result.stdout)["findings"]
        errors = [(f["path"], f["code"]) for f in found if f["severity"] == "error"]
        assert errors == [("agreement.md", "yaml-syntax")]
        assert result.exit_code == 1
    (repo / "sessions" / "2025-09-01.md").write_text(
        "---\ndate: 2025-09-01\nattendees: [ana, ben]\n---\n\n- [ ] @ana Write it\n"
    )
    git(repo, "add", "--", ".")  # one more note: the staged check of a session alone
    staged = json.loads(mj("validate", "--staged", "--json", cwd=repo).stdout)["findings"]
    assert [f["code"] for f in staged if f["severity"] == "error"] == ["yaml-syntax"]
    rows = json.loads(mj("program", "--format", "json", cwd=repo).stdout)["pairs"]
    assert [row["errors"] for row in rows] == [1]


def test_someone_in_others_who_is_already_mentor_or_mentee(journal: Path) -> None:
    """`others` naming the mentor again is a duplicate-person error at that handle. Found
    walking uncovered lines: with no handle in `mentor` nor in an `others` entry, the
    check also said "None is already the mentor" beside the two missing-key errors."""
    agreement = journal / "agreement.md"
    text = agreement.read_text()
    agreement.write_text(text.replace("handle: carla", "handle: ben"))
    said = mj("validate", cwd=journal).output
    assert "agreement.md:9:5: error[duplicate-person] 'ben' is already the mentor" in said
    nameless = text.replace("  handle: ben\n", "").replace("  - handle: carla\n    ", "  - ")
    agreement.write_text(nameless)
    found = json.loads(mj("validate", "--json", cwd=journal).stdout)["findings"]
    codes = {(f["code"], f["message"]) for f in found if f["path"] == "agreement.md"}
    assert {
        ("missing-key", "missing required key 'mentor.handle'"),
        ("missing-key", "missing required key 'others[0].handle'"),
    } <= codes
    assert "duplicate-person" not in {code for code, _ in codes}


def test_schema_messages_for_dates_and_empty_text(journal: Path) -> None:
    goal = journal / "goals" / "portfolio.md"
    text = goal.read_text().replace("target: 2025-12-01", 'target: "2025-12"')
    goal.write_text(text.replace("title: Portfolio site", 'title: ""'))
    session = journal / "sessions" / "2025-07-04-kickoff.md"
    session.write_text(session.read_text().replace("date: 2025-07-04", 'date: "2025-02-30"', 1))
    findings = json.loads(mj("validate", "--json", cwd=journal).stdout)["findings"]
    assert sorted((f["path"], f["line"], f["message"]) for f in findings) == [
        ("goals/portfolio.md", 2, "title must not be empty"),
        # One finding for a date not written YYYY-MM-DD (there were two).
        ("goals/portfolio.md", 5, "target should be a date YYYY-MM-DD, not '2025-12'"),
        ("sessions/2025-07-04-kickoff.md", 2, "date '2025-02-30' is not a real date"),
    ]


def test_a_sponsor_consent_listed_twice_is_named_where(journal: Path) -> None:
    agreement = journal / "agreement.md"
    text = agreement.read_text()
    end = text.index("\n---", 3)
    agreement.write_text(f"{text[:end]}\nconsent: {{sponsor: [goals, goals]}}{text[end:]}")
    result = mj("validate", cwd=journal)
    assert result.exit_code == 1
    assert re.search(
        r"agreement\.md:\d+:\d+: error\[schema\] consent\.sponsor: .*non-unique", result.output
    )
