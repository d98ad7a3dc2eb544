"""The parse cache changes speed, never results: every command, with and without it."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, mj
from gitutil import git, make_repo

from mentorjournal.digest import blob_id
from mentorjournal.index import cachefile, gitstate


def cache_file(root: Path) -> Path:
    """Where the parse cache of the journal at ``root`` lives."""
    location = gitstate.git_location(str(root))
    return Path(cachefile.cache_path(str(root), location[0] if location else None, "cache"))


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMMANDS = [
    ("validate", "--json"),
    ("validate", "--json", "--staged"),
    ("status", "--json", "--today", "2026-11-21"),
    ("status", "--today", "2026-11-21", "--owner", "ana"),
]


def _both_ways(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for command in COMMANDS:
        monkeypatch.setenv("MJ_NO_CACHE", "1")
        plain = mj(*command, cwd=root)
        monkeypatch.delenv("MJ_NO_CACHE")
        cold = mj(*command, cwd=root)
        warm = mj(*command, cwd=root)
        assert (cold.exit_code, cold.stdout) == (plain.exit_code, plain.stdout), command
        assert (warm.exit_code, warm.stdout) == (plain.exit_code, plain.stdout), command


def test_sample_journal_same_results_with_and_without_cache(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _both_ways(sample_repo, monkeypatch)
    assert cache_file(sample_repo).exists()


def test_generated_journal_same_results_with_and_without_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "big"
    _generator().generate(root, 500, 7, True)  # type: ignore[attr-defined]
    _both_ways(root, monkeypatch)


def test_edits_reverts_and_untracked_files_are_seen(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mj("validate", cwd=sample_repo)  # warm the cache
    session = sample_repo / "sessions" / "2026-11-16.md"
    original = session.read_bytes()
    session.write_bytes(original.replace(b"attendees: [ana, ben]", b"attendees: [ana, bob]"))
    assert mj("validate", cwd=sample_repo).exit_code == 1
    _both_ways(sample_repo, monkeypatch)
    session.write_bytes(original)
    assert mj("validate", cwd=sample_repo).exit_code == 0
    (sample_repo / "sessions" / "2026-11-30.md").write_text("---\ndate: 2026-11-30\n---\n")
    assert mj("validate", cwd=sample_repo).exit_code == 1
    _both_ways(sample_repo, monkeypatch)


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"truncated"])
def test_corrupt_cache_is_rebuilt_silently(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    mj("validate", cwd=sample_repo)
    where = cache_file(sample_repo)
    where.write_bytes(damage if damage != b"truncated" else where.read_bytes()[:100])
    result = mj("status", "--json", "--today", "2026-11-21", cwd=sample_repo)
    assert result.exit_code == 0
    assert result.stderr == ""
    _both_ways(sample_repo, monkeypatch)
    assert len(where.read_bytes()) > 1000


def test_an_edit_writes_its_record_beside_the_store(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one edit only the delta file is written; a damaged delta is ignored; past
    ``recordfile.MOST_ADDED`` changed records the store is written whole again."""
    from mentorjournal.index import recordfile

    mj("validate", cwd=sample_repo)
    whole = cache_file(sample_repo)
    delta = whole.with_name(whole.name.replace("cache-", "cache-added-"))
    kept = whole.read_bytes()
    session = sample_repo / "sessions" / "2026-11-16.md"
    session.write_bytes(session.read_bytes().replace(b"[ana, ben]", b"[ana, bob]"))
    assert mj("validate", cwd=sample_repo).exit_code == 1
    assert whole.read_bytes() == kept and delta.exists()
    _both_ways(sample_repo, monkeypatch)

    delta.write_bytes(b"\x00damaged")
    assert mj("validate", cwd=sample_repo).exit_code == 1
    _both_ways(sample_repo, monkeypatch)

    monkeypatch.setattr(recordfile, "MOST_ADDED", 1)
    session.write_bytes(session.read_bytes().replace(b"[ana, bob]", b"[ana, bo]"))
    mj("validate", cwd=sample_repo)  # two records changed, one left stale
    assert whole.read_bytes() != kept  # written whole, under a new generation
    assert mj("validate", cwd=sample_repo).exit_code == 1
    _both_ways(sample_repo, monkeypatch)


