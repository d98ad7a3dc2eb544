"""`mj lsp` driven by a real Language Server client (pygls's) over stdio, as an editor
drives it: open, edit, diagnostics, re-checks when other files change, completion,
hover and the "mark done" code action. Every wait has a timeout, and the server
process is killed at the end whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, mj
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

TODAY = "2025-08-05"
STEP = 30  # seconds any one answer may take
SESSION = "sessions/2025-07-04-kickoff.md"


class Editor(LanguageClient):
    """An editor as the server sees it: it keeps each open file's text and version,
    sends incremental edits, and collects what the server publishes."""

    def __init__(self) -> None:
        super().__init__("mj-tests", "1")
        self.published: dict[str, asyncio.Queue[list[lsp.Diagnostic]]] = defaultdict(asyncio.Queue)
        self.registrations: list[lsp.Registration] = []
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.root = Path()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.published[params.uri].put_nowait(params.diagnostics)

        @self.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def register(params: lsp.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

    def uri(self, path: str) -> str:
        uri = from_fs_path(str(self.root / path))
        assert uri is not None
        return uri

    def open(self, path: str) -> str:
        uri = self.uri(path)
        self.texts[uri] = (self.root / path).read_text(encoding="utf-8")
        item = lsp.TextDocumentItem(
            uri=uri, language_id="markdown", version=1, text=self.texts[uri]
        )
        self.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
        return uri

    def replace(self, uri: str, old: str, new: str) -> None:
        """Type ``new`` over the first ``old`` (an incremental change, UTF-16 columns)."""
        text = self.texts[uri]
        at = text.index(old)
        start, end = self.position(text, at), self.position(text, at + len(old))
        self.texts[uri] = text[:at] + new + text[at + len(old) :]
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=start, end=end), text=new
        )
        document = lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.next_version(uri))
        params = lsp.DidChangeTextDocumentParams(text_document=document, content_changes=[change])
        self.text_document_did_change(params)

    def next_version(self, uri: str) -> int:
        self.versions[uri] = self.versions.get(uri, 1) + 1
        return self.versions[uri]

    @staticmethod
    def position(text: str, offset: int) -> lsp.Position:
        before = text[:offset]
        line = before.rsplit("\n", 1)[-1]
        return lsp.Position(line=before.count("\n"), character=len(line.encode("utf-16-le")) // 2)

    async def diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        """The next diagnostics published for ``uri``."""
        return list(await asyncio.wait_for(self.published[uri].get(), STEP))

    async def registered(self) -> list[str]:
        """The methods the server registered (it asks after `initialized`)."""
        for _ in range(STEP * 10):
            if self.registrations:
                break
            await asyncio.sleep(0.1)
        return [registration.method for registration in self.registrations]

    async def nothing_more(self, uri: str) -> None:
        await asyncio.sleep(0.3)
        assert self.published[uri].empty()

    def apply(self, uri: str, edit: lsp.WorkspaceEdit) -> None:
        """Apply a WorkspaceEdit of single-line TextEdits as an editor does: to the
        text, then tell the server (didChange)."""
        assert edit.changes is not None and set(edit.changes) == {uri}
        for change in edit.changes[uri]:
            start, end = change.range.start, change.range.end
            assert start.line == end.line
            lines = self.texts[uri].split("\n")
            line = lines[start.line].encode("utf-16-le")
            before, after = line[: start.character * 2], line[end.character * 2 :]
            lines[start.line] = (
                before.decode("utf-16-le") + change.new_text + after.decode("utf-16-le")
            )
            self.texts[uri] = "\n".join(lines)
            sent = lsp.TextDocumentContentChangePartial(range=change.range, text=change.new_text)
            document = lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.next_version(uri))
            params = lsp.DidChangeTextDocumentParams(text_document=document, content_changes=[sent])
            self.text_document_did_change(params)


def run(root: Path, script: Callable[[Editor], Awaitable[None]]) -> None:
    """Start `mj lsp` in ``root``, run ``script`` against it, shut it down."""

    async def session() -> None:
        async with editing(root) as editor:
            await script(editor)

    asyncio.run(asyncio.wait_for(session(), 120))


@contextlib.asynccontextmanager
async def editing(root: Path) -> AsyncIterator[Editor]:
    editor = Editor()
    editor.root = root
    environment = {**os.environ, "MJ_TODAY": TODAY}
    await editor.start_io(sys.executable, "-m", "mentorjournal", "lsp", cwd=root, env=environment)
    try:
        watched = lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
        capabilities = lsp.ClientCapabilities(
            workspace=lsp.WorkspaceClientCapabilities(did_change_watched_files=watched)
        )
        uri = from_fs_path(str(root))
        params = lsp.InitializeParams(
            capabilities=capabilities, process_id=os.getpid(), root_uri=uri
        )
        result = await asyncio.wait_for(editor.initialize_async(params), STEP)
        assert result.server_info is not None and result.server_info.name == "mj"
        editor.initialized(lsp.InitializedParams())
        yield editor
        await asyncio.wait_for(editor.shutdown_async(None), STEP)
        editor.exit(None)
        server = editor._server
        assert server is not None
        assert await asyncio.wait_for(server.wait(), STEP) == 0
    finally:
        server = editor._server
        if server is not None and server.returncode is None:
            server.kill()
        await asyncio.wait_for(editor.stop(), STEP)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "journal"
    shutil.copytree(DATA / "base-journal", root)
    return root


def shape(diagnostics: list[lsp.Diagnostic]) -> list[tuple[Any, ...]]:
    return [
        (d.range.start.line, d.range.start.character, d.severity, d.code, d.message)
        for d in diagnostics
    ]


def validated(root: Path, path: str) -> list[tuple[Any, ...]]:
    """`mj validate --json PATH`'s findings as diagnostics would place them (0-based)."""
    findings = json.loads(mj("validate", "--json", path, cwd=root).stdout)["findings"]
    severities = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning}
    return [
        (f["line"] - 1, f["column"] - 1, severities[f["severity"]], f["code"], f["message"])
        for f in findings
    ]


