"""Ben and Ana, each with a real SSH key, in two clones of one journal (`mj clone` of a
bare remote). Holding only her own key, Ana can never make Ben's signature count:
every forgery below is tried, and status, validate and history say exactly what
happened, on her machine and on his."""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import mj
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    MENTEE,
    MENTOR,
    commit_through_hook,
    configure,
    fill_template,
    git,
    git_sandbox,
    head,
)
from sshutil import make_key, public, ssh_sign

from mentorjournal import sshkeys
from mentorjournal.checks.signatures import agreement_digest
from mentorjournal.cli import fastpath
from mentorjournal.format.document import parse_document

pytestmark = pytest.mark.usefixtures("git_sandbox")


@dataclass(frozen=True)
class Pair:
    ben: Path
    ana: Path
    keys: dict[str, Path]  # private keys, each on its owner's machine only

    def fingerprint(self, name: str) -> str:
        return sshkeys.fingerprint(public(self.keys[name]))


def _ok(*args: str, cwd: Path) -> str:
    result = mj(*args, cwd=cwd)
    assert result.exit_code == 0, result.output
    return result.output


def _refused(*args: str, cwd: Path) -> str:
    path = cwd / "agreement.md"
    before = path.read_bytes()
    result = mj(*args, cwd=cwd)
    assert result.exit_code == 1, result.output
    assert path.read_bytes() == before  # nothing was written
    return result.output


def _status(repo: Path) -> dict[str, list[str]]:
    """The signatures `mj status --json` lists; the console script's fast path (which
    answers from what it kept, when it can) first, and it must agree."""
    out, err = io.StringIO(), io.StringIO()
    kept = fastpath.run(["-C", str(repo), "status", "--json"], out, err)
    found: dict[str, list[str]] = json.loads(_ok("status", "--json", cwd=repo))["signatures"]
    assert kept is None or json.loads(out.getvalue())["signatures"] == found
    return found


def _state(
    valid: list[str], stale: list[str], missing: list[str], invalid: list[str]
) -> dict[str, list[str]]:
    return {"valid": valid, "stale": stale, "missing": missing, "invalid": invalid}


def _findings(repo: Path) -> list[tuple[str, str, int, str]]:
    result = mj("validate", "--json", cwd=repo)
    found = json.loads(result.stdout)["findings"]
    return [(f["code"], f["severity"], f["line"], f["message"]) for f in found]


def _history(repo: Path) -> list[dict[str, Any]]:
    versions: list[dict[str, Any]] = json.loads(_ok("history", "--json", cwd=repo))["agreement"]
    return versions


def _line(repo: Path, text: str) -> int:
    lines = (repo / "agreement.md").read_text().split("\n")
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _edit(repo: Path, old: str, new: str) -> None:
    path = repo / "agreement.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _sig_block(repo: Path, handle: str) -> str:
    """The text of ``handle``'s entry in the `signatures` block, as written by mj."""
    text = (repo / "agreement.md").read_text()
    return re.search(rf"- by: {handle}\n(  .*\n)+", text).group(0)  # type: ignore[union-attr]


def _digest(repo: Path) -> str:
    return agreement_digest(parse_document("agreement.md", (repo / "agreement.md").read_bytes()))


def _push_as_ana(pair: Pair, message: str) -> None:
    """What a forger does: commit past the hook and push with git itself."""
    git(pair.ana, "commit", "-q", "--no-verify", "-am", message)
    git(pair.ana, "push", "-q")


def _clones(tmp_path: Path) -> Pair:
    """Ben starts the journal and both clone it; nobody has a key in it yet."""
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
    git(seed, "add", "--", ".")
    git(seed, "commit", "--quiet", "-m", "Start")
    git(seed, "push", "--quiet", str(remote), "main")
    for name, identity in (("ben", MENTOR), ("ana", MENTEE)):
        _ok("clone", str(remote), name, cwd=tmp_path)
        configure(tmp_path / name, identity)
    keys = {name: make_key(tmp_path / f"{name}-ssh", name) for name in ("ben", "ana")}
    return Pair(tmp_path / "ben", tmp_path / "ana", keys)


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    """Each adds their key with `mj key`, and each signs on their own machine; `mj sync`
    brings it all together."""
    result = _clones(tmp_path)
    keys = result.keys
    for name, repo in (("ben", result.ben), ("ana", result.ana)):
        _ok("sync", cwd=repo)
        out = _ok("key", "--as", name, "--file", str(keys[name]), cwd=repo)
        assert f"A first key counts as {name}'s: it must be {name}'s own key." in out
        _ok("commit", "-m", f"{name}'s key", cwd=repo)
        _ok("sync", cwd=repo)
    _ok("sync", cwd=result.ben)
    for name, repo in (("ana", result.ana), ("ben", result.ben)):
        _ok("sign", "--as", name, "--key", str(keys[name]), "--today", "2025-07-02", cwd=repo)
        _ok("commit", "-m", f"{name} signs", cwd=repo)
    _ok("sync", cwd=result.ana)
    _ok("sync", cwd=result.ben)
    _ok("sync", cwd=result.ana)
    return result