def test_a_kept_body_reads_back_as_written(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store keeps a retrospective's body as UTF-8: an emoji (which makes text 4
    bytes a character) comes back as the file has it."""
    retro = sample_repo / "sessions" / "2026-08-03-retro.md"
    retro.write_bytes(
        retro.read_bytes().replace(
            b"## Decisions\n", b"## Decisions\n\n- Keep \xf0\x9f\x93\x85 and \xc3\xa9\n", 1
        )
    )
    outputs = []
    for no_cache in ("1", "", ""):
        monkeypatch.setenv("MJ_NO_CACHE", no_cache)
        outputs.append(_summary(sample_repo))
    assert outputs[0] == outputs[1] == outputs[2]
    assert "Keep \U0001f4c5 and \xe9" in str(outputs[2]["retrospectives"])


def test_a_file_saved_while_the_store_parses_is_not_kept_under_its_old_blob(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The survey names a clean file's blob; the parser reads the file later. An edit
    saved meanwhile (then undone) must not be remembered under that blob's key."""
    from mentorjournal.checks import filecheck

    cache_file(sample_repo).unlink(missing_ok=True)
    target = sample_repo / "sessions" / "2026-11-16.md"
    original = target.read_bytes()
    real = filecheck.parse_and_check
    calls: list[str] = []

    def parse_then_edit(path: str, data: bytes) -> Any:
        if not calls:  # the user saves while mj parses the first file
            target.write_bytes(original.replace(b"[ana, ben]", b"[ana, zed]"))
        calls.append(path)
        return real(path, data)

    monkeypatch.setattr(filecheck, "parse_and_check", parse_then_edit)
    mj("validate", "--json", cwd=sample_repo)
    monkeypatch.setattr(filecheck, "parse_and_check", real)
    target.write_bytes(original)  # undone: the file is its index blob again
    cached = mj("validate", "--json", cwd=sample_repo)
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    assert cached.stdout == mj("validate", "--json", cwd=sample_repo).stdout


def _after_survey(monkeypatch: pytest.MonkeyPatch, meanwhile: Any) -> None:
    """Run ``meanwhile`` right after the survey of each run: git has answered, and the
    files are not read yet."""
    from mentorjournal.index import store

    real = store.take_survey

    def survey_then(*args: Any) -> Any:
        surveyed = real(*args)
        meanwhile()
        return surveyed

    monkeypatch.setattr(store, "take_survey", survey_then)


def _same_as_without_cache(root: Path, monkeypatch: pytest.MonkeyPatch, *command: str) -> None:
    cached = mj(*command, cwd=root)
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    plain = mj(*command, cwd=root)
    assert (cached.exit_code, cached.stdout) == (plain.exit_code, plain.stdout)


