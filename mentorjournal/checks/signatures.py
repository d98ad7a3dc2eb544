"""What a signature covers, whose signatures count, and whose key changed.

A signature is ``{by, date, digest, sig}``: ``sig`` is ``ssh-keygen -Y sign -n
mentorjournal`` over ``digest`` with the signer's SSH key. It is valid when it verifies
with the key the agreement holds for ``by`` and ``digest`` is the current text's; stale
when it verifies over an older text; invalid otherwise (no ``sig``, no ``key``, made
with another key, or an entry edited after signing).

Keys are trusted on first use, as ssh trusts a host: a person's first key in the
agreement's whole history (every branch: two different first keys trust neither). A
later key counts once that person confirmed it, by signing a version that holds it
with a key already trusted (`mj sign --confirm-key`); until then the change is
reported (which commit, who committed it) and the person's signatures do not count.
So nobody holding only their own key can make another's signature count: not by
signing as them, not by editing their entry, not by putting their own key there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentorjournal import sshkeys
from mentorjournal.errors import MjError
from mentorjournal.model import Document, Finding, KeyPath, Severity

if TYPE_CHECKING:
    from mentorjournal.git.gitrepo import CommitInfo

    Version = tuple[CommitInfo | None, Document]

ROLES = ("mentor", "mentee")


@dataclass(frozen=True)
class SignatureState:
    valid: tuple[str, ...]
    stale: tuple[str, ...]
    missing: tuple[str, ...]
    invalid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """One person's signature entry, as checked."""

    index: int  # in ``signatures``
    by: str
    state: str  # valid, stale or invalid
    why: str  # what makes it invalid
    forged: bool  # a ``sig`` that is not by the key it claims, or not over its digest
    fingerprint: str | None  # of the key that made ``sig``, read from it


@dataclass(frozen=True)
class KeyChange:
    """A person's key, as one version changed it."""

    handle: str
    before: str | None  # fingerprints; None: no key
    after: str | None
    confirmed: bool  # the new key counts (a first key, or confirmed with a trusted one)
    commit: CommitInfo | None = None  # the commit that brought it in; None: not committed