def test_both_sign_and_history_says_who_signed_with_which_key(pair: Pair) -> None:
    for repo in (pair.ben, pair.ana):
        assert _status(repo) == _state(["ben", "ana"], [], [], [])  # merged: Ben's first
        assert _findings(repo) == []
        assert "Signatures    signed by ben, ana" in _ok("status", cwd=repo)
    versions = _history(pair.ben)
    keyed = [(v["author"]["name"], v["key_changes"]) for v in versions if v["key_changes"]]
    assert keyed == [
        (
            MENTOR.name,
            [
                {
                    "handle": "ben",
                    "before": None,
                    "after": pair.fingerprint("ben"),
                    "confirmed": True,
                }
            ],
        ),
        (
            MENTEE.name,
            [
                {
                    "handle": "ana",
                    "before": None,
                    "after": pair.fingerprint("ana"),
                    "confirmed": True,
                }
            ],
        ),
    ]
    signed = [(v["author"]["name"], v["signatures"]) for v in versions if v["signatures"]]
    assert signed == [
        (
            MENTEE.name,
            [{"by": "ana", "date": "2025-07-02", "key": pair.fingerprint("ana"), "state": "valid"}],
        ),
        (
            MENTOR.name,
            [{"by": "ben", "date": "2025-07-02", "key": pair.fingerprint("ben"), "state": "valid"}],
        ),
    ]
    text = _ok("history", cwd=pair.ana)
    assert f"signed by ben on 2025-07-02 with {pair.fingerprint('ben')}: valid" in text
    assert f"ben's key: none -> {pair.fingerprint('ben')}, added by {MENTOR.name}" in text


def test_ana_cannot_sign_as_ben(pair: Pair) -> None:
    _edit(pair.ana, "every: biweekly", "every: weekly")
    out = _refused("sign", "--as", "ben", "--key", str(pair.keys["ana"]), cwd=pair.ana)
    assert f"({pair.fingerprint('ana')}) is not ben's key in the agreement" in out
    # Nor through git's user.signingKey, the default key.
    git(pair.ana, "config", "user.signingKey", str(pair.keys["ana"]))
    out = _refused("sign", "--as", "ben", cwd=pair.ana)
    assert "is not ben's key in the agreement" in out
    assert _status(pair.ana) == _state([], ["ben", "ana"], [], [])
    # One finding per signer, at that signature, naming the command to run.
    assert _findings(pair.ana) == [
        ("stale-signature", "warning", _line(pair.ana, f"- by: {who}"),
         f"the agreement changed after {who} signed; {who} signs again: `mj sign --as {who}`")
        for who in ("ben", "ana")
    ]  # fmt: skip


def test_copying_bens_signature_onto_a_new_text_does_not_count(pair: Pair) -> None:
    _edit(pair.ana, "every: biweekly", "every: weekly")
    _ok(
        "sign", "--as", "ana", "--key", str(pair.keys["ana"]), "--today", "2025-07-09", cwd=pair.ana
    )
    old = _sig_block(pair.ana, "ben")
    _edit(pair.ana, old, re.sub(r"digest: \S+", f"digest: {_digest(pair.ana)}", old))
    assert _status(pair.ana) == _state(["ana"], [], [], ["ben"])
    line = _line(pair.ana, "- by: ben") + 3  # its `sig:`
    message = "ben's signature does not count: `sig` does not match its digest"
    assert _findings(pair.ana) == [("invalid-signature", "error", line, message)]
    # Nothing invalid is shared through mj: commit and the pre-commit hook refuse.
    assert mj("commit", "-m", "forged", cwd=pair.ana).exit_code == 1
    git(pair.ana, "add", "agreement.md")
    hooked = commit_through_hook(pair.ana, "-m", "forged")
    assert hooked.returncode != 0 and "invalid-signature" in hooked.stdout

    _push_as_ana(pair, "Weekly now, signed by both")
    pulled = mj("sync", cwd=pair.ben)  # it pulls, and says what is wrong with it
    assert pulled.exit_code == 1 and "the work pulled from origin/main has errors" in pulled.output
    assert _status(pair.ben) == _state(["ana"], [], [], ["ben"])
    assert _findings(pair.ben) == [("invalid-signature", "error", line, message)]
    last = _history(pair.ben)[-1]
    assert last["author"]["name"] == MENTEE.name
    assert last["signatures"] == [
        {
            "by": "ben",
            "date": "2025-07-02",
            "key": pair.fingerprint("ben"),
            "state": "invalid",
            "why": "`sig` does not match its digest",
        },
        {"by": "ana", "date": "2025-07-09", "key": pair.fingerprint("ana"), "state": "valid"},
    ]
    # Ben signs for himself, and his signature counts again.
    _ok("sign", "--as", "ben", "--key", str(pair.keys["ben"]), cwd=pair.ben)
    assert _status(pair.ben) == _state(["ben", "ana"], [], [], [])


