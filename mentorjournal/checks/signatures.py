"""What a signature covers, whose signatures count, and whose key changed.

A signature is ``{by, date, digest, sig}``: ``sig`` is ``ssh-keygen -Y sign -n mentorjournal``
over ``digest`` with the signer's SSH key. Valid: it verifies with the key the agreement
holds for ``by``, and ``digest`` is the current text's. Stale: it verifies over an older
text. Invalid: anything else (no ``sig`` or ``key``, another key, an entry edited after
signing, another person's key), or unverified (no history to trust its keys from).

Keys are trusted on first use, as ssh trusts a host: a person's first key in the
agreement's whole history (every branch: two different first keys trust neither). A
later key counts once that person confirmed it, by signing a version that holds it
with a key already trusted (`mj sign --confirm-key`); until then the change is
reported (which commit, who committed it) and the person's signatures do not count.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mentorjournal import sshkeys
from mentorjournal.digest import sha256_hex
from mentorjournal.errors import MjError
from mentorjournal.model import Document, Finding, KeyPath

if TYPE_CHECKING:
    from mentorjournal.git.gitlog import CommitInfo
    from mentorjournal.model import Severity

    Version = tuple[CommitInfo | None, Document]

ROLES = ("mentor", "mentee")


@dataclass(frozen=True)
class SignatureState:
    valid: tuple[str, ...]
    stale: tuple[str, ...]
    missing: tuple[str, ...]
    invalid: tuple[str, ...] = ()
    why: str = ""  # the reason all the invalid ones share, if one
    keyless: tuple[str, ...] = ()  # of ``missing``, those with no key in the agreement yet


@dataclass(frozen=True)
class Verdict:
    """One person's signature entry, as checked."""

    index: int  # in ``signatures``
    by: str
    state: str  # valid, stale, invalid or unverified
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
    return "sha256:" + sha256_hex(f"{canonical}\n{body}".encode())


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


def reads_history(agreement: Document | None) -> bool:
    """Whether the agreement's signatures are judged against its git history (someone
    has a key): a result kept from them is fresh only under ``gitstate.history_mark``."""
    return agreement is not None and any(key for _, key in people_of(agreement.meta).values())