# ---------------------------------------------------------------- diagnostics


def test_diagnostics_while_typing_are_the_findings_of_validate(root: Path) -> None:
    async def script(editor: Editor) -> None:
        uri = editor.open(SESSION)
        assert await editor.diagnostics(uri) == []
        editor.replace(uri, "attendees: [ana, ben]", "attendees: [ana, bob]")
        (found,) = await editor.diagnostics(uri)
        assert shape([found]) == [
            (
                2,
                17,
                lsp.DiagnosticSeverity.Error,
                "unknown-person",
                "attendee 'bob' is not in the agreement",
            ),
        ]
        assert (found.range.end.line, found.range.end.character, found.source) == (2, 20, "mj")
        # More of what validate reports: the schema, a date, an owner, a goal, a typo'd key.
        editor.replace(uri, "kind: kickoff", "kind: kikoff\ngols: [x]")
        await editor.diagnostics(uri)
        editor.replace(uri, "goals: [portfolio]", "goals: [portfolio, hiring]")
        await editor.diagnostics(uri)
        editor.replace(uri, "- [x] @ana Set up", "- [ ] @zoe 🎉 Set up due:2025-02-30 ")
        live = await editor.diagnostics(uri)
        (root / SESSION).write_text(editor.texts[uri], encoding="utf-8")
        expected = validated(root, SESSION)
        assert {f[3] for f in expected} >= {
            "unknown-person",
            "invalid-value",
            "unknown-key",
            "unknown-goal",
            "invalid-date",
        }
        # Columns are UTF-16 units in LSP: the emoji before the date counts two.
        emoji_row = next(i for i, f in enumerate(expected) if f[3] == "invalid-date")
        line = editor.texts[uri].split("\n")[expected[emoji_row][0]]
        assert line[: expected[emoji_row][1]].count("🎉") == 1
        converted = [
            (*f[:1], f[1] + (1 if f is expected[emoji_row] else 0), *f[2:]) for f in expected
        ]
        assert shape(live) == converted

    run(root, script)


def spans(diagnostics: list[lsp.Diagnostic]) -> list[tuple[Any, ...]]:
    """Each diagnostic's code and range: (code, line, start character, end character)."""
    return [
        (d.code, d.range.start.line, d.range.start.character, d.range.end.character)
        for d in diagnostics
        if d.range.start.line == d.range.end.line
    ]