def test_renaming_her_own_entry_to_ben_does_not_count(pair: Pair) -> None:
    _edit(pair.ana, "every: biweekly", "every: weekly")
    _ok(
        "sign", "--as", "ana", "--key", str(pair.keys["ana"]), "--today", "2025-07-09", cwd=pair.ana
    )
    hers, his = _sig_block(pair.ana, "ana"), _sig_block(pair.ana, "ben")
    _edit(pair.ana, his, "")
    _edit(pair.ana, hers, hers.replace("- by: ana", "- by: ben"))
    assert _status(pair.ana) == _state([], [], ["ana"], ["ben"])
    line = _line(pair.ana, "- by: ben") + 3
    message = (
        f"ben's signature does not count: `sig` was not made with ben's key "
        f"(made with: {pair.fingerprint('ana')})"
    )
    assert _findings(pair.ana) == [("invalid-signature", "error", line, message)]
    _push_as_ana(pair, "Weekly now")
    pulled = mj("sync", cwd=pair.ben)
    assert pulled.exit_code == 1 and "error[invalid-signature]" in pulled.output
    assert _status(pair.ben) == _state([], [], ["ana"], ["ben"])
    assert _history(pair.ben)[-1]["signatures"] == [
        {
            "by": "ben",
            "date": "2025-07-09",
            "key": pair.fingerprint("ana"),
            "state": "invalid",
            "why": message.removeprefix("ben's signature does not count: "),
        }
    ]


def test_replacing_bens_key_with_hers_is_shown_and_never_counts(pair: Pair, tmp_path: Path) -> None:
    """Ana puts a second key of hers in as Ben's (her own would be a `shared-key`)."""
    spare = make_key(tmp_path / "ana-spare", "spare")
    spare_print = sshkeys.fingerprint(public(spare))
    _edit(pair.ana, public(pair.keys["ben"]), public(spare).replace("spare@", "ben@"))
    # His signature, made before the key changed, does not carry over.
    assert _status(pair.ana) == _state([], ["ana"], [], ["ben"])
    _ok("commit", "-m", "Update Ben's key", cwd=pair.ana)  # warnings only: it is shared
    sha = head(pair.ana)
    out = _refused("sign", "--as", "ben", "--key", str(spare), cwd=pair.ana)
    replaced = f"replaced {pair.fingerprint('ben')} in commit {sha[:7]} by {MENTEE.name}"
    assert replaced in out and "ben has not confirmed it" in out
    # Nor does a key confirm itself when asked to.
    out = _refused("sign", "--as", "ben", "--key", str(spare), "--confirm-key", cwd=pair.ana)
    assert replaced in out
    # By hand, with ssh-keygen: a signature that verifies with "ben's" key as it stands.
    digest = _digest(pair.ana)
    sig = ssh_sign(spare, digest).strip().replace("\n", "\n    ")
    entry = f"- by: ben\n  date: 2025-07-09\n  digest: {digest}\n  sig: |\n    {sig}\n"
    _edit(pair.ana, _sig_block(pair.ana, "ben"), entry)
    _ok(
        "sign", "--as", "ana", "--key", str(pair.keys["ana"]), "--today", "2025-07-09", cwd=pair.ana
    )
    _ok("commit", "-m", "Both sign again", cwd=pair.ana)
    _ok("sync", cwd=pair.ana)

    _ok("sync", cwd=pair.ben)
    for repo in (pair.ana, pair.ben):
        assert _status(repo) == _state(["ana"], [], [], ["ben"])
        key_line = _line(repo, "  key: ")  # the mentor's, first
        changed = (
            f"ben's key changed from {pair.fingerprint('ben')} to {spare_print} "
            f"in commit {sha[:7]} by {MENTEE.name} <{MENTEE.email}> on "
        )
        found = _findings(repo)
        assert [(code, severity) for code, severity, _, _ in found] == [
            ("key-changed", "warning"),
            ("invalid-signature", "warning"),
        ]
        assert found[0][2] == key_line and found[0][3].startswith(changed)
        assert found[1][3] == (
            "ben's signature does not count: ben's key changed and ben has not confirmed the change"
        )
    versions = _history(pair.ben)
    change = next(v for v in versions if v["commit"] == sha)
    assert change["author"]["name"] == MENTEE.name
    assert change["key_changes"] == [
        {
            "handle": "ben",
            "before": pair.fingerprint("ben"),
            "after": spare_print,
            "confirmed": False,
        }
    ]
    assert change["fields"] == []  # a key is told as a key change, not as a field
    forged = [e["state"] for e in versions[-1]["signatures"] if e["by"] == "ben"]
    assert forged == ["invalid"]
    text = _ok("history", cwd=pair.ben)
    assert "not confirmed by ben: signatures with it do not count" in text
    # Ben re-signing the changed text, as he would after any edit, never vouches for it.
    out = _refused("sign", "--as", "ben", "--key", str(pair.keys["ben"]), cwd=pair.ben)
    assert replaced in out and "If it is not yours, put yours back" in out
    # Ben puts his key back and signs: only then does his signature count again.
    _edit(pair.ben, public(spare).replace("spare@", "ben@"), public(pair.keys["ben"]))
    _ok("sign", "--as", "ben", "--key", str(pair.keys["ben"]), cwd=pair.ben)
    assert _status(pair.ben) == _state(["ben"], ["ana"], [], [])
    assert _findings(pair.ben) == [
        (
            "stale-signature",
            "warning",
            _line(pair.ben, "- by: ana"),
            "the agreement changed after ana signed; ana signs again: `mj sign --as ana`",
        )
    ]