def entries(meta: Mapping[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Each signer's entry (the last one counts) and its index in ``signatures``."""
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    listed = meta.get("signatures")
    for index, entry in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("by"), str):
            found[entry["by"]] = (index, entry)
    return found


def _verified(handle: str, key: str, entry: Mapping[str, Any]) -> bool:
    """Whether the entry's `sig` (text: ``key`` made it) is ``handle``'s over its `digest`."""
    digest = entry.get("digest")
    return isinstance(digest, str) and sshkeys.verify(handle, key, digest.encode(), entry["sig"])


def _held(doc: Document, persons: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(handle, person, key) of everyone in ``doc`` whose key nobody else there holds."""
    keyed = [(handle, key) for handle, (_, key) in people_of(doc.meta).items() if key]
    keys = [key for _, key in keyed]
    return [(h, persons.get(h, h), key) for h, key in keyed if keys.count(key) == 1]


def _unchecked(root: Path) -> str:
    """Why keys cannot be checked against the agreement's history; "" when they can."""
    from mentorjournal.index.gitstate import git_location

    location = git_location(str(root))
    if location is None:
        return "cannot check keys: no repository (a copy without its Git history)"
    if Path(location[0], "shallow").exists():
        return "cannot check keys: shallow history (`git fetch --unshallow` brings the rest)"
    return ""


@dataclass(frozen=True)
class Trail:
    """The agreement's versions, parents before children (the version checked last), and
    each person's trusted keys after them. A person is who a handle was when it first
    appeared: a handle keeps its person for good (swapping handles swaps no keys), and a new
    handle in the mentor's or the mentee's role is the role's earlier person (a rename keeps
    the key; a new handle gets no first key of its own). A key is one person's: the first
    who held it."""

    versions: tuple[Version, ...]
    trusted: dict[str, set[str]]  # by person
    persons: dict[str, str]  # handle -> person
    owners: dict[str, str]  # key -> the person who held it first
    unchecked: str = ""  # why keys cannot be checked against history; "" when they can

    def person(self, handle: str) -> str:
        return self.persons.get(handle, handle)

    def allowed(self, handle: str) -> set[str]:
        """The keys ``handle`` may sign with."""
        return self.trusted.get(self.person(handle), set())

    def key_of(self, doc: Document, handle: str) -> str | None:
        """``handle``'s key in ``doc``; when ``handle`` is not there, its person's."""
        people = people_of(doc.meta)
        same = [k for h, (_, k) in people.items() if self.person(h) == self.person(handle)]
        return people[handle][1] if handle in people else same[0] if same else None

    def clash(self, doc: Document, handle: str) -> str | None:
        """Someone else who holds ``handle``'s key in ``doc``, or held it first."""
        people = people_of(doc.meta)
        key = people[handle][1] if handle in people else None
        same = [h for h, (_, k) in people.items() if key and k == key and h != handle]
        owner = self.owners.get(key or "", self.person(handle))
        return same[0] if same else None if owner == self.person(handle) else owner


def _graph(root: Path) -> list[tuple[CommitInfo, list[str], Document]]:
    """Every commit that changed agreement.md, parents first, with its parents among
    them and its version. ``--full-history``: a merge that kept one side's text must
    not hide the other side's commits (and a key one of them added first)."""
    from mentorjournal.format.document import parse_document
    from mentorjournal.format.layout import AGREEMENT
    from mentorjournal.git import gitrepo
    from mentorjournal.git.gitlog import CommitInfo

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
        (CommitInfo(sha, *author_and_subject), parents.split(), parse_document(AGREEMENT, data))
        for sha, parents, *author_and_subject in commits
        if (data := blobs.get(f"{sha}:./{AGREEMENT}")) is not None
    ]


def trail(root: str | Path | None, current: Document | None) -> Trail:
    """Whose keys count: a person's first key (the one a version added where no earlier
    version had any key for them, and nobody else held it; two such keys trust
    neither), and every key a version holds that the person signed there with a key
    already trusted. With ``root``, from its git history; without, as ``current`` is."""
    keyed = current is None or reads_history(current)
    graph = _graph(Path(root)) if root is not None and keyed else []
    persons: dict[str, str] = {}
    owners: dict[str, str] = {}
    first: dict[str, set[str]] = {}
    had: dict[str, set[str]] = {}
    docs: dict[str, Document] = {}

    def introduce(doc: Document, parents: list[Document], before: set[str]) -> set[str]:
        for handle, (path, _) in people_of(doc.meta).items():
            if handle not in persons:
                roles = [p.meta.get(str(path[0])) for p in parents if len(path) == 1]
                earlier = [r["handle"] for r in roles if isinstance(r, dict) and r.get("handle")]
                persons[handle] = persons.get(earlier[0], handle) if earlier else handle
        mine = []
        for _, who, key in _held(doc, persons):
            if owners.setdefault(key, who) == who:
                mine.append(who)
                if who not in before:
                    first.setdefault(who, set()).add(key)
        return before | set(mine)

    for commit, parents, doc in graph:
        known = set().union(*(had.get(p, set()) for p in parents))
        had[commit.sha] = introduce(doc, [docs[p] for p in parents if p in docs], known)
        docs[commit.sha] = doc
    versions: list[Version] = [(commit, doc) for commit, _, doc in graph]
    if current is not None:
        introduce(current, [graph[-1][2]] if graph else [], set().union(*had.values()))
        versions.append((None, current))
    versions = [(commit, doc) for commit, doc in versions if doc.parsed]
    trusted = {who: keys if len(keys) == 1 else set() for who, keys in first.items()}
    grown = True
    while grown:  # a confirmation may rest on a key confirmed in a later version
        grown = False
        for _, doc in versions:
            for handle, who, key in _held(doc, persons):
                mine = trusted.setdefault(who, set())
                if owners[key] == who and key not in mine and _confirms(doc, handle, mine):
                    mine.add(key)
                    grown = True
    unchecked = _unchecked(Path(root)) if root is not None else ""
    return Trail(tuple(versions), trusted, persons, owners, unchecked)


def _confirms(doc: Document, handle: str, trusted: set[str]) -> bool:
    """``handle`` signed ``doc`` itself with a trusted key."""
    _, entry = entries(doc.meta).get(handle, (0, {}))
    made = sshkeys.signer(entry.get("sig"))
    if made not in trusted or entry.get("digest") != agreement_digest(doc):
        return False
    try:
        return _verified(handle, made, entry)
    except MjError:
        return False


def verdicts(doc: Document, history: Trail) -> list[Verdict]:
    """Every signer's entry in ``doc``, judged with the keys ``history`` trusts."""
    digest = agreement_digest(doc)
    known = people_of(doc.meta)
    found = []
    for by, (index, entry) in entries(doc.meta).items():
        made = sshkeys.signer(entry.get("sig"))
        key = known[by][1] if by in known else None
        allowed = history.allowed(by)
        state, why, forged = "invalid", "", False
        if by not in known:
            why = f"{by!r} is not in the agreement"
        elif key is None:
            why = f"{by} has no `key` in the agreement: add one with `mj key --as {by}`"
        elif not isinstance(entry.get("sig"), str):
            why = f"it has no `sig` (signed before mj used SSH keys): `mj sign --as {by}`"
        elif other := history.clash(doc, by):
            why = f"{by}'s key is {other}'s too: a key is one person's"
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
                if good and history.unchecked:
                    state, why = "unverified", history.unchecked
                elif good:
                    state = "valid" if entry.get("digest") == digest else "stale"
        found.append(Verdict(index, by, state, why, forged, _print(made)))
    return found


def signature_state(agreement: Document, root: str | Path | None = None) -> SignatureState:
    """Mentor and mentee must sign; every entry is valid, stale or invalid (unverified
    too). Keys are trusted as the git history of ``root`` says; without it, as they are."""
    found = verdicts(agreement, trail(root, agreement))
    signed = {v.by for v in found}
    people = people_of(agreement.meta).items()
    missing = tuple(h for h, (path, _) in people if len(path) == 1 and h not in signed)  # roles'
    keyless = tuple(h for h, (_, key) in people if h in missing and key is None)

    def named(*states: str) -> tuple[str, ...]:
        return tuple(v.by for v in found if v.state in states)

    reasons = {v.why for v in found if v.state in ("invalid", "unverified")}
    why = reasons.pop() if len(reasons) == 1 else ""
    invalid = named("invalid", "unverified")
    return SignatureState(named("valid"), named("stale"), missing, invalid, why, keyless)


def _print(key: str | None) -> str | None:
    return sshkeys.fingerprint(key) if key else None


def unconfirmed(history: Trail) -> list[KeyChange]:
    """The keys of the last version that are not trusted, each with the commit that
    brought it in (the oldest version where that handle holds it) and the key before."""
    changes = []
    versions = history.versions
    for handle, (_, key) in people_of(versions[-1][1].meta if versions else {}).items():
        if key is None or key in history.allowed(handle):
            continue
        at = next(i for i, (_, d) in enumerate(versions) if history.key_of(d, handle) == key)
        before = _print(history.key_of(versions[at - 1][1], handle) if at else None)
        changes.append(KeyChange(handle, before, _print(key), False, versions[at][0]))
    return changes


def key_changes(before: Document | None, after: Document, history: Trail) -> list[KeyChange]:
    """Whose key ``after`` changed from ``before`` (added, replaced or removed): each
    handle's against the key that handle (or, renamed, its person) had."""
    found = []
    people = people_of(after.meta)
    for handle, (_, now) in people.items():
        was = history.key_of(before, handle) if before is not None else None
        if was != now:
            trusted = now in history.allowed(handle) and not history.clash(after, handle)
            found.append(KeyChange(handle, _print(was), _print(now), trusted))
    persons = {history.person(h) for h in people}
    for handle, (_, was) in (people_of(before.meta) if before is not None else {}).items():
        if was and history.person(handle) not in persons:
            found.append(KeyChange(handle, _print(was), None, False))
    return found


def signature_findings(agreement: Document, root: str | Path | None) -> list[Finding]:
    """Stale, invalid, unverified and unknown signers' signatures, shared keys, unconfirmed keys."""
    history = trail(root, agreement)
    found = verdicts(agreement, history)
    people = people_of(agreement.meta)
    findings: list[Finding] = []

    def at(path: KeyPath, severity: Severity, code: str, message: str) -> None:
        line, column = agreement.position(path)
        findings.append(Finding(agreement.path, line, column, severity, code, message))

    for v in found:
        if v.by not in people:
            message = f"signature by {v.by!r}, who is not in the agreement"
            at(("signatures", v.index, "by"), "error", "unknown-person", message)
        elif v.state == "stale":
            again = f"{v.by} signs again: `mj sign --as {v.by}`"
            message = f"the agreement changed after {v.by} signed; {again}"
            at(("signatures", v.index, "by"), "warning", "stale-signature", message)
        elif v.state in ("invalid", "unverified"):
            message = f"{v.by}'s signature does not count: {v.why}"
            severity: Severity = "error" if v.forged else "warning"
            code = "invalid-signature" if v.state == "invalid" else "unverified-signature"
            at(("signatures", v.index, "sig"), severity, code, message)
    for who, (path, key) in people.items():
        other = history.clash(agreement, who)
        if other and history.owners.get(key or "") != history.person(who):  # not its owner
            message = (
                f"{who}'s key is {other}'s too: a key is one person's, so no signature made "
                f"with it counts. Put {who}'s own key in: `mj key --as {who} --replace`."
            )
            at((*path, "key"), "error", "shared-key", message)
    for change in unconfirmed(history):
        who, commit = change.handle, change.commit
        where = "since the last commit"
        if commit:
            by = f"{commit.author_name} <{commit.author_email}>"
            where = f"in commit {commit.sha[:7]} by {by} on {commit.date[:10]}"
        fix = f"Put {who}'s own key in: `mj key --as {who} --replace`."
        if change.before:
            fix = (
                f"If {who} changed it, {who} signs once with the earlier key (`mj sign --as "
                f"{who} --key EARLIER-KEY --confirm-key`); if not, put the earlier key back."
            )
        message = (
            f"{who}'s key changed from {change.before or 'none'} to {change.after} {where} "
            f"and {who} has not confirmed it: {who}'s signature does not count. {fix}"
        )
        at((*people[who][0], "key"), "warning", "key-changed", message)
    return findings
