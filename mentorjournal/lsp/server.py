"""`mj lsp`: the Language Server, over stdio; the only module that uses pygls.

Each open journal file is checked as it is typed (``buffer``), against its journal as
last read from disk through the index. A save of any journal file, or a change the
editor reports through ``workspace/didChangeWatchedFiles`` (a `git pull`, another
editor), re-reads that journal and re-checks every open file in it: a person added
to the agreement or a goal file created clears the findings of the notes using them.

LSP columns count UTF-16 code units (or what the client chose); mj's count code
points: the two are converted here, line by line, and only LF ends a line.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import TYPE_CHECKING

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from mentorjournal.format.dates import today
from mentorjournal.format.items import TRAILING
from mentorjournal.lsp.buffer import (
    Buffer,
    buffer_findings,
    completions,
    hover_text,
    item_at,
    journal_path,
    marked_done,
    open_buffer,
)

if TYPE_CHECKING:
    from pygls.workspace import PositionCodec

    from mentorjournal.model import Finding, Journal

_KINDS = {
    "person": lsp.CompletionItemKind.Reference,
    "goal": lsp.CompletionItemKind.Reference,
    "key": lsp.CompletionItemKind.Property,
    "value": lsp.CompletionItemKind.Value,
}
_SEVERITIES = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning}


class JournalServer(LanguageServer):
    """Keeps each journal as last read from disk, keyed by its root."""

    def __init__(self) -> None:
        super().__init__("mj", version("mentorjournal"))
        self.on_disk: dict[str, Journal] = {}

    def buffer(self, uri: str) -> Buffer | None:
        """The open document at ``uri`` as a journal file; None when it is not one."""
        where = _where(uri)
        if where is None:
            return None
        root, relative = where
        if root not in self.on_disk:
            from pathlib import Path

            from mentorjournal.errors import MjError
            from mentorjournal.index.store import load_cached

            try:
                self.on_disk[root] = load_cached(Path(root))
            except MjError as exc:
                self.window_show_message(
                    lsp.ShowMessageParams(type=lsp.MessageType.Error, message=str(exc))
                )
                return None
        text = self.workspace.get_text_document(uri).source
        return open_buffer(relative, text, self.on_disk[root])

    def publish(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        buffer = self.buffer(uri)
        found = buffer_findings(buffer) if buffer is not None else []
        lines = document.source.split("\n")
        diagnostics = [_diagnostic(document.position_codec, lines, f) for f in found]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version)
        )

    def reread(self, uris: list[str]) -> None:
        """Forget the journals these files belong to; re-check every open file in them."""
        roots = {where[0] for uri in uris if (where := _where(uri))}
        for root in roots:
            self.on_disk.pop(root, None)
        for uri in list(self.workspace.text_documents):
            where = _where(uri)
            if where is not None and where[0] in roots:
                self.publish(uri)


def _where(uri: str) -> tuple[str, str] | None:
    path = to_fs_path(uri)
    return journal_path(path) if path and "\0" not in path else None  # no file has a NUL


def _units(codec: PositionCodec, lines: list[str], row: int, column: int) -> lsp.Position:
    """A code-point column as the client counts it."""
    line = lines[row] if row < len(lines) else ""
    return lsp.Position(line=row, character=codec.client_num_units(line[:column]))


def _column(codec: PositionCodec, lines: list[str], position: lsp.Position) -> int:
    """The code points before ``position`` on its line."""
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return index
        units += codec.client_num_units(char)
    return len(line)


def _diagnostic(codec: PositionCodec, lines: list[str], finding: Finding) -> lsp.Diagnostic:
    """A finding, marking the word it points at without the punctuation after it, as a
    date or a handle is read (or the rest of its line)."""
    row, column = finding.line - 1, finding.column - 1
    line = lines[row].rstrip("\r") if row < len(lines) else ""
    end = column
    while end < len(line) and line[end] not in " \t,[]{}":
        end += 1
    while end > column + 1 and line[end - 1] in TRAILING:
        end -= 1
    if end == column:
        end = len(line)
    return lsp.Diagnostic(
        range=lsp.Range(
            start=_units(codec, lines, row, column), end=_units(codec, lines, row, end)
        ),
        message=finding.message,
        severity=_SEVERITIES[finding.severity],
        code=finding.code,
        source="mj",
    )


def make_server() -> JournalServer:
    """The server with every feature registered."""
    server = JournalServer()

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: JournalServer, params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched and watched.dynamic_registration:
            watcher = lsp.FileSystemWatcher(glob_pattern="**/*.md")
            options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[watcher])
            registration = lsp.Registration(
                id="mj-journal-files",
                method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=options,
            )
            ls.client_register_capability(lsp.RegistrationParams(registrations=[registration]))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def typed(
        ls: JournalServer, params: lsp.DidOpenTextDocumentParams | lsp.DidChangeTextDocumentParams
    ) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: JournalServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.reread([params.text_document.uri])

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: JournalServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: JournalServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.reread([change.uri for change in params.changes])

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["@", "#"])
    )
    def complete(ls: JournalServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        uri, position = params.text_document.uri, params.position
        buffer = ls.buffer(uri)
        if buffer is None:
            return lsp.CompletionList(is_incomplete=False, items=[])
        codec = ls.workspace.get_text_document(uri).position_codec
        lines = buffer.text.split("\n")
        column = _column(codec, lines, position)
        items = []
        for found in completions(buffer, position.line, column):
            text = f"{found.label}: " if found.kind == "key" else found.label
            start = _units(codec, lines, position.line, found.start)
            edit = lsp.TextEdit(range=lsp.Range(start=start, end=position), new_text=text)
            label, kind, detail = found.label, _KINDS[found.kind], found.detail or None
            items.append(
                lsp.CompletionItem(
                    label, kind=kind, detail=detail, filter_text=label, text_edit=edit
                )
            )
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: JournalServer, params: lsp.HoverParams) -> lsp.Hover | None:
        buffer = ls.buffer(params.text_document.uri)
        text = hover_text(buffer, params.position.line, today()) if buffer else None
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    def code_action(ls: JournalServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        buffer = ls.buffer(uri)
        if buffer is None:
            return []
        codec = ls.workspace.get_text_document(uri).position_codec
        lines = buffer.text.split("\n")
        actions = []
        for row in range(params.range.start.line, min(params.range.end.line + 1, len(lines))):
            line = marked_done(buffer, row, today())
            item = item_at(buffer, row)
            if line is None or item is None:
                continue
            end = _units(codec, lines, row, len(lines[row].rstrip("\r")))
            start = lsp.Position(line=row, character=0)
            edit = lsp.TextEdit(range=lsp.Range(start=start, end=end), new_text=line)
            changes = lsp.WorkspaceEdit(changes={uri: [edit]})
            title, kind = f"Mark done: {item.text} ({item.id})", lsp.CodeActionKind.QuickFix
            actions.append(lsp.CodeAction(title, kind=kind, edit=changes))
        return actions

    return server


def serve() -> None:
    """Speak LSP on standard input and output until the client says exit. What pygls
    logs (a message it cannot read, which it answers and goes on) goes to the editor's
    log on standard error as one line, never a traceback."""
    import logging

    class OneLine(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            error = record.exc_info[1] if record.exc_info else None
            return f"mj lsp: {record.getMessage()}" + (f": {error}" if error else "")

    said = logging.StreamHandler()
    said.setFormatter(OneLine())
    logging.getLogger("pygls").addHandler(said)
    make_server().start_io()