def test_ben_replaces_his_own_key_and_confirms_it_with_the_earlier_one(
    pair: Pair, tmp_path: Path
) -> None:
    new = make_key(tmp_path / "ben-ssh", "ben-new")
    out = _refused("key", "--as", "ben", "--file", str(new), cwd=pair.ben)
    assert "already has a different key" in out and "--replace" in out
    out = _ok("key", "--as", "ben", "--file", str(new), "--replace", cwd=pair.ben)
    assert f"It replaces {pair.fingerprint('ben')}" in out
    assert _status(pair.ben) == _state([], ["ana"], [], ["ben"])
    assert [f[0] for f in _findings(pair.ben)] == [
        "key-changed",
        "invalid-signature",
        "stale-signature",
    ]
    # The new key cannot confirm itself; the earlier one can, when asked to.
    for args in (["--key", str(new)], ["--key", str(new), "--confirm-key"]):
        out = _refused("sign", "--as", "ben", *args, cwd=pair.ben)
        assert "confirm it by signing once with your earlier key" in out
    out = _refused("sign", "--as", "ben", "--key", str(pair.keys["ben"]), cwd=pair.ben)
    assert "--confirm-key" in out
    earlier = str(pair.keys["ben"])
    _ok(
        "sign",
        "--as",
        "ben",
        "--key",
        earlier,
        "--confirm-key",
        "--today",
        "2025-07-09",
        cwd=pair.ben,
    )
    assert _status(pair.ben) == _state(["ben"], ["ana"], [], [])
    assert [f[0] for f in _findings(pair.ben)] == ["stale-signature"]
    _ok("commit", "-m", "Ben's new key", cwd=pair.ben)
    _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    assert _status(pair.ana) == _state(["ben"], ["ana"], [], [])
    last = _history(pair.ana)[-1]
    new_print = sshkeys.fingerprint(public(new))
    assert last["key_changes"] == [
        {"handle": "ben", "before": pair.fingerprint("ben"), "after": new_print, "confirmed": True}
    ]
    assert last["signatures"] == [
        {"by": "ben", "date": "2025-07-09", "key": pair.fingerprint("ben"), "state": "valid"}
    ]
    # From now on the new key signs; the text changes and both sign again.
    _edit(pair.ana, "every: biweekly", "every: weekly")
    _ok("sign", "--as", "ana", "--key", str(pair.keys["ana"]), cwd=pair.ana)
    _ok("commit", "-m", "Weekly", cwd=pair.ana)
    _ok("sync", cwd=pair.ana)
    _ok("sync", cwd=pair.ben)
    _ok("sign", "--as", "ben", "--key", str(new), cwd=pair.ben)
    assert _status(pair.ben) == _state(["ben", "ana"], [], [], [])
    assert _findings(pair.ben) == []


