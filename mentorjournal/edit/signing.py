"""`mj sign` and `mj key`: a signature entry, or one person's `key`, and no other byte.

Every other byte of agreement.md stays as it was (comments, key order, quoting, CRLF
line endings, a BOM): the block under `signatures:` is replaced, or a new one is
appended right before the closing `---`; a key is one line in its person's mapping.
The result is parsed again and checked (same data but for that one value, same
digest for a signature) before it is written through the one writer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal import sshkeys
from mentorjournal.checks import signatures as checks
from mentorjournal.edit.writer import refuse_conflicts, rewrite
from mentorjournal.errors import MjError
from mentorjournal.format import yamldata
from mentorjournal.format.dates import parse_date
from mentorjournal.format.document import parse_document
from mentorjournal.format.layout import AGREEMENT
from mentorjournal.model import Document, KeyPath

_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")


@dataclass(frozen=True)
class SignResult:
    date: str
    # True when an earlier signature by the same person was replaced.
    replaced: bool
    # True when the file already held a valid signature of this text by this person.
    unchanged: bool = False
    fingerprint: str = ""


@dataclass(frozen=True)
class KeyResult:
    fingerprint: str
    replaced: str | None  # the fingerprint of the key it replaced
    unchanged: bool
    trusted: bool = True  # it counts as H's now (a first key); else H confirms it


def _yaml_ready(value: Any) -> Any:
    """Dates as date objects, so that they are written `2025-07-20`, not `'2025-07-20'`."""
    if isinstance(value, dict):
        return {key: _yaml_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_yaml_ready(item) for item in value]
    return parse_date(value) or value


def _lines(data: bytes) -> tuple[list[str], str, int]:
    """The file's lines, its line ending, and the index of the closing fence (there: the
    agreement parsed, ``_agreement``)."""
    lines = _LINE.findall(data.decode("utf-8"))
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    close = next(i for i in range(1, len(lines)) if _CLOSE.fullmatch(lines[i].rstrip("\r\n")))
    return lines, newline, close


def _end(doc: Document, lines: list[str], close: int, start: int, inside: KeyPath) -> int:
    """The 0-based line where the block starting at line ``start`` ends: the next key not
    under ``inside``, or the closing fence; blank and comment lines before it stay with it."""
    later = [
        line - 1
        for path, (line, _) in doc.positions.items()
        if line - 1 > start and path[: len(inside)] != inside
    ]
    end = min(later, default=close)
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip()[:1] == "#"):
        end -= 1
    return end


def _with_block(data: bytes, doc: Document, key: str, value: Any) -> bytes:
    """``data`` with the top-level ``key`` of its front matter replaced (or appended)."""
    lines, newline, close = _lines(data)
    block = yamldata.dump_block(key, _yaml_ready(value))
    new = [line + newline for line in block.rstrip("\n").split("\n")]
    if (key,) in doc.positions:
        start = doc.positions[(key,)][0] - 1
        end = _end(doc, lines, close, start, (key,))
        return "".join([*lines[:start], *new, *lines[end:]]).encode()
    return "".join([*lines[:close], *new, *lines[close:]]).encode("utf-8")


def with_signature(data: bytes, agreement: Document, entries: list[Any]) -> bytes:
    """``data`` with its front matter's `signatures` block replaced by ``entries``."""
    return _with_block(data, agreement, "signatures", entries)


def _at(meta: Mapping[str, Any], person: KeyPath) -> dict[str, Any]:
    found: Any = meta[str(person[0])]
    return dict(found[person[1]] if len(person) > 1 else found)


def _keyed(meta: Mapping[str, Any], person: KeyPath, key: str) -> dict[str, Any]:
    """``meta`` with ``key`` as the `key` of the person at ``person``."""
    name, value = str(person[0]), meta[str(person[0])]
    if len(person) == 1:
        return {**meta, name: {**value, "key": key}}
    listed = [{**o, "key": key} if i == person[1] else o for i, o in enumerate(value)]
    return {**meta, name: listed}


def _with_key(data: bytes, doc: Document, person: KeyPath, key: str) -> bytes:
    """``data`` with one `key:` line set in the person's mapping at ``person``; a flow
    mapping (`{handle: ana, ...}`) is written out as a block instead."""
    lines, newline, close = _lines(data)
    children = [(p, pos) for p, pos in doc.positions.items() if p[:-1] == person and len(p) > 1]
    rows = [line for _, (line, _) in children]
    top = doc.positions[person][0]
    if len(set(rows)) != len(rows) or (len(person) == 1 and top in rows) or not children:
        name = str(person[0])
        return _with_block(data, doc, name, _keyed(doc.meta, person, key)[name])
    column = min(column for _, (_, column) in children)
    line = " " * (column - 1) + yamldata.dump_block("key", key).rstrip("\n") + newline
    if (*person, "key") in doc.positions:
        start = doc.positions[(*person, "key")][0] - 1
        end = _end(doc, lines, close, start, (*person, "key"))
    else:
        start = end = _end(doc, lines, close, max(rows) - 1, person)
    return "".join([*lines[:start], line, *lines[end:]]).encode("utf-8")