def test_each_bad_due_date_of_an_item_is_marked_where_it_is(root: Path) -> None:
    """Of several 📅 dates on one item, each impossible one is marked: its own date
    text, in UTF-16 units (each 📅 before it counts two), not the first 📅 or the
    punctuation after it."""

    async def script(editor: Editor) -> None:
        uri = editor.open(SESSION)
        assert await editor.diagnostics(uri) == []
        editor.replace(uri, "📅 2025-07-25", "📅 2025-07-25 📅 2025-02-30 📅 2025-02-30.")
        found = await editor.diagnostics(uri)
        assert spans(found) == [("invalid-date", 12, 61, 71), ("invalid-date", 12, 75, 85)]
        line = editor.texts[uri].split("\n")[12].encode("utf-16-le")
        assert {line[61 * 2 : 71 * 2].decode("utf-16-le")} == {"2025-02-30"}
        assert line[75 * 2 : 85 * 2].decode("utf-16-le") == "2025-02-30"

    run(root, script)


def test_an_unclosed_quote_in_front_matter_is_marked_where_it_opens(root: Path) -> None:
    """The YAML parser notices the missing quote at the end of the front matter; the
    diagnostic is on the line with the quote, never on the closing ---."""

    async def script(editor: Editor) -> None:
        uri = editor.open(SESSION)
        assert await editor.diagnostics(uri) == []
        editor.replace(uri, "kind: kickoff", 'kind: "kickoff')
        found = await editor.diagnostics(uri)
        assert spans(found) == [("yaml-syntax", 3, 6, 14)]
        assert found[0].message.endswith("while scanning a quoted scalar")
        editor.replace(uri, 'kind: "kickoff', "kind: kickoff")
        assert await editor.diagnostics(uri) == []
        editor.replace(uri, "ratings:\n  portfolio: 2\n", "ratings: {portfolio: 2\n")
        # The mapping is still open at the end: marked from its brace to the line's end.
        assert spans(await editor.diagnostics(uri)) == [("yaml-syntax", 6, 9, 22)]
        (root / SESSION).write_text(editor.texts[uri], encoding="utf-8")
        assert [(*f[:2], f[3]) for f in validated(root, SESSION)] == [(6, 9, "yaml-syntax")]

    run(root, script)


def test_a_file_outside_the_journal_rules_gets_no_diagnostics(root: Path) -> None:
    (root / "README.md").write_text("# Our journal\n\nno front matter here\n")

    async def script(editor: Editor) -> None:
        uri = editor.open("README.md")
        assert await editor.diagnostics(uri) == []
        editor.replace(uri, "# Our", "- [ ] @nobody Our")
        assert await editor.diagnostics(uri) == []

    run(root, script)


def test_a_change_on_disk_rechecks_open_notes(root: Path) -> None:
    """The agreement and the goals are other files: when they change on disk (the
    editor says so through didChangeWatchedFiles), open notes are checked again."""

    async def script(editor: Editor) -> None:
        assert await editor.registered() == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        uri = editor.open(SESSION)
        await editor.diagnostics(uri)
        editor.replace(uri, "goals: [portfolio]", "goals: [portfolio, hiring]")
        editor.replace(uri, "@ben Introduce", "@dana Introduce")
        await editor.diagnostics(uri)
        assert {d.code for d in await editor.diagnostics(uri)} == {"unknown-goal", "unknown-person"}
        goal = (DATA / "base-journal" / "goals" / "portfolio.md").read_text()
        (root / "goals" / "hiring.md").write_text(goal.replace("Portfolio site", "Hiring"))
        agreement = root / "agreement.md"
        agreement.write_text(
            agreement.read_text().replace(
                "    role: manager\n",
                "    role: manager\n  - handle: dana\n    name: Dana Lee\n    role: sponsor\n",
            )
        )
        changes = [
            lsp.FileEvent(uri=editor.uri("goals/hiring.md"), type=lsp.FileChangeType.Created),
            lsp.FileEvent(uri=editor.uri("agreement.md"), type=lsp.FileChangeType.Changed),
        ]
        editor.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(changes=changes))
        assert await editor.diagnostics(uri) == []

    run(root, script)