def test_a_side_branch_that_gave_ben_her_key_first_does_not_count(
    pair: Pair, tmp_path: Path
) -> None:
    """Ana branches from before anyone had a key, gives Ben a key of hers there, and
    merges so that her side's text wins: git's default history then hides Ben's own key
    commit."""
    start = git(pair.ana, "rev-list", "--max-parents=0", "HEAD").strip()
    git(pair.ana, "checkout", "-q", "-b", "side", start)
    spare = make_key(tmp_path / "ana-spare", "spare")
    hers = public(pair.keys["ana"])
    _edit(pair.ana, "  name: Ana\n", f"  name: Ana\n  key: {hers}\n")
    _edit(pair.ana, "  name: Ben\n", f"  name: Ben\n  key: {public(spare)}\n")
    git(pair.ana, "commit", "-q", "--no-verify", "-am", "Keys")
    side = head(pair.ana)
    git(pair.ana, "merge", "-q", "-s", "ours", "-m", "Merge", "main")
    digest = _digest(pair.ana)
    entries = "".join(
        f"- by: {who}\n  date: 2025-07-09\n  digest: {digest}\n  sig: |\n    "
        + ssh_sign(key, digest).strip().replace("\n", "\n    ")
        + "\n"
        for who, key in (("ben", spare), ("ana", pair.keys["ana"]))
    )
    _edit(pair.ana, "\ncadence:", f"\nsignatures:\n{entries}cadence:")
    git(pair.ana, "commit", "-q", "--no-verify", "-am", "Signed by both")
    assert git(pair.ana, "log", "--format=%h", "--", "agreement.md").split()[-2:] == [
        side[:7],
        start[:7],
    ]  # Ben's key commit is not in git's default history of the file
    git(pair.ana, "push", "-q", "origin", "side:main")
    _ok("sync", cwd=pair.ben)
    for repo in (pair.ana, pair.ben):
        assert _status(repo) == _state(["ana"], [], [], ["ben"])
        found = _findings(repo)
        assert [(code, severity) for code, severity, _, _ in found] == [
            ("key-changed", "warning"),
            ("invalid-signature", "warning"),
        ]
        assert f"in commit {side[:7]} by {MENTEE.name} <{MENTEE.email}>" in found[0][3]


def test_renaming_the_mentor_gives_no_new_first_key(pair: Pair, tmp_path: Path) -> None:
    """A new handle in a role is the role's person: calling the mentor `benjamin` and
    giving him a key of hers makes no new person with a first key of his own."""
    spare = make_key(tmp_path / "ana-spare", "spare")
    _edit(pair.ana, "  handle: ben\n", "  handle: benjamin\n")
    _edit(pair.ana, public(pair.keys["ben"]), public(spare))
    _edit(pair.ana, _sig_block(pair.ana, "ben"), "")
    digest = _digest(pair.ana)
    sig = ssh_sign(spare, digest).strip().replace("\n", "\n    ")
    forged = f"- by: benjamin\n  date: 2025-07-09\n  digest: {digest}\n  sig: |\n    {sig}\n"
    _edit(pair.ana, "signatures:\n", f"signatures:\n{forged}")
    _ok("sign", "--as", "ana", "--key", str(pair.keys["ana"]), cwd=pair.ana)
    assert _status(pair.ana) == _state(["ana"], [], [], ["benjamin"])
    codes = [(code, line) for code, _, line, _ in _findings(pair.ana)]
    assert ("key-changed", _line(pair.ana, "  key: ")) in codes
    assert ("invalid-signature", _line(pair.ana, "- by: benjamin") + 3) in codes
    # A rename alone keeps the key, and Ben's signature made with it stays his.
    _edit(pair.ben, "  handle: ben\n", "  handle: benjamin\n")
    _edit(pair.ben, "- by: ben\n", "- by: benjamin\n")
    assert _status(pair.ben) == _state([], ["benjamin", "ana"], [], [])  # an older text
    _ok("sign", "--as", "benjamin", "--key", str(pair.keys["ben"]), cwd=pair.ben)
    assert _status(pair.ben) == _state(["benjamin"], ["ana"], [], [])


def _forged(repo: Path, who: str, key: Path) -> str:
    """A `signatures` entry for ``who``, made by hand with ssh-keygen and ``key``."""
    digest = _digest(repo)
    sig = ssh_sign(key, digest).strip().replace("\n", "\n    ")
    return f"- by: {who}\n  date: 2025-07-09\n  digest: {digest}\n  sig: |\n    {sig}\n"