def test_a_file_saved_right_after_git_looked_is_not_kept_under_its_old_blob(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git status calls a note clean; the user saves it before mj reads it. Its record
    must not be kept under the index's blob (from the adversarial trial of session 7)."""
    cache_file(sample_repo).unlink(missing_ok=True)
    target = sample_repo / "sessions" / "2026-11-16.md"
    original = target.read_bytes()
    with monkeypatch.context() as patched:
        edited = original.replace(b"[ana, ben]", b"[ana, zed]")
        _after_survey(patched, lambda: target.write_bytes(edited))
        mj("validate", "--json", cwd=sample_repo)
    target.write_bytes(original)  # undone: the file is its index blob again
    _same_as_without_cache(sample_repo, monkeypatch, "validate", "--json")


def test_a_note_gone_while_it_is_read_is_not_remembered_as_no_note(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note renamed away after the survey and back later: the run that could not read
    it must not leave it in the status snapshot as a file with no items."""
    cache_file(sample_repo).unlink(missing_ok=True)
    target = sample_repo / "sessions" / "2026-11-16.md"
    away = target.with_name("away.txt")
    with monkeypatch.context() as patched:
        _after_survey(patched, lambda: target.rename(away))
        mj("status", "--json", "--today", "2026-11-21", cwd=sample_repo)
    away.rename(target)
    _same_as_without_cache(sample_repo, monkeypatch, "status", "--json", "--today", "2026-11-21")


def test_blob_id_matches_git(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    (repo / "f.md").write_bytes(b"hello\r\n\xff")
    assert git(repo, "hash-object", "f.md").strip() == blob_id(b"hello\r\n\xff")


REPORTS = [
    ("summary", "--format", "json", "--today", "2026-11-21"),
    ("summary", "--format", "md", "--today", "2026-11-21"),
    ("new", "session", "--date", "2026-11-30", "--slug", "next"),
]


def test_every_command_reads_through_the_cache(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Summary and authoring read the same journal with an empty store as with a full one,
    and MJ_NO_CACHE leaves no store behind."""
    outputs = []
    for no_cache in ("1", ""):
        monkeypatch.setenv("MJ_NO_CACHE", no_cache)
        outputs.append([mj(*command, cwd=sample_repo).output for command in REPORTS])
        new = sample_repo / "sessions" / "2026-11-30-next.md"
        outputs[-1].append(new.read_text("utf-8"))
        new.unlink()
        assert cache_file(sample_repo).exists() == (not no_cache)
    assert outputs[0] == outputs[1]


def test_bodies_the_store_drops_are_read_when_asked(sample_repo: Path) -> None:
    from mentorjournal.journal import load_journal

    mj("validate", cwd=sample_repo)  # fills the store
    for staged in (False, True):
        for doc in load_journal(sample_repo, staged=staged).documents:
            text = (sample_repo / doc.path).read_text("utf-8")
            assert doc.body.strip() and doc.body.strip() in text, doc.path


def _summary(root: Path, *extra: str) -> dict[str, object]:
    import json

    result = mj("summary", "--format", "json", "--today", "2026-11-21", *extra, cwd=root)
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def _view_file(root: Path) -> Path:
    return cache_file(root).with_name(cache_file(root).name.replace("cache-", "view-summary-"))


def test_a_kept_summary_follows_every_change(sample_repo: Path) -> None:
    first = _summary(sample_repo)
    assert _view_file(sample_repo).exists()
    assert _summary(sample_repo) == first  # kept
    # An edit, a new file and a commit each change what the report must say.
    note = sample_repo / "sessions" / "2026-11-16.md"
    note.write_text(note.read_text("utf-8") + "\n- [ ] @ana One more thing due:2026-11-01\n")
    edited = _summary(sample_repo)
    assert edited["actions"] != first["actions"]  # type: ignore[index]
    git(sample_repo, "add", "--", ".")
    git(sample_repo, "commit", "-q", "-m", "more")
    assert _summary(sample_repo) == edited
    assert _summary(sample_repo, "--today", "2026-12-21") != edited
    # The same report with nothing kept.
    assert _summary(sample_repo) == edited


@pytest.mark.parametrize("damage", ["garbage", "fifo", "directory"])
def test_a_damaged_kept_view_is_computed_again(sample_repo: Path, damage: str) -> None:
    import os

    expected = _summary(sample_repo)
    for kept in (_view_file(sample_repo), cache_file(sample_repo)):
        kept.unlink()
        if damage == "garbage":
            kept.write_bytes(b"\x00not marshal")
        elif damage == "fifo":
            os.mkfifo(kept)  # opening it for reading would block: mj must not
        else:
            kept.mkdir()
    assert _summary(sample_repo) == expected


def test_kept_findings_and_items_follow_edits(sample_repo: Path) -> None:
    import json

    def validate() -> list[object]:
        result = mj("validate", "--json", cwd=sample_repo)
        findings: list[object] = json.loads(result.stdout)["findings"]
        return findings

    assert validate() == []
    note = sample_repo / "sessions" / "2026-11-16.md"
    original = note.read_text("utf-8")
    note.write_text(original + "\n- [ ] @zed Someone unknown due:2026-12-01\n")
    assert [f["code"] for f in validate()] == ["unknown-person"]  # type: ignore[index]
    listed = mj("status", "--json", "--today", "2026-11-21", cwd=sample_repo).stdout
    item = next(i for i in json.loads(listed)["open"] if i["owner"] == ["zed"])
    assert mj("done", item["id"], "--today", "2026-11-21", cwd=sample_repo).exit_code == 0
    again = mj("done", item["id"], "--today", "2026-11-21", cwd=sample_repo)
    assert again.exit_code == 1 and "already done" in again.output
    note.write_text(original)
    assert validate() == []


def _zero_index_trailer(repo: Path) -> None:
    """What git >= 2.40 writes with index.skipHash: no checksum, twenty zero bytes."""
    index = repo / ".git" / "index"
    data = index.read_bytes()
    index.write_bytes(data[:-20] + bytes(20))


def test_an_index_written_without_its_checksum_is_still_told_apart(tmp_path: Path) -> None:
    from mentorjournal.index.gitstate import index_checksum

    repo = make_repo(tmp_path / "r")
    (repo / "a.md").write_text("a\n")
    git(repo, "add", "--", "a.md")
    _zero_index_trailer(repo)
    first = index_checksum(str(repo / ".git"))
    assert git(repo, "ls-files").strip() == "a.md"  # git reads it as it is
    (repo / "b.md").write_text("b\n")
    git(repo, "add", "--", "b.md")
    _zero_index_trailer(repo)
    second = index_checksum(str(repo / ".git"))
    assert first is not None and second is not None and first != second


@pytest.mark.parametrize("order", ["staged-first", "worktree-first"])
def test_index_and_worktree_bytes_of_one_blob_are_kept_apart(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    """With core.autocrlf the index holds LF where the working tree holds CRLF: the
    two checks must not answer from each other's record, whichever runs first."""
    git(sample_repo, "config", "core.autocrlf", "true")
    note = sample_repo / "sessions" / "2026-11-16.md"
    note.write_bytes(note.read_bytes().replace(b"\n", b"\r\n"))
    git(sample_repo, "add", "--", "sessions")  # the index keeps LF: nothing to commit
    assert git(sample_repo, "status", "--porcelain").strip() == ""
    assert b"\r\n" in note.read_bytes()
    commands = [("validate", "--json"), ("validate", "--json", "--staged")]
    if order == "staged-first":
        commands.reverse()
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    expected = {command: mj(*command, cwd=sample_repo).stdout for command in commands}
    monkeypatch.delenv("MJ_NO_CACHE")
    for command in commands:
        assert mj(*command, cwd=sample_repo).stdout == expected[command], command
    assert "crlf" in expected[("validate", "--json")]
    assert "crlf" not in expected[("validate", "--json", "--staged")]


def test_a_note_checked_out_again_with_crlf_is_read_again(
    sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records of clean notes are kept by their index blob. Set core.autocrlf after
    they were kept and check the notes out again: the blob is the same, the bytes are
    CRLF now, and the kept LF record said "all valid" where a cold run warns."""
    before = mj("validate", "--json", cwd=sample_repo).stdout  # kept, LF
    assert "crlf" not in before
    git(sample_repo, "config", "core.autocrlf", "true")
    shutil.rmtree(sample_repo / "sessions")
    git(sample_repo, "checkout", "--", "sessions")
    assert git(sample_repo, "status", "--porcelain").strip() == ""
    warm = json.loads(mj("validate", "--json", cwd=sample_repo).stdout)
    crlf = {f["path"] for f in warm["findings"] if f["code"] == "crlf"}
    assert crlf and all(path.startswith("sessions/") for path in crlf)
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    assert json.loads(mj("validate", "--json", cwd=sample_repo).stdout) == warm


def test_the_fingerprint_follows_every_module_and_template() -> None:
    """Kept views depend on the reports' and renderers' code, not only the parser's."""
    import mentorjournal
    from mentorjournal.index.cachefile import fingerprint

    package = Path(mentorjournal.__file__).parent
    printed = fingerprint()
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.suffix == ".md" for p in files)  # the templates
    for path in files:
        assert f"{path}:" in printed, path
    for library in ("yaml", "markdown_it", "jsonschema", "fastjsonschema"):
        assert f"/{library}/__init__.py:" in printed


def test_positions_kept_by_the_store_are_read_when_asked_and_equal_a_fresh_parse(
    sample_repo: Path,
) -> None:
    """The store keeps each record's positions as one marshal (most commands never ask
    for them); a Document read through it gives the positions a fresh parse gives."""
    from mentorjournal.format.document import parse_document
    from mentorjournal.index import store
    from mentorjournal.model import KeptPositions

    store.load(sample_repo)  # the first run parses and keeps
    for doc in store.load(sample_repo).journal.documents:
        assert isinstance(doc.positions, KeptPositions)
        fresh = parse_document(doc.path, (sample_repo / doc.path).read_bytes())
        assert doc.positions == fresh.positions and dict(doc.positions) == fresh.positions
        assert all(doc.position(path) == fresh.position(path) for path in fresh.positions)


def test_a_long_kept_view_is_kept_in_pieces_and_read_back_whole(sample_repo: Path) -> None:
    """A report of megabytes is kept as pieces (never marshalled whole beside itself)
    and read back as it was; a file cut short is computed again."""
    from mentorjournal.index import cachefile, store

    long = "".join(f"line {n}: é ✓ 😀\n" for n in range(250_000))  # ~5 MB, not ASCII
    computed: list[int] = []

    def compute(journal: object) -> tuple[str, int, bool]:
        computed.append(1)
        return long, 7, True

    def text(journal: object) -> str:
        computed.append(1)
        return long[:100] + long

    # A text in pieces (summary JSON) is kept in those pieces and read back in them.
    pieces = tuple(long[at : at + 50_000] for at in range(0, len(long), 50_000))

    def in_pieces(journal: object) -> tuple[tuple[str, ...], bool]:
        computed.append(1)
        return pieces, True

    cases = ((long, 7, True), compute), (long[:100] + long, text), ((pieces, True), in_pieces)
    for value, call in cases:
        computed.clear()
        kind = str if isinstance(value, str) else tuple
        assert store.view(sample_repo, "long", ("x",), call, kind) == value  # type: ignore[arg-type]
        assert store.view(sample_repo, "long", ("x",), call, kind) == value  # type: ignore[arg-type]
        assert len(computed) == 1
        kept = cache_file(sample_repo).with_name(
            cache_file(sample_repo).name.replace("cache-", "view-long-")
        )
        assert len(list(cachefile.parts(str(kept)))) > 4  # the head, then pieces of ~1 MiB
        data = kept.read_bytes()
        kept.write_bytes(data[: len(data) // 2])
        assert store.view(sample_repo, "long", ("x",), call, kind) == value  # type: ignore[arg-type]
        assert len(computed) == 2


def test_records_share_the_tuples_their_items_repeat(sample_repo: Path) -> None:
    """An owner list, goal links or columns that many items repeat are one object once
    read back from the store (~5 MB of copies at 10,000 notes)."""
    import subprocess
    import sys

    mj("validate", cwd=sample_repo)  # fills the store
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mentorjournal.journal import load_journal\n"
        "items = [i for d in load_journal(Path(sys.argv[1])).documents for i in d.items]\n"
        "seen = {}\n"
        "for i in items:\n"
        "    for part in (i.owners, i.owner_columns, i.hashtags):\n"
        "        seen.setdefault(part, set()).add(id(part))\n"
        "shared = [part for part, ids in seen.items() if len(ids) == 1]\n"
        "print(len(items), len(seen), len(shared))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(sample_repo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    items, distinct, shared = map(int, out)
    assert items > 20 and distinct == shared


def test_a_framed_cache_file_cut_anywhere_is_no_file(tmp_path: Path) -> None:
    """A file of parts cut where a part ends is not taken for a smaller one (a
    calendar ledger missing events would restart their SEQUENCE); a write stopped
    by anything leaves no temporary file (it may hold a report's text)."""
    from mentorjournal.index import cachefile

    where = str(tmp_path / "kept.marshal")
    entries = {f"uid-{n}": (f"digest{n}", n, 1700000000, "x" * n) for n in range(2500)}
    cachefile.store(where, cachefile.framed_dict("code", entries))
    assert cachefile.unframed_dict(where) == ("code", entries)
    assert cachefile.unframed_dict(where, "other code") is None
    data = (tmp_path / "kept.marshal").read_bytes()
    ends, at = [], 0
    while at < len(data):
        at += 8 + int.from_bytes(data[at : at + 8], "little")
        ends.append(at)
    assert len(ends) == 5  # the head, three parts of 1,024 and fewer, the count
    for cut in [*ends[:-1], 3, len(data) - 1]:
        (tmp_path / "kept.marshal").write_bytes(data[:cut])
        assert cachefile.unframed_dict(where) is None, cut
    (tmp_path / "kept.marshal").write_bytes(data + data[-20:])
    assert cachefile.unframed_dict(where) is None  # something after the count

    def stopped(error: BaseException) -> Iterator[bytes]:
        yield b"the start of a report"
        raise error

    for error in (ValueError("not plain data"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            cachefile.store(where, stopped(error))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.marshal"]


@pytest.mark.parametrize(
    "how", ["include", "includeIf", "attributesFile", "a folder between", "bare key", "none"]
)
def test_a_conversion_set_anywhere_git_reads_it_is_seen(tmp_path: Path, how: str) -> None:
    """Clean notes are keyed by their own bytes where git may convert them: autocrlf in
    a file the config includes, an attributes file core.attributesFile names, and a
    .gitattributes between the journal and the top of the work tree all count."""
    from mentorjournal.index.gitstate import git_location
    from mentorjournal.index.survey import may_convert

    repo = make_repo(tmp_path / "program")
    root = repo / "pairs" / "ana-ben"
    (root / "sessions").mkdir(parents=True)
    extra = tmp_path / "extra"
    extra.write_text("[core]\n\tautocrlf = true\n")
    attributes = tmp_path / "attributes"
    attributes.write_text("*.md text eol=crlf\n")
    if how == "include":
        git(repo, "config", "include.path", "../../extra")  # relative to .git/config
    elif how == "includeIf":
        git(repo, "config", f"includeIf.gitdir:{repo}/.path", str(extra))
    elif how == "attributesFile":
        git(repo, "config", "core.attributesFile", str(attributes))
    elif how == "a folder between":
        (repo / "pairs" / ".gitattributes").write_text("*.md text eol=crlf\n")
    elif how == "bare key":  # a boolean key alone is true
        with (repo / ".git" / "config").open("a") as config:
            config.write("[core]\n\tautocrlf\n")
    if how.startswith("include") or how == "bare key":  # git reads it so
        assert git(root, "config", "--type=bool", "core.autocrlf").strip() == "true"
    location = git_location(str(root))
    assert location is not None
    assert may_convert(str(root), location) is (how != "none")