def test_saving_the_agreement_rechecks_the_other_open_notes(root: Path) -> None:
    async def script(editor: Editor) -> None:
        session = editor.open(SESSION)
        await editor.diagnostics(session)
        editor.replace(session, "@ben Introduce", "@dana Introduce")
        assert {d.code for d in await editor.diagnostics(session)} == {"unknown-person"}
        agreement = editor.open("agreement.md")
        await editor.diagnostics(agreement)
        editor.replace(
            agreement,
            "    role: manager\n",
            "    role: manager\n  - handle: dana\n    name: Dana Lee\n    role: sponsor\n",
        )
        assert await editor.diagnostics(agreement) == []
        await editor.nothing_more(session)  # unsaved: the session still sees the old one
        (root / "agreement.md").write_text(editor.texts[agreement], encoding="utf-8")
        identifier = lsp.TextDocumentIdentifier(uri=agreement)
        editor.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=identifier))
        assert await editor.diagnostics(session) == []
        assert await editor.diagnostics(agreement) == []

    run(root, script)


# ---------------------------------------------------------------- completion and hover


async def complete(editor: Editor, uri: str, after: str) -> dict[str, lsp.CompletionItem]:
    """Completions with the cursor right after the first ``after`` in the text."""
    text = editor.texts[uri]
    position = editor.position(text, text.index(after) + len(after))
    params = lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=position
    )
    answer = await asyncio.wait_for(editor.text_document_completion_async(params), STEP)
    assert isinstance(answer, lsp.CompletionList)
    return {item.label: item for item in answer.items}


def test_completion_of_people_goals_keys_and_values(root: Path) -> None:
    (root / "private" / "goals").mkdir(parents=True)
    goal = (DATA / "base-journal" / "goals" / "portfolio.md").read_text()
    (root / "private" / "goals" / "secret-move.md").write_text(goal.replace("Portfolio", "Move"))
    (root / "private" / "sessions").mkdir()
    (root / "private" / "sessions" / "2025-07-30.md").write_text(
        "---\ndate: 2025-07-30\nattendees: [ana]\n---\n- [ ] @ana think\n"
    )

    async def script(editor: Editor) -> None:
        uri = editor.open(SESSION)
        await editor.diagnostics(uri)
        editor.replace(uri, "- [x] @ana Set up", "- [x] @a Set up")
        await editor.diagnostics(uri)
        people = await complete(editor, uri, "- [x] @a")
        assert set(people) == {"@ana", "@ben", "@carla"}
        assert people["@ana"].detail == "Ana Lima (mentee)"
        edit = people["@ana"].text_edit
        assert isinstance(edit, lsp.TextEdit) and edit.new_text == "@ana"
        assert (edit.range.start.character, edit.range.end.character) == (6, 8)
        editor.replace(uri, "Set up the repository", "Set up #po")
        await editor.diagnostics(uri)
        goals = await complete(editor, uri, "#po")
        # A shared note is offered no private goal (audience.py: never listed outside).
        assert {k: v.detail for k, v in goals.items()} == {"#portfolio": "Portfolio site"}
        # Front matter: the schema's keys (not those written already) and its enums.
        editor.replace(uri, "agenda_by: ana\n", "agenda_by: ana\n\n")
        await editor.diagnostics(uri)
        keys = await complete(editor, uri, "agenda_by: ana\n")
        assert {"mode", "duration", "confidential"} <= set(keys)
        assert not {"date", "attendees", "kind"} & set(keys)
        assert keys["mode"].text_edit.new_text == "mode: "  # type: ignore[union-attr]
        kinds = await complete(editor, uri, "kind: ")
        assert list(kinds) == ["kickoff", "regular", "check-in", "retro", "closing"]
        attendees = await complete(editor, uri, "attendees: [ana, ")
        assert set(attendees) == {"ana", "ben", "carla"}
        listed = await complete(editor, uri, "goals: [")
        assert set(listed) == {"portfolio"}
        goal_uri = editor.open("goals/portfolio.md")
        await editor.diagnostics(goal_uri)
        statuses = await complete(editor, goal_uri, "status: ")
        assert list(statuses) == ["proposed", "active", "achieved", "paused", "dropped"]
        # In one's own private note, one's private goals are offered too.
        private = editor.open("private/sessions/2025-07-30.md")
        await editor.diagnostics(private)
        editor.replace(private, "think", "think #")
        await editor.diagnostics(private)
        assert set(await complete(editor, private, "think #")) == {"#portfolio", "#secret-move"}

    run(root, script)