def _swap_handles(repo: Path) -> None:
    """The mentor's block says ana/Ana and the mentee's ben/Ben: each key stays put."""
    _edit(repo, "  handle: ben\n  name: Ben\n", "  handle: @1\n  name: @2\n")
    _edit(repo, "  handle: ana\n  name: Ana\n", "  handle: ben\n  name: Ben\n")
    _edit(repo, "  handle: @1\n  name: @2\n", "  handle: ana\n  name: Ana\n")


def test_swapping_the_handles_gives_ben_no_key_of_hers(pair: Pair) -> None:
    """A handle keeps the person it first was: with the handles swapped, the mentee's
    key (hers) is not ben's, whatever role he now has."""
    _swap_handles(pair.ana)
    out = _refused("sign", "--as", "ben", "--key", str(pair.keys["ana"]), cwd=pair.ana)
    assert f"({pair.fingerprint('ana')}) replaced {pair.fingerprint('ben')}" in out
    _edit(pair.ana, _sig_block(pair.ana, "ben"), _forged(pair.ana, "ben", pair.keys["ana"]))
    git(pair.ana, "-c", "user.name=Ben", "commit", "-q", "--no-verify", "-am", "Roles")
    sha = head(pair.ana)
    git(pair.ana, "push", "-q")
    assert mj("sync", cwd=pair.ben).exit_code == 1  # pulled, with its errors named
    for repo in (pair.ana, pair.ben):
        assert _status(repo) == _state([], [], [], ["ben", "ana"])
        assert "signed by" not in _ok("status", cwd=repo)
        changed = {m.split(" ")[0]: m for code, _, _, m in _findings(repo) if code == "key-changed"}
        assert changed["ben's"].startswith(
            f"ben's key changed from {pair.fingerprint('ben')} to {pair.fingerprint('ana')} "
            f"in commit {sha[:7]} by Ben <{MENTEE.email}> on "
        )
        assert changed["ana's"].startswith(f"ana's key changed from {pair.fingerprint('ana')}")
    swap = next(v for v in _history(pair.ben) if v["commit"] == sha)
    assert swap["key_changes"] == [
        {
            "handle": h,
            "before": pair.fingerprint(h),
            "after": pair.fingerprint(o),
            "confirmed": False,
        }
        for h, o in (("ana", "ben"), ("ben", "ana"))
    ]
    assert [(e["by"], e["state"]) for e in swap["signatures"]] == [("ben", "invalid")]
    text = _ok("history", cwd=pair.ben)
    assert f"signed by ben on 2025-07-09 with {pair.fingerprint('ana')}: invalid" in text
    # Swapping roles for real moves each person's key with them, and both sign again.
    _edit(pair.ben, public(pair.keys["ben"]), "@1")
    _edit(pair.ben, public(pair.keys["ana"]), public(pair.keys["ben"]))
    _edit(pair.ben, "@1", public(pair.keys["ana"]))
    _ok("sign", "--as", "ben", "--key", str(pair.keys["ben"]), cwd=pair.ben)
    assert _status(pair.ben) == _state(["ben"], ["ana"], [], [])
    _ok("commit", "-m", "Ana mentors Ben now", cwd=pair.ben)
    _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    _ok("sign", "--as", "ana", "--key", str(pair.keys["ana"]), cwd=pair.ana)
    assert _status(pair.ana) == _state(["ben", "ana"], [], [], [])
    assert _findings(pair.ana) == []


def test_a_rename_into_a_handle_that_was_someone_else_keeps_no_key(pair: Pair) -> None:
    """The mentor becomes `benny` (a new handle: his person, his key) and the mentee
    becomes `ben`: the handle `ben` is Ben's person still, and her key is not his."""
    _edit(pair.ana, "  handle: ben\n", "  handle: benny\n")
    _edit(pair.ana, "  handle: ana\n", "  handle: ben\n")
    _edit(pair.ana, _sig_block(pair.ana, "ana"), "")
    _edit(pair.ana, _sig_block(pair.ana, "ben"), _forged(pair.ana, "ben", pair.keys["ana"]))
    state = _status(pair.ana)
    assert "ben" in state["invalid"] and "ben" not in state["valid"]
    codes = [(code, m.split("'")[0]) for code, _, _, m in _findings(pair.ana)]
    assert ("key-changed", "ben") in codes and ("shared-key", "ben") in codes