def agreement_digest(agreement: Document) -> str:
    """sha256 over the front matter without ``signatures`` (canonical JSON) and the body.

    Key order and YAML formatting do not matter; any value or body change does.
    """
    meta = {key: value for key, value in agreement.meta.items() if key != "signatures"}
    canonical = json.dumps(meta, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    body = "\n".join(line.rstrip() for line in agreement.body.strip().split("\n"))
    return "sha256:" + hashlib.sha256(f"{canonical}\n{body}".encode()).hexdigest()


def people_of(meta: Mapping[str, Any]) -> dict[str, tuple[KeyPath, str | None]]:
    """Everyone the agreement names: where in the front matter, and their key (or None)."""
    found: dict[str, tuple[KeyPath, str | None]] = {}
    others = meta.get("others")
    places: list[tuple[KeyPath, Any]] = [((role,), meta.get(role)) for role in ROLES]
    places += [(("others", i), o) for i, o in enumerate(others if isinstance(others, list) else [])]
    for path, person in places:
        if isinstance(person, dict) and isinstance(person.get("handle"), str):
            found.setdefault(person["handle"], (path, sshkeys.key_id(person.get("key"))))
    return found


def entries(meta: Mapping[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Each signer's entry (the last one counts) and its index in ``signatures``."""
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    listed = meta.get("signatures")
    for index, entry in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("by"), str):
            found[entry["by"]] = (index, entry)
    return found


def _verified(handle: str, key: str, entry: Mapping[str, Any]) -> bool:
    digest, sig = entry.get("digest"), entry.get("sig")
    if not isinstance(digest, str) or not isinstance(sig, str):
        return False
    return sshkeys.verify(handle, key, digest.encode(), sig)


def _identity(path: KeyPath, handle: str) -> str:
    """Whose key it is from version to version: the mentor's and the mentee's by role (a
    renamed handle keeps its key; a new handle in the role is not a new person with a
    first key of its own), anyone else by handle."""
    return f"@{path[0]}" if len(path) == 1 else handle


def _who(doc: Document) -> dict[str, tuple[str, str | None]]:
    """Everyone's (handle, key or None) by identity."""
    return {_identity(path, h): (h, key) for h, (path, key) in people_of(doc.meta).items()}


def _keys(doc: Document) -> dict[str, str]:
    """Everyone's key by identity."""
    return {who: key for who, (_, key) in _who(doc).items() if key}


@dataclass(frozen=True)
class Trail:
    """The agreement's versions, parents before children (the version checked last),
    and each person's trusted keys after them."""

    versions: tuple[Version, ...]
    trusted: dict[str, set[str]]  # by identity

    def allowed(self, doc: Document, handle: str) -> set[str]:
        """The keys ``handle`` (a person in ``doc``) may sign with."""
        path = people_of(doc.meta)[handle][0]
        return self.trusted.get(_identity(path, handle), set())


def _graph(root: Path) -> list[tuple[CommitInfo, list[str], Document]]:
    """Every commit that changed agreement.md, parents first, with its parents among
    them and its version. ``--full-history``: a merge that kept one side's text must
    not hide the other side's commits (and a key one of them added first)."""
    from mentorjournal.format.document import parse_document
    from mentorjournal.format.layout import AGREEMENT
    from mentorjournal.git import gitrepo
    from mentorjournal.git.gitrepo import CommitInfo

    shape = "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%s"
    order = ["--full-history", "--topo-order", "--reverse", "--parents", "--no-color"]
    try:
        raw = gitrepo._run(root, ["log", "-z", shape, *order, "--", AGREEMENT]).stdout
        fields = raw.removesuffix(b"\0").decode("utf-8", "replace").split("\0") if raw else []
        commits = [fields[at : at + 6] for at in range(0, len(fields), 6)]
        blobs = gitrepo.read_blobs(root, [f"{c[0]}:./{AGREEMENT}" for c in commits])
    except MjError:
        return []  # not a repository, no commit yet, or one git cannot read
    return [
        (
            CommitInfo(sha, name, email, date, subject),
            parents.split(),
            parse_document(AGREEMENT, data),
        )
        for sha, parents, name, email, date, subject in commits
        if (data := blobs.get(f"{sha}:./{AGREEMENT}")) is not None
    ]


def trail(root: str | Path | None, current: Document | None) -> Trail:
    """Whose keys count: a person's first key (the one a version added where no earlier
    version had any key for them; two such keys trust neither), and every key a version
    holds that the person signed there with a key already trusted."""
    graph = _graph(Path(root)) if root is not None and (current is None or _keys(current)) else []
    first: dict[str, set[str]] = {}
    had: dict[str, set[str]] = {}

    def introduce(doc: Document, before: set[str]) -> set[str]:
        keys = _keys(doc)
        for who, key in keys.items():
            if who not in before:
                first.setdefault(who, set()).add(key)
        return before | set(keys)

    for commit, parents, doc in graph:
        had[commit.sha] = introduce(doc, set().union(*(had.get(p, set()) for p in parents)))
    versions: list[Version] = [(commit, doc) for commit, _, doc in graph]
    if current is not None:
        introduce(current, set().union(*had.values()))
        versions.append((None, current))
    versions = [(commit, doc) for commit, doc in versions if doc.parsed]
    trusted = {who: keys if len(keys) == 1 else set() for who, keys in first.items()}
    grown = True
    while grown:  # a confirmation may rest on a key confirmed in a later version
        grown = False
        for _, doc in versions:
            for who, (handle, key) in _who(doc).items():
                if key and key not in trusted[who] and _confirms(doc, handle, trusted[who]):
                    trusted[who].add(key)
                    grown = True
    return Trail(tuple(versions), trusted)


def _confirms(doc: Document, handle: str, trusted: set[str]) -> bool:
    """``handle`` signed ``doc`` itself with a trusted key."""
    _, entry = entries(doc.meta).get(handle, (0, {}))
    made = sshkeys.signer(entry.get("sig"))
    try:
        return (
            made in trusted
            and entry.get("digest") == agreement_digest(doc)
            and _verified(handle, str(made), entry)
        )
    except MjError:
        return False


def verdicts(doc: Document, trusted: Mapping[str, set[str]]) -> list[Verdict]:
    """Every signer's entry in ``doc``, judged with these trusted keys."""
    digest = agreement_digest(doc)
    known = people_of(doc.meta)
    found = []
    for by, (index, entry) in entries(doc.meta).items():
        made = sshkeys.signer(entry.get("sig"))
        key = known[by][1] if by in known else None
        allowed = trusted.get(_identity(known[by][0], by), set()) if by in known else set()
        state, why, forged = "invalid", "", False
        if by not in known:
            why = f"{by!r} is not in the agreement"
        elif key is None:
            why = f"{by} has no `key` in the agreement: add one with `mj key --as {by}`"
        elif not isinstance(entry.get("sig"), str):
            why = f"it has no `sig` (signed before mj used SSH keys): `mj sign --as {by}`"
        elif key not in allowed:
            why = f"{by}'s key changed and {by} has not confirmed the change"
        elif made is None or made not in allowed:
            shown = sshkeys.fingerprint(made) if made else "none"
            why, forged = f"`sig` was not made with {by}'s key (made with: {shown})", True
        else:
            try:
                good = _verified(by, made, entry)
            except MjError as exc:
                why = str(exc)
            else:
                why, forged = ("", False) if good else ("`sig` does not match its digest", True)
                if good:
                    state = "valid" if entry.get("digest") == digest else "stale"
        fingerprint = sshkeys.fingerprint(made) if made else None
        found.append(Verdict(index, by, state, why, forged, fingerprint))
    return found


def state_of(doc: Document, found: list[Verdict]) -> SignatureState:
    signed = {v.by for v in found}
    roles = [doc.meta.get(role) for role in ROLES]
    handles = [p["handle"] for p in roles if isinstance(p, dict) and "handle" in p]
    missing = [h for h in dict.fromkeys(handles) if isinstance(h, str) and h not in signed]

    def named(state: str) -> tuple[str, ...]:
        return tuple(v.by for v in found if v.state == state)

    return SignatureState(named("valid"), named("stale"), tuple(missing), named("invalid"))


def signature_state(agreement: Document, root: str | Path | None = None) -> SignatureState:
    """Mentor and mentee must sign; every entry is valid, stale or invalid. With the
    journal's ``root``, keys are trusted as its git history says; without, as they are."""
    return state_of(agreement, verdicts(agreement, trail(root, agreement).trusted))


def unconfirmed(history: Trail) -> list[KeyChange]:
    """The keys of the last version that are not trusted, each with the commit that
    brought it in (the oldest version holding it) and the key before it."""
    changes = []
    versions = history.versions
    for who, (handle, key) in _who(versions[-1][1]).items():
        if key is None or key in history.trusted.get(who, ()):
            continue
        at = next(i for i, (_, doc) in enumerate(versions) if _keys(doc).get(who) == key)
        earlier = _keys(versions[at - 1][1]).get(who) if at else None
        before = sshkeys.fingerprint(earlier) if earlier else None
        changes.append(KeyChange(handle, before, sshkeys.fingerprint(key), False, versions[at][0]))
    return changes


def key_changes(
    before: Document | None, after: Document, trusted: Mapping[str, set[str]]
) -> list[KeyChange]:
    """Whose key ``after`` changed from ``before`` (added, replaced or removed)."""
    old = _who(before) if before is not None else {}
    new = _who(after)
    found = []
    for who in dict.fromkeys([*new, *old]):
        handle, was = old.get(who, (who, None))
        handle, now = new.get(who, (handle, None))
        if was != now:
            prints = [sshkeys.fingerprint(k) if k else None for k in (was, now)]
            found.append(KeyChange(handle, prints[0], prints[1], now in trusted.get(who, ())))
    return found


def signature_findings(agreement: Document, root: str | Path | None) -> list[Finding]:
    """Stale, invalid and unknown signers' signatures, and keys changed unconfirmed."""
    history = trail(root, agreement)
    found = verdicts(agreement, history.trusted)
    people = people_of(agreement.meta)
    findings: list[Finding] = []

    def at(path: KeyPath, severity: Severity, code: str, message: str) -> None:
        line, column = agreement.position(path)
        findings.append(Finding(agreement.path, line, column, severity, code, message))

    stale = ", ".join(v.by for v in found if v.state == "stale")
    if stale:
        message = f"the agreement changed after {stale} signed; re-sign with `mj sign --as`"
        at(("signatures",), "warning", "stale-signature", message)
    for v in found:
        if v.by not in people:
            message = f"signature by {v.by!r}, who is not in the agreement"
            at(("signatures", v.index, "by"), "error", "unknown-person", message)
        elif v.state == "invalid":
            message = f"{v.by}'s signature does not count: {v.why}"
            severity: Severity = "error" if v.forged else "warning"
            at(("signatures", v.index, "sig"), severity, "invalid-signature", message)
    for change in unconfirmed(history):
        commit = change.commit
        where = (
            f"in commit {commit.sha[:7]} by {commit.author_name} <{commit.author_email}> "
            f"on {commit.date[:10]}"
            if commit
            else "since the last commit"
        )
        who = change.handle
        at(
            (*people[who][0], "key"),
            "warning",
            "key-changed",
            f"{who}'s key changed from {change.before or 'none'} to {change.after} {where} "
            f"and {who} has not confirmed it: {who}'s signature does not count. If {who} "
            f"changed it, {who} signs once with the earlier key (`mj sign --as {who} --key "
            "EARLIER-KEY --confirm-key`); if not, put the earlier key back.",
        )
    return findings