def test_nested_front_matter_completion(root: Path) -> None:
    async def script(editor: Editor) -> None:
        uri = editor.open("agreement.md")
        await editor.diagnostics(uri)
        editor.replace(uri, "  length: 45\n", "  length: 45\n  \n")
        editor.replace(uri, "    role: manager\n", "    role: manager\n    \n  - \n")
        for _ in range(2):
            await editor.diagnostics(uri)
        assert set(await complete(editor, uri, "  length: 45\n  ")) == {"every", "length", "mode"}
        modes = await complete(editor, uri, "  mode: ")
        assert set(modes) == {"in-person", "video", "phone", "async", "mixed"}
        fields = {"handle", "name", "role", "email"}
        assert fields <= set(await complete(editor, uri, "    role: manager\n    "))
        assert fields <= set(await complete(editor, uri, "    \n  - "))

    run(root, script)


def test_hover_shows_the_item(root: Path) -> None:
    status = json.loads(mj("status", "--json", "--today", TODAY, cwd=root).stdout)
    draft = next(item for item in status["open"] if item["text"].startswith("Draft"))
    goal = (DATA / "base-journal" / "goals" / "portfolio.md").read_text()
    (root / "private" / "goals").mkdir(parents=True)
    (root / "private" / "goals" / "secret-move.md").write_text(goal.replace("Portfolio", "Move"))
    note = "---\ndate: 2025-07-30\nattendees: [ana]\n---\n- [ ] @ana think #secret-move\n"
    (root / "private" / "sessions").mkdir()
    (root / "private" / "sessions" / "2025-07-30.md").write_text(note)

    async def hover_lines(editor: Editor, uri: str, row: int) -> list[str]:
        document = lsp.TextDocumentIdentifier(uri=uri)
        position = lsp.Position(line=row, character=4)
        params = lsp.HoverParams(text_document=document, position=position)
        hover = await asyncio.wait_for(editor.text_document_hover_async(params), STEP)
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        return hover.contents.value.splitlines()

    async def private_goal(editor: Editor) -> None:
        """The audience gate: a private goal's title shows in one's private note, not
        in a shared one (where what the pair shares is what is shown)."""
        private = editor.open("private/sessions/2025-07-30.md")
        await editor.diagnostics(private)
        assert (await hover_lines(editor, private, 4))[-1] == "- goal: #secret-move: Move site"
        shared = editor.open(SESSION)
        await editor.diagnostics(shared)
        editor.replace(shared, "Set up the repository", "Move #secret-move")
        await editor.diagnostics(shared)
        assert (await hover_lines(editor, shared, 13))[-1] == "- goal: #secret-move"

    run(root, private_goal)

    async def script(editor: Editor) -> None:
        uri = editor.open(SESSION)
        await editor.diagnostics(uri)
        row = draft["line"] - 1
        document = lsp.TextDocumentIdentifier(uri=uri)
        params = lsp.HoverParams(
            text_document=document, position=lsp.Position(line=row, character=8)
        )
        hover = await asyncio.wait_for(editor.text_document_hover_async(params), STEP)
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        assert hover.contents.value.splitlines() == [
            f"**action item `{draft['id']}`**, open (`mj done {draft['id']}`)",
            "",
            "- owner: @ana (Ana Lima, mentee)",
            "- due: 2025-08-01 (overdue)",
            "- goal: #portfolio: Portfolio site",
        ]
        params = lsp.HoverParams(text_document=document, position=lsp.Position(line=1, character=3))
        assert await asyncio.wait_for(editor.text_document_hover_async(params), STEP) is None

    run(root, script)


# ---------------------------------------------------------------- mark done