def test_one_key_for_two_people_counts_for_neither(tmp_path: Path) -> None:
    """Before Ben has a key, Ana puts hers in as his: refused by mj key, and by hand an
    error, under which no signature made with that key counts."""
    pair = _clones(tmp_path)
    hers, his = str(pair.keys["ana"]), str(pair.keys["ben"])
    _ok("key", "--as", "ana", "--file", hers, cwd=pair.ana)
    _ok("commit", "-m", "Ana's key", cwd=pair.ana)
    out = _refused("key", "--as", "ben", "--file", hers, cwd=pair.ana)
    assert f"that key ({pair.fingerprint('ana')}) is ana's in the agreement" in out
    _edit(pair.ana, "  name: Ben\n", f"  name: Ben\n  key: {public(pair.keys['ana'])}\n")
    out = _refused("sign", "--as", "ana", "--key", hers, cwd=pair.ana)
    assert "is ben's too, and a key is one person's" in out
    entries = _forged(pair.ana, "ben", pair.keys["ana"]) + _forged(
        pair.ana, "ana", pair.keys["ana"]
    )
    _edit(pair.ana, "\ncadence:", f"\nsignatures:\n{entries}cadence:")
    assert mj("commit", "-m", "Both sign", cwd=pair.ana).exit_code == 1
    _push_as_ana(pair, "Both sign")
    assert "error[shared-key]" in mj("sync", cwd=pair.ben).output  # pulled, errors named
    for repo in (pair.ana, pair.ben):
        assert _status(repo) == _state([], [], [], ["ben", "ana"])
        found = _findings(repo)
        shared = [
            (line, m) for code, sev, line, m in found if (code, sev) == ("shared-key", "error")
        ]
        assert shared == [
            (
                _line(repo, "  key: "),  # the mentor's
                "ben's key is ana's too: a key is one person's, so no signature made with it "
                "counts. Put ben's own key in: `mj key --as ben --replace`.",
            )
        ]
    text = _ok("history", cwd=pair.ben)
    assert f"ben's key: none -> {pair.fingerprint('ana')}, added by {MENTEE.name}" in text
    # Ben puts his own key in: it is his first (hers never was), and his signature counts.
    out = _ok("key", "--as", "ben", "--file", his, "--replace", cwd=pair.ben)
    assert f"It replaces {pair.fingerprint('ana')}.\n" in out  # it never counted: no confirming
    _ok("sign", "--as", "ben", "--key", his, cwd=pair.ben)
    assert _status(pair.ben) == _state(["ben"], ["ana"], [], [])
    _ok("commit", "-m", "Ben's own key", cwd=pair.ben)
    _ok("sync", cwd=pair.ben)
    _ok("sync", cwd=pair.ana)
    _ok("sign", "--as", "ana", "--key", hers, cwd=pair.ana)
    assert _status(pair.ana) == _state(["ben", "ana"], [], [], [])


def test_a_signer_not_in_the_agreement_and_a_digest_that_is_no_text(pair: Pair) -> None:
    """Both lines were never run by the tests: an entry `by` someone the agreement does not
    name is an unknown-person error at its `by`, and a `digest` that is a number (under a
    real `sig`) an error too; neither counts, on the fast path or the slow one."""
    ben = _sig_block(pair.ana, "ben")
    _edit(pair.ana, ben, ben + ben.replace("- by: ben", "- by: zed"))
    hers = _sig_block(pair.ana, "ana")
    _edit(pair.ana, hers, re.sub(r"digest: \S+", "digest: 5", hers))
    assert _status(pair.ana) == _state(["ben"], [], [], ["zed", "ana"])
    found = {(code, sev, line): m for code, sev, line, m in _findings(pair.ana)}
    at = _line(pair.ana, "- by: zed")
    said = found[("unknown-person", "error", at)]
    assert said == "signature by 'zed', who is not in the agreement"
    digest = _line(pair.ana, "digest: 5")
    assert "should be text, not 5" in found[("wrong-type", "error", digest)]
    line = _line(pair.ana, "- by: ana") + 3  # at its sig
    assert found[("invalid-signature", "error", line)].endswith("`sig` does not match its digest")