def _agreement(path: Path, data: bytes, command: str) -> Document:
    agreement = parse_document(AGREEMENT, data)
    refuse_conflicts(agreement, command)
    if not agreement.parsed:
        raise MjError(
            f"{path} cannot be read as an agreement (see `mj validate`): fix it, then retry"
        )
    return agreement


def _person(agreement: Document, handle: str, what: str) -> tuple[KeyPath, str | None]:
    known = checks.people_of(agreement.meta)
    if handle not in known:
        who = ", ".join(known) or "nobody yet"
        raise MjError(
            f"{handle!r} is not in the agreement, so cannot {what}. Those in it: {who}. "
            "Use one of them, or add the person to `others` first."
        )
    return known[handle]


def _checked(old: Document, new_data: bytes, expected: dict[str, Any]) -> bytes:
    """``new_data`` when it holds ``expected`` and the same body; else nothing is written."""
    new = parse_document(AGREEMENT, new_data)
    if not new.parsed or dict(new.meta) != expected or new.body != old.body:
        raise MjError(
            "mj could not make this edit without changing other parts of agreement.md "
            "(unusual formatting?). Nothing was written; check the front matter with "
            "`mj validate` and retry."
        )
    return new_data


def _entries(agreement: Document, mine: dict[str, Any]) -> tuple[list[Any], bool]:
    """The new `signatures` list: the signer's entry replaced in place (or appended)."""
    listed = agreement.meta.get("signatures")
    result: list[Any] = []
    replaced = False
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and entry.get("by") == mine["by"]:
            if not replaced:
                result.append(mine)
            replaced = True
        else:
            result.append(entry)
    return (result, True) if replaced else ([*result, mine], False)


def _unconfirmed(handle: str, history: checks.Trail, own: str) -> str:
    """What to do about ``handle``'s key that nobody has confirmed."""
    change = next(c for c in checks.unconfirmed(history) if c.handle == handle)
    commit = change.commit
    where = f" in commit {commit.sha[:7]} by {commit.author_name}" if commit else ""
    return (
        f"{handle}'s key in the agreement ({sshkeys.fingerprint(own)}) replaced "
        f"{change.before or 'another one'}{where}, and {handle} has not confirmed it. "
        f"Nothing was written. If it is your new key, confirm it by signing once with your "
        f"earlier key: `mj sign --as {handle} --key EARLIER-KEY --confirm-key`. If it is "
        f"not yours, put yours back: `mj key --as {handle} --replace --file YOUR-KEY`."
    )