def test_mark_done_edits_the_line_as_mj_done_writes_it(root: Path, tmp_path: Path) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(root, twin)
    status = json.loads(mj("status", "--json", "--today", TODAY, cwd=root).stdout)
    wanted = sorted(
        (item for item in status["open"] if item["path"] == SESSION), key=lambda i: i["line"]
    )
    edited: dict[str, str] = {}

    async def script(editor: Editor) -> None:
        uri = editor.open(SESSION)
        await editor.diagnostics(uri)
        everything = lsp.Range(
            start=lsp.Position(line=0, character=0), end=lsp.Position(line=20, character=0)
        )
        context = lsp.CodeActionContext(diagnostics=[])
        params = lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=everything, context=context
        )
        actions = await asyncio.wait_for(editor.text_document_code_action_async(params), STEP)
        assert actions is not None
        titles = [a.title for a in actions if isinstance(a, lsp.CodeAction)]
        assert len(titles) == len(wanted)
        for title, item in zip(titles, wanted, strict=True):
            assert title.startswith(f"Mark done: {item['text']}")
            assert title.endswith(f"({item['id']})")
        for action in actions:
            assert isinstance(action, lsp.CodeAction) and action.edit is not None
            editor.apply(uri, action.edit)
            await editor.diagnostics(uri)
        # A done item offers nothing more.
        actions = await asyncio.wait_for(editor.text_document_code_action_async(params), STEP)
        assert not actions
        edited["text"] = editor.texts[uri]

    run(root, script)
    for item in wanted:
        assert mj("done", item["id"], "--today", TODAY, cwd=twin).exit_code == 0
    # The editor's edits, made to the unsaved text, are the bytes `mj done` writes.
    assert edited["text"] == (twin / SESSION).read_text(encoding="utf-8")


def test_a_range_past_the_end_of_the_file_answers_at_once(root: Path) -> None:
    """A client may send any range up to 2**31-1 lines (an adversarial trial's did): the
    server looks at the file's own lines, instead of working through them all for an hour."""

    async def script(editor: Editor) -> None:
        uri = editor.open(SESSION)
        await editor.diagnostics(uri)
        far = lsp.Range(
            start=lsp.Position(line=0, character=0), end=lsp.Position(line=2**31 - 1, character=0)
        )
        params = lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            range=far,
            context=lsp.CodeActionContext(diagnostics=[]),
        )
        actions = await asyncio.wait_for(editor.text_document_code_action_async(params), STEP)
        assert actions and all(a.title.startswith("Mark done: ") for a in actions)

    run(root, script)


def test_a_lone_surrogate_or_a_nul_in_a_uri_is_a_finding_not_an_error(root: Path) -> None:
    """JSON may carry a lone surrogate (``"\\ud800"``), and a URI may spell a NUL
    (``%00``): the first is an invalid-utf8 finding at its line, the second no journal
    file; neither a traceback in the editor (both were, before an adversarial trial)."""

    async def script(editor: Editor) -> None:
        uri = editor.uri("sessions/2025-07-20.md")
        text = "---\ndate: 2025-07-20\nattendees: [ana, ben]\n---\n- [ ] @ana \ud800 x\n"
        item = lsp.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        editor.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
        assert [(d.range.start.line, d.code) for d in await editor.diagnostics(uri)] == [
            (4, "invalid-utf8")
        ]
        nul = editor.uri("sessions") + "/%00.md"
        item = lsp.TextDocumentItem(uri=nul, language_id="markdown", version=1, text=text)
        editor.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
        assert await editor.diagnostics(nul) == []
        where = lsp.TextDocumentPositionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(4, 8)
        )
        hover = lsp.HoverParams(text_document=where.text_document, position=where.position)
        assert await asyncio.wait_for(editor.text_document_hover_async(hover), STEP) is None

    run(root, script)


def test_a_message_it_cannot_read_is_one_line_in_the_log_and_it_goes_on() -> None:
    import subprocess

    def framed(body: bytes) -> bytes:
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    shutdown = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}).encode()
    leave = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
    run = subprocess.run(
        [sys.executable, "-m", "mentorjournal", "lsp"],
        input=framed(b"{bad}") + framed(shutdown) + framed(leave),
        capture_output=True,
        timeout=STEP,
    )
    log = run.stderr.decode()
    assert "Traceback" not in log
    assert "mj lsp: Unable to handle message: Expecting property name" in log
    assert b'"id": 1' in run.stdout and run.returncode == 0  # shutdown was answered