def test_without_the_history_signatures_are_unverified(pair: Pair, tmp_path: Path) -> None:
    """A `git clone --depth 1` (CI's usual checkout) and a `git archive` copy hold no
    history to trust keys from: no signature counts there, and each says why."""
    shallow = tmp_path / "shallow"
    url = f"file://{tmp_path / 'remote.git'}"
    git(tmp_path, "clone", "-q", "--depth", "1", url, str(shallow))
    why = "cannot check keys: shallow history (`git fetch --unshallow` brings the rest)"
    assert _status(shallow) == _state([], [], [], ["ben", "ana"])
    assert f"why they do not count: {why}" in " ".join(_ok("status", cwd=shallow).split())
    found = _findings(shallow)
    assert [(code, severity, message) for code, severity, _, message in found] == [
        ("unverified-signature", "warning", f"{who}'s signature does not count: {why}")
        for who in ("ben", "ana")
    ]
    assert [e["state"] for e in _history(shallow)[-1]["signatures"]] == ["unverified"] * 2
    out = _refused("sign", "--as", "ben", "--key", str(pair.keys["ben"]), cwd=shallow)
    assert "shallow history" in out
    git(shallow, "fetch", "-q", "--unshallow")  # the same HEAD, the whole history: it counts
    assert _status(shallow) == _state(["ben", "ana"], [], [], [])
    assert _findings(shallow) == []

    copy = tmp_path / "copy"
    git(pair.ben, "archive", "--format=tar", "-o", str(tmp_path / "copy.tar"), "HEAD")
    with tarfile.open(tmp_path / "copy.tar") as archive:
        archive.extractall(copy, filter="data")
    assert _status(copy) == _state([], [], [], ["ben", "ana"])
    found = _findings(copy)
    assert {code for code, _, _, _ in found} == {"unverified-signature"}
    assert "cannot check keys: no repository" in found[0][3]
    summary = " ".join(_ok("summary", cwd=copy).split())
    assert "invalid: ben, ana (cannot check keys: no repository" in summary


def test_sync_says_plainly_that_the_shared_history_was_rewritten(pair: Pair) -> None:
    """Ana rewrites main from its first commit and force-pushes: Ben's sync changes
    nothing and says why, every time, instead of merging the two histories."""
    start = git(pair.ana, "rev-list", "--max-parents=0", "HEAD").strip()
    git(pair.ana, "reset", "-q", "--hard", start)
    _edit(pair.ana, "every: biweekly", "every: weekly")
    git(pair.ana, "commit", "-q", "--no-verify", "-am", "Weekly")
    git(pair.ana, "push", "-q", "--force", "origin", "main")
    before = head(pair.ben)
    for _ in range(2):
        result = mj("sync", cwd=pair.ben)
        assert result.exit_code == 1
        said = " ".join(result.output.split())
        assert "the shared history was rewritten by someone; nothing was changed" in said
        assert "no longer holds the commits you had from it" in said
        assert head(pair.ben) == before
        assert git(pair.ben, "status", "--porcelain") == ""
    # Without the earlier position of origin/main: it shares no commit with ours.
    git(pair.ana, "checkout", "-q", "--orphan", "other")
    git(pair.ana, "commit", "-q", "--no-verify", "-m", "Another start")
    git(pair.ana, "push", "-q", "--force", "origin", "other:main")
    git(pair.ben, "update-ref", "-d", "refs/remotes/origin/main")
    said = " ".join(mj("sync", cwd=pair.ben).output.split())
    assert "rewritten by someone; nothing was changed" in said and "shares no commit" in said
    assert head(pair.ben) == before


def test_kept_findings_follow_a_plain_git_commit(
    pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The findings kept between runs read the history too: once a key change is
    committed with git itself, validate names that commit, as a fresh run does."""
    new = make_key(tmp_path / "ben-ssh", "ben-new")
    _ok("key", "--as", "ben", "--file", str(new), "--replace", cwd=pair.ben)
    kept = [m for code, _, _, m in _findings(pair.ben) if code == "key-changed"]
    assert kept and "since the last commit" in kept[0]
    _ok("status", cwd=pair.ben)
    git(pair.ben, "commit", "-q", "--no-verify", "-am", "Ben's new key")
    sha = head(pair.ben)
    warm = _findings(pair.ben)
    monkeypatch.setenv("MJ_NO_CACHE", "1")
    assert warm == _findings(pair.ben)
    assert f"in commit {sha[:7]} by {MENTOR.name}" in next(
        m for c, _, _, m in warm if c == "key-changed"
    )


def test_checked_signatures_need_no_ssh_keygen_again(
    pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verdicts are kept: once checked, status and validate run no ssh-keygen, even
    after a commit moved the history they are judged under."""
    assert _status(pair.ben) == _state(["ben", "ana"], [], [], [])
    git(pair.ben, "commit", "-q", "--allow-empty", "-m", "Nothing")
    bare = tmp_path / "bin"  # git, and no ssh-keygen
    bare.mkdir()
    (bare / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setenv("PATH", str(bare))
    assert _status(pair.ben) == _state(["ben", "ana"], [], [], [])
    assert "signed by ben, ana" in _ok("status", cwd=pair.ben)
    assert _findings(pair.ben) == []