def sign_agreement(
    root: Path, handle: str, today: dt.date, key: str | None, confirm: bool = False
) -> SignResult:
    """Sign the working tree's agreement as ``handle`` with ``key`` (a key file or a
    literal public key in ssh-agent; None: git's user.signingKey, else ~/.ssh/id_ed25519).
    A new key of ``handle``'s is confirmed (signed with an earlier one) only with
    ``confirm``: re-signing a text must never vouch for a key someone else put there."""
    from mentorjournal.checks.filecheck import refuse_placeholders

    refuse_placeholders(str(root))
    path = root / AGREEMENT
    command = f"mj sign --as {handle}"
    agreement = _agreement(path, path.read_bytes(), command)
    _, own = _person(agreement, handle, "sign it")
    if own is None:
        raise MjError(
            f"{handle} has no `key` in the agreement, so no signature of theirs can be "
            f"checked. Add it: `mj key --as {handle}`, then `mj commit`, then sign."
        )
    digest = checks.agreement_digest(agreement)
    history = checks.trail(root, agreement)
    trusted = history.allowed(handle)
    mine = [v for v in checks.verdicts(agreement, history) if v.by == handle]
    if mine and mine[0].state == "valid":
        entry = checks.entries(agreement.meta)[handle][1]
        return SignResult(str(entry.get("date")), False, True)
    if history.unchecked:
        raise MjError(
            f"{history.unchecked}, so mj cannot tell whether a key is {handle}'s. Nothing "
            "was written: sign in a full clone of the shared journal."
        )
    if own not in trusted and not confirm:
        raise MjError(_unconfirmed(handle, history, own))
    other = history.clash(agreement, handle)
    if other:
        raise MjError(
            f"{handle}'s key in the agreement ({sshkeys.fingerprint(own)}) is {other}'s too, "
            f"and a key is one person's: no signature made with it counts. Nothing was "
            f"written. Put {handle}'s own key in first: `mj key --as {handle} --replace`."
        )
    key = key or sshkeys.configured_key(root)
    if key is None:
        raise MjError(
            f"no SSH key to sign with: pass --key FILE, or tell git which key is yours "
            f"(`git config --global user.signingKey ~/.ssh/id_ed25519`). No key yet? "
            f"`mj key --as {handle}` makes one."
        )
    sig = sshkeys.sign(digest.encode(), key)
    made = sshkeys.signer(sig) or ""
    if made == own and own not in trusted:
        raise MjError(_unconfirmed(handle, history, own))  # a key cannot confirm itself
    if made not in trusted or not sshkeys.verify(handle, made, digest.encode(), sig):
        shown = sshkeys.fingerprint(made) if made else "no key"
        raise MjError(
            f"{key} ({shown}) is not {handle}'s key in the agreement "
            f"({sshkeys.fingerprint(own)}): nothing was written. Sign with {handle}'s own key "
            f"(--key FILE). A new key of yours? Put it in first: `mj key --as {handle} --replace`."
        )
    date = today.isoformat()

    def signed(data: bytes) -> tuple[bytes, SignResult]:
        current = _agreement(path, data, command)
        if checks.agreement_digest(current) != digest:
            raise MjError("agreement.md changed while mj was signing it: sign again")
        entries, replaced = _entries(
            current, {"by": handle, "date": date, "digest": digest, "sig": sig}
        )
        new = with_signature(data, current, entries)
        expected = {**current.meta, "signatures": entries}
        result = SignResult(date, replaced, False, sshkeys.fingerprint(made))
        return _checked(current, new, expected), result

    return rewrite(root, path, signed)


def _mine(root: Path) -> tuple[list[str], dict[str, str]]:
    """The handles whose `email` is git's user.email, and everyone's `email` ("" if none)."""
    from mentorjournal.git import gitrepo

    meta = _agreement(root / AGREEMENT, (root / AGREEMENT).read_bytes(), "mj key").meta
    emails = {
        handle: str(_at(meta, where).get("email") or "").strip().lower()
        for handle, (where, _) in checks.people_of(meta).items()
    }
    email = (gitrepo._config(root, "user.email") or "").strip().lower()
    return [handle for handle, theirs in emails.items() if email and theirs == email], emails


def own_handle(root: Path) -> str:
    """The person whose `email` in the agreement is git's user.email."""
    mine, emails = _mine(root)
    if len(mine) == 1:
        return mine[0]
    raise MjError(f"say whose key this is: `mj key --as HANDLE` ({', '.join(emails)})")


def is_them(root: Path, handle: str) -> bool | None:
    """Whether git's user.email says that ``handle`` runs mj (it is their `email`, or
    another person's, or not theirs); None when nothing says."""
    mine, emails = _mine(root)
    return True if handle in mine else False if mine or emails.get(handle) else None


def set_key(root: Path, handle: str, key: str, replace: bool) -> KeyResult:
    """Write ``key`` as ``handle``'s `key` in the agreement; a different key already
    there is replaced only with ``replace``."""
    path = root / AGREEMENT
    wanted = sshkeys.key_id(key)
    assert wanted is not None  # the caller read it as one (find_public_key, generate)
    fingerprint = sshkeys.fingerprint(wanted)

    def keyed(data: bytes) -> tuple[bytes, KeyResult]:
        agreement = _agreement(path, data, f"mj key --as {handle}")
        where, own = _person(agreement, handle, "have a key")
        if own == wanted:
            return data, KeyResult(fingerprint, None, True)
        before = sshkeys.fingerprint(own) if own else None
        if before and not replace:
            raise MjError(
                f"{handle} already has a different key in the agreement ({before}). To "
                f"replace it, run again with --replace; then {handle} signs once with the "
                "earlier key and --confirm-key (see `mj sign --help`)."
            )
        new = _with_key(data, agreement, where, key.strip())
        new = _checked(agreement, new, _keyed(agreement.meta, where, key.strip()))
        doc = parse_document(AGREEMENT, new)
        history = checks.trail(root, doc)
        other = history.clash(doc, handle)
        if other:
            raise MjError(
                f"that key ({fingerprint}) is {other}'s in the agreement, and a key is one "
                f"person's: nothing was written. Give {handle}'s own key (--file), or let "
                f"{handle} run `mj key` on their own computer."
            )
        trusted = wanted in history.allowed(handle)
        return new, KeyResult(fingerprint, before, False, trusted)

    return rewrite(root, path, keyed)
