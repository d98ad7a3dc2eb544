"""`mj new session/goal` and `mj done`: new files that validate, ticks that change one line."""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import DATA, mj
from gitutil import SMALL_AGREEMENT as AGREEMENT

from mentorjournal.cli.app import main
from mentorjournal.journal import load_journal
from mentorjournal.model import ActionItem


@pytest.fixture
def fixture_journal(tmp_path: Path) -> Path:
    root = tmp_path / "journal"
    shutil.copytree(DATA / "summary-journal", root)
    return root


def small_journal(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = tmp_path / "small"
    (root / "sessions").mkdir(parents=True)
    (root / "goals").mkdir()
    (root / "agreement.md").write_bytes(AGREEMENT)
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def item(root: Path, text: str) -> ActionItem:
    found = [i for i in load_journal(root).items() if i.text.startswith(text)]
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- new session


def test_new_session_is_prefilled_and_validates(fixture_journal: Path) -> None:
    result = mj("new", "session", "--today", "2025-03-17", cwd=fixture_journal)
    assert result.exit_code == 0, result.output
    assert "sessions/2025-03-17.md" in result.output
    text = (fixture_journal / "sessions" / "2025-03-17.md").read_text(encoding="utf-8")
    assert text.startswith("---\ndate: 2025-03-17\nattendees:\n- ana\n- ben\nkind: regular\n")
    assert "goals:\n- portfolio\n" in text  # active goals only; talk is paused
    assert "agenda_by: ana\nmode: video\nduration: 45\n" in text
    for section in ("## Agenda", "## Review", "## Notes", "## Decisions", "## Next actions"):
        assert section in text
    # Open items are referenced under their owner with id, due date and place, never
    # re-checkboxed.
    meetup = item(fixture_journal, "Find a meetup")
    review = text.split("## Review")[1].split("## Notes")[0]
    assert "### @ana" in review
    assert (
        f"- `{meetup.id}` Find a meetup #talk, due 2025-02-01 (overdue) (goals/talk.md:10)"
        in review.split("### @ana")[1]
    )
    assert "[ ]" not in text.split("## Review")[1].split("## Notes")[0]
    assert "Confirm the learning budget, due 2025-03-10 (overdue)" in text
    assert "What helped you grow" not in text
    assert mj("validate", "--strict", cwd=fixture_journal).exit_code == 0
    # Nothing new to tick: the review lines are not items.
    assert len(load_journal(fixture_journal).items()) == 11


def test_new_session_retro_and_closing_prompts(fixture_journal: Path) -> None:
    result = mj(
        "new", "session", "--date", "2025-04-01", "--slug", "retro", "--kind", "retro",
        cwd=fixture_journal,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    retro = (fixture_journal / "sessions" / "2025-04-01-retro.md").read_text(encoding="utf-8")
    assert "kind: retro" in retro
    assert "### What helped you grow this period?" in retro
    assert "### Which barrier slowed progress, and how might we overcome it?" in retro
    assert "### What should we change in cadence, format or goals?" in retro
    result = mj("new", "session", "--date", "2025-05-01", "--kind", "closing", cwd=fixture_journal)
    closing = (fixture_journal / "sessions" / "2025-05-01.md").read_text(encoding="utf-8")
    assert "### Closing reflection" in closing
    assert mj("validate", "--strict", cwd=fixture_journal).exit_code == 0


def test_first_session_is_a_kickoff(tmp_path: Path) -> None:
    root = small_journal(tmp_path, {})
    assert mj("new", "session", "--today", "2025-07-01", cwd=root).exit_code == 0
    text = (root / "sessions" / "2025-07-01.md").read_text(encoding="utf-8")
    assert "kind: kickoff" in text
    assert "- Nothing overdue, due or new." in text
    assert mj("validate", cwd=root).exit_code == 0


def test_new_session_never_overwrites(fixture_journal: Path) -> None:
    path = fixture_journal / "sessions" / "2025-01-20.md"
    before = path.read_bytes()
    result = mj("new", "session", "--date", "2025-01-20", cwd=fixture_journal)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_bytes() == before
    assert "Traceback" not in result.output


def test_new_session_bad_slug_and_date(fixture_journal: Path) -> None:
    result = mj(
        "new", "session", "--slug", "Bad Slug", "--today", "2025-03-17", cwd=fixture_journal
    )
    assert result.exit_code == 2  # a usage error, with the usage line
    assert "slug 'Bad Slug'" in result.output and "new session [OPTIONS]" in result.output
    assert mj("new", "session", "--date", "2025-02-30", cwd=fixture_journal).exit_code == 2
    assert not list((fixture_journal / "sessions").glob("2025-03-17*"))


def test_new_session_refuses_an_agreement_it_cannot_read(fixture_journal: Path) -> None:
    """Broken YAML, or no mentee handle: the note cannot say who attends, so none is
    written and the message says to fix the agreement first."""
    agreement = fixture_journal / "agreement.md"
    text = agreement.read_text()
    for broken, said in (
        (
            text.replace("mentor: {", "mentor: [{", 1),
            "agreement.md cannot be read; run `mj validate`",
        ),
        (text.replace("{handle: ana, ", "{", 1), "agreement.md has no mentee handle; fix it"),
    ):
        agreement.write_text(broken)
        result = mj("new", "session", "--date", "2025-03-17", cwd=fixture_journal)
        assert result.exit_code == 1 and said in result.output, result.output
        assert not list((fixture_journal / "sessions").glob("2025-03-17*"))


def test_new_session_edit_runs_editor(fixture_journal: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf -- "- [ ] @ana Added in the editor\\n" >> "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    result = CliEnv(EDITOR=str(editor), VISUAL=str(editor)).run(
        "new", "session", "--today", "2025-03-17", "--edit", cwd=fixture_journal
    )
    assert result.exit_code == 0, result.output
    text = (fixture_journal / "sessions" / "2025-03-17.md").read_text(encoding="utf-8")
    assert text.endswith("- [ ] @ana Added in the editor\n")
    assert item(fixture_journal, "Added in the editor").path == "sessions/2025-03-17.md"
    assert mj("validate", cwd=fixture_journal).exit_code == 0


class CliEnv:
    """Run mj with extra environment variables (EDITOR) for one call."""

    def __init__(self, **env: str) -> None:
        self.env = env

    def run(self, *args: str, cwd: Path) -> Result:
        return CliRunner(env=self.env).invoke(main, ["-C", str(cwd), *args])


# ---------------------------------------------------------------- new goal


def test_new_goal_validates(fixture_journal: Path) -> None:
    result = mj(
        "new", "goal", "critique", "--title", "Lead a critique", "--success",
        "Two critiques facilitated by 2025-06-01", "--target", "2025-06-01",
        "--today", "2025-03-03", cwd=fixture_journal,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (fixture_journal / "goals" / "critique.md").read_text(encoding="utf-8")
    assert text.startswith(
        "---\ntitle: Lead a critique\nstatus: active\nowner: ana\nopened: 2025-03-03\n"
        "target: 2025-06-01\nsuccess: Two critiques facilitated by 2025-06-01\n---\n"
    )
    assert "## Success criterion" in text
    assert "## Milestones" in text
    assert mj("validate", "--strict", cwd=fixture_journal).exit_code == 0
    # It becomes an active goal of the next session.
    mj("new", "session", "--today", "2025-03-17", cwd=fixture_journal)
    session = (fixture_journal / "sessions" / "2025-03-17.md").read_text(encoding="utf-8")
    assert "goals:\n- critique\n- portfolio\n" in session


def test_new_goal_without_success_says_both_places_to_write_it(fixture_journal: Path) -> None:
    """Found by a newcomer's trial: the note said to write the criterion in `success:`
    only; done so, a placeholder warning stayed for the body's "Success criterion"."""
    result = mj("new", "goal", "critique", "--title", "Lead a critique", cwd=fixture_journal)
    assert "in `success:` and under its heading" in result.output
    goal = fixture_journal / "goals" / "critique.md"
    text = goal.read_text(encoding="utf-8")  # as an editor would: where the note says
    text = re.sub(r"success: '[^']*'\n", "success: Two critiques led by June\n", text)
    text = re.sub(r"\nReplace with [^\n]*\n", "\nBy June\n", text)
    goal.write_text(text, encoding="utf-8")
    assert mj("validate", "--strict", cwd=fixture_journal).exit_code == 0


def test_new_goal_refusals(fixture_journal: Path) -> None:
    before = (fixture_journal / "goals" / "talk.md").read_bytes()
    result = mj("new", "goal", "talk", "--title", "Again", cwd=fixture_journal)
    assert result.exit_code == 1 and "already exists" in result.output
    assert (fixture_journal / "goals" / "talk.md").read_bytes() == before
    result = mj("new", "goal", "Bad_Id", "--title", "X", cwd=fixture_journal)
    assert result.exit_code == 2 and "goal id 'Bad_Id'" in result.output
    result = mj(
        "new", "goal", "late", "--title", "X", "--target", "2025-01-01", "--today", "2025-03-03",
        cwd=fixture_journal,
    )  # fmt: skip
    assert result.exit_code == 1 and "before the goal is opened" in result.output
    assert mj("new", "goal", "x", cwd=fixture_journal).exit_code == 2  # --title is required
    result = mj("new", "goal", "x", "--title", "  ", cwd=fixture_journal)
    assert result.exit_code == 2 and "Error: a goal needs a title (--title)" in result.output
    assert not (fixture_journal / "goals" / "x.md").exists()


def test_new_goal_where_no_file_can_be(fixture_journal: Path) -> None:
    """goals/ a file, or an id too long for a file name: refused naming the path and the
    system's reason (write_refusal's lstat), never a traceback; no test reached it."""
    long_id = "a" * 300
    result = mj("new", "goal", long_id, "--title", "T", cwd=fixture_journal)
    assert result.exit_code == 1 and "cannot be used: File name too long" in result.output
    shutil.rmtree(fixture_journal / "goals")
    (fixture_journal / "goals").write_text("x\n")
    result = mj("new", "goal", "g", "--title", "T", cwd=fixture_journal)
    assert result.exit_code == 1
    assert f"{fixture_journal / 'goals' / 'g.md'} cannot be used: Not a directory" in result.output
    assert (fixture_journal / "goals").read_text() == "x\n"


def test_new_goal_without_success_still_validates(fixture_journal: Path) -> None:
    result = mj("new", "goal", "reading", "--title", "Read more", cwd=fixture_journal)
    assert result.exit_code == 0
    assert mj("validate", cwd=fixture_journal).exit_code == 0


# ---------------------------------------------------------------- done


def done(root: Path, wanted: str, today: str = "2025-08-05") -> Result:
    return mj("done", wanted, "--today", today, cwd=root)


def test_done_lf_due_syntax(tmp_path: Path) -> None:
    before = (
        b"---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n\n## Next actions\n\n"
        b"- [ ] @ana Draft case study 1 due:2025-08-01 #portfolio\n"
        b"- [ ] @ben Other item\n"
    )
    root = small_journal(tmp_path, {"sessions/2025-07-18.md": before})
    target = item(root, "Draft case study 1")
    result = done(root, target.id)
    assert result.exit_code == 0, result.output
    after = (root / "sessions" / "2025-07-18.md").read_bytes()
    assert after == before.replace(
        b"- [ ] @ana Draft case study 1 due:2025-08-01 #portfolio\n",
        b"- [x] @ana Draft case study 1 due:2025-08-01 #portfolio done:2025-08-05\n",
    )
    ticked = item(root, "Draft case study 1")
    assert (ticked.state, ticked.done, ticked.id) == ("done", "2025-08-05", target.id)


def test_done_crlf_bom_nested_obsidian_due(tmp_path: Path) -> None:
    before = (
        b"\xef\xbb\xbf---\r\ndate: 2025-07-18\r\nattendees: [ana, ben]\r\n---\r\n\r\n"
        b"- [ ] @ana Parent item\r\n"
        b"  - [ ] @ana Nested items count too \xf0\x9f\x93\x85 2025-08-03\r\n"
        b"  - [x] @ben Already done done:2025-07-20\r\n"
        b"tail without newline"
    )
    root = small_journal(tmp_path, {"sessions/2025-07-18.md": before})
    result = done(root, item(root, "Nested items").id)
    assert result.exit_code == 0, result.output
    after = (root / "sessions" / "2025-07-18.md").read_bytes()
    assert after == before.replace(
        b"  - [ ] @ana Nested items count too \xf0\x9f\x93\x85 2025-08-03\r\n",
        "  - [x] @ana Nested items count too 📅 2025-08-03 ✅ 2025-08-05\r\n".encode(),
    )
    assert item(root, "Parent item").state == "open"


def test_done_dataview_due_in_ordered_list_keeps_trailing_blanks(tmp_path: Path) -> None:
    before = (
        b"---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n\n"
        b"1. [ ] @ana Thing with a dataview date [due:: 2025-08-01]  \n"
        b"2. [ ] @ana Second\n"
    )
    root = small_journal(tmp_path, {"sessions/2025-07-18.md": before})
    assert done(root, item(root, "Thing with").id).exit_code == 0
    after = (root / "sessions" / "2025-07-18.md").read_bytes()
    assert after == before.replace(
        b"1. [ ] @ana Thing with a dataview date [due:: 2025-08-01]  \n",
        b"1. [x] @ana Thing with a dataview date [due:: 2025-08-01] [completion:: 2025-08-05]  \n",
    )


def test_done_keeps_an_existing_done_date_and_works_in_goals(tmp_path: Path) -> None:
    goal = (
        b"---\ntitle: T\nstatus: active\nopened: 2025-07-01\nsuccess: S\n---\n\n"
        b"> - [ ] Milestone in a quote done:2025-07-30\n"
    )
    root = small_journal(tmp_path, {"goals/g.md": goal})
    target = item(root, "Milestone in a quote")
    assert target.owners == ("ana",)  # inherited from the goal
    result = done(root, target.id[:4])
    assert result.exit_code == 0, result.output
    assert (root / "goals" / "g.md").read_bytes() == goal.replace(b"[ ]", b"[x]")
    assert "2025-07-30" in result.output


def test_done_keeps_file_mode(tmp_path: Path) -> None:
    before = b"---\ndate: 2025-07-18\nattendees: [ana]\n---\n- [ ] @ana Mode\n"
    root = small_journal(tmp_path, {"sessions/2025-07-18.md": before})
    path = root / "sessions" / "2025-07-18.md"
    path.chmod(0o640)
    assert done(root, item(root, "Mode").id).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".mj-tmp")]


def test_done_refuses_done_cancelled_unknown_and_ambiguous(tmp_path: Path) -> None:
    before = (
        b"---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n\n"
        b"- [x] @ana Finished done:2025-07-20\n"
        b"- [-] @ana Dropped\n"
        b"- [ ] @ana First explicit \xf0\x9f\x86\x94 abcd01\n"
        b"- [ ] @ana Second explicit [id:: abcd02]\n"
    )
    root = small_journal(tmp_path, {"sessions/2025-07-18.md": before})
    path = root / "sessions" / "2025-07-18.md"

    result = done(root, item(root, "Finished").id)
    assert result.exit_code == 1
    finished = item(root, "Finished").id
    said = f"already done on 2025-07-20 (sessions/2025-07-18.md:6); `mj reopen {finished}` opens"
    assert said in " ".join(result.output.split())

    result = done(root, item(root, "Dropped").id)
    assert result.exit_code == 1 and "cancelled" in result.output

    result = done(root, "abcd")
    assert result.exit_code == 1
    out = result.output
    assert "matches 2 items" in out
    assert "abcd01  sessions/2025-07-18.md:8  First explicit" in out
    assert "abcd02  sessions/2025-07-18.md:9  Second explicit" in out

    result = done(root, "abcd03")
    out = result.output
    assert result.exit_code == 1 and "no action item with id 'abcd03'" in out
    assert "close matches" in out and "sessions/2025-07-18.md:8" in out

    result = done(root, "ab")
    assert result.exit_code == 1
    assert path.read_bytes() == before

    # The exact id still works when another id extends it.
    assert done(root, "abcd02").exit_code == 0
    assert b"- [x] @ana Second explicit [id:: abcd02] [completion:: 2025-08-05]\n" in (
        path.read_bytes()
    )


def test_done_on_the_fixture_journal_then_status(fixture_journal: Path) -> None:
    target = item(fixture_journal, "Write case study 1")
    result = done(fixture_journal, target.id, "2025-03-04")
    assert result.exit_code == 0
    assert f"done    {target.id}" in result.output
    assert mj("validate", cwd=fixture_journal).exit_code == 0
    status = mj("status", "--json", "--today", "2025-03-04", cwd=fixture_journal).output
    assert target.id not in status
