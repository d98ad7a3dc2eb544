"""`mj sign` and `mj key` with real ssh-keygen keys: who may sign with which key, what a
signature covers, and that no other byte of agreement.md changes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git
from sshutil import agent_holding, make_key, public, ssh_verifies

from mentorjournal.checks.signatures import agreement_digest
from mentorjournal.format.document import parse_document


@pytest.fixture
def journal(journal: Path) -> Path:
    """The base journal in a new repository, no commit yet: its keys are trusted as they
    stand (a copy outside any repository has no history to check them against)."""
    git(journal, "init", "-q")
    return journal


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    """A private key for each person of tests/data/base-journal, and one for a stranger."""
    return {name: make_key(tmp_path / "keys", name) for name in ("ben", "ana", "carla", "eve")}


@pytest.fixture
def keyed(journal: Path, keys: dict[str, Path]) -> Path:
    """The base journal with ben's, ana's and carla's public keys, added by `mj key`."""
    for handle in ("ben", "ana", "carla"):
        result = mj("key", "--as", handle, "--file", str(keys[handle]), cwd=journal)
        assert result.exit_code == 0, result.output
    return journal


def _signatures(journal: Path) -> dict[str, list[str]]:
    result = mj("status", "--json", "--today", "2025-08-05", cwd=journal)
    assert result.exit_code == 0, result.output
    found: dict[str, list[str]] = json.loads(result.stdout)["signatures"]
    return found


def _state(
    valid: list[str], stale: list[str], missing: list[str], invalid: list[str]
) -> dict[str, list[str]]:
    return {"valid": valid, "stale": stale, "missing": missing, "invalid": invalid}


def _sign(journal: Path, handle: str, key: Path, day: str = "2025-07-20") -> str:
    result = mj("sign", "--as", handle, "--key", str(key), "--today", day, cwd=journal)
    assert result.exit_code == 0, result.output
    return result.output


def _findings(journal: Path) -> list[tuple[str, str]]:
    result = mj("validate", "--json", cwd=journal)
    return [(f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"]]


def _print(key: Path) -> str:
    from mentorjournal import sshkeys

    return sshkeys.fingerprint(public(key))


def _meta(journal: Path) -> dict[str, object]:
    return dict(parse_document("agreement.md", (journal / "agreement.md").read_bytes()).meta)


def test_key_writes_one_line_and_sign_appends_a_block(
    journal: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    path = journal / "agreement.md"
    original = path.read_bytes()
    result = mj("key", "--as", "ana", "--file", str(keys["ana"]), cwd=journal)
    assert result.exit_code == 0, result.output
    # Ben's key, added later, changes the agreement: she is told to sign after it.
    said = " ".join(result.output.split())
    assert "ben has no key yet (`mj key --as ben`, on ben's computer)" in said
    assert "once every key is in, `mj sign --as ana --key" in said
    with_key = path.read_bytes()
    line = f"  key: {public(keys['ana'])}\n".encode()
    assert with_key == original.replace(b"  name: Ana Lima\n", b"  name: Ana Lima\n" + line)

    output = _sign(journal, "ana", keys["ana"])
    assert "ana signed the agreement on 2025-07-20 with key SHA256:" in output
    assert "Note: ben has no key in the agreement yet" in " ".join(output.split())
    entry = _meta(journal)["signatures"][0]  # type: ignore[index]
    digest = agreement_digest(parse_document("agreement.md", with_key))
    assert (entry["by"], entry["date"], entry["digest"]) == ("ana", "2025-07-20", digest)
    # ssh-keygen itself accepts the signature as ana's, over the digest.
    assert ssh_verifies("ana", keys["ana"], digest, entry["sig"], tmp_path)
    assert not ssh_verifies("ben", keys["ben"], digest, entry["sig"], tmp_path)
    head, _, body = with_key.partition(b"phase: 1\n")
    armour = "".join(f"    {line}\n" for line in entry["sig"].strip().split("\n"))
    block = f"signatures:\n- by: ana\n  date: 2025-07-20\n  digest: {digest}\n  sig: |\n{armour}"
    assert path.read_bytes() == head + b"phase: 1\n" + block.encode() + body
    assert _signatures(journal) == _state(["ana"], [], ["ben"], [])
    last = mj("key", "--as", "ben", "--file", str(keys["ben"]), cwd=journal).output
    assert "Next: `mj commit`, then `mj sign --as ben --key" in " ".join(last.split())


def test_sign_edit_stale_resign_valid(keyed: Path, keys: dict[str, Path]) -> None:
    # Both keys are in, no one has signed: the hint is to sign, not to add a key again.
    for who in ("ana", "ben"):
        said = " ".join(mj("status", "--owner", who, cwd=keyed).stdout.split())
        assert f"sign with: mj sign --as {who} (and " in said and "mj key" not in said
    assert "no key in the agreement yet" not in _sign(keyed, "ana", keys["ana"])
    _sign(keyed, "ben", keys["ben"], "2025-07-21")
    assert _signatures(keyed) == _state(["ana", "ben"], [], [], [])
    assert _findings(keyed) == []

    path = keyed / "agreement.md"
    path.write_text(path.read_text().replace("every: biweekly", "every: monthly"))
    assert _signatures(keyed) == _state([], ["ana", "ben"], [], [])
    assert _findings(keyed) == [("stale-signature", "warning")] * 2  # one per signer
    assert mj("validate", cwd=keyed).exit_code == 0  # stale is a warning
    # Someone who signed before has a key: the hint is only to sign again.
    said = " ".join(mj("status", "--owner", "ana", cwd=keyed).stdout.split())
    assert "sign with: mj sign --as ana (and ben, each in their own clone)" in said

    assert "re-signed" in _sign(keyed, "ana", keys["ana"], "2025-08-01")
    assert _signatures(keyed) == _state(["ana"], ["ben"], [], [])
    _sign(keyed, "ben", keys["ben"], "2025-08-02")
    assert _signatures(keyed) == _state(["ana", "ben"], [], [], [])
    # One entry per person, in the order they first signed.
    entries = _meta(keyed)["signatures"]
    assert [(s["by"], s["date"]) for s in entries] == [  # type: ignore[attr-defined]
        ("ana", "2025-08-01"),
        ("ben", "2025-08-02"),
    ]


def test_reordering_yaml_keys_keeps_signatures_valid(keyed: Path, keys: dict[str, Path]) -> None:
    _sign(keyed, "ana", keys["ana"])
    path = keyed / "agreement.md"
    text = path.read_text()
    reordered = text.replace(
        "cadence:\n  every: biweekly\n  length: 45\n  mode: video\n",
        "cadence: {mode: video, length: 45, every: biweekly}  # flow style now\n",
    )
    assert reordered != text
    path.write_text(reordered)
    assert _signatures(keyed) == _state(["ana"], [], ["ben"], [])
    path.write_text(reordered + "\nWe meet on Tuesdays.\n")
    assert _signatures(keyed) == _state([], ["ana"], ["ben"], [])


def test_resigning_replaces_a_block_in_the_middle_keeping_crlf_and_comments(
    keyed: Path, keys: dict[str, Path]
) -> None:
    path = keyed / "agreement.md"
    text = path.read_text().replace(
        "phase: 1\n",
        "signatures:\n  - {by: ana, date: 2025-07-01, digest: 'sha256:old'}\n"
        "# kept: a comment before the next key\nphase: 1  # still phase one\n",
    )
    crlf = ("\ufeff" + text).replace("\n", "\r\n").encode()
    path.write_bytes(crlf)
    assert _signatures(keyed) == _state([], [], ["ben"], ["ana"])  # no sig: does not count

    _sign(keyed, "ana", keys["ana"])

    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF everywhere, no bare LF
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    before, _, after = crlf.partition(b"signatures:")
    assert data.startswith(before)
    tail = after.partition(b"# kept")[2]
    assert data.endswith(b"# kept" + tail)
    assert b"sha256:old" not in data
    assert _signatures(keyed) == _state(["ana"], [], ["ben"], [])


def test_others_may_sign_and_strangers_may_not(keyed: Path, keys: dict[str, Path]) -> None:
    path = keyed / "agreement.md"
    original = path.read_bytes()
    result = mj("sign", "--as", "zed", "--key", str(keys["eve"]), cwd=keyed)
    assert result.exit_code == 1
    assert "Those in it: ben, ana, carla" in result.output
    assert path.read_bytes() == original
    _sign(keyed, "carla", keys["carla"])
    assert _signatures(keyed) == _state(["carla"], [], ["ben", "ana"], [])


def test_a_key_that_is_not_hers_is_refused_and_nothing_is_written(
    keyed: Path, keys: dict[str, Path]
) -> None:
    path = keyed / "agreement.md"
    original = path.read_bytes()
    for key in ("ben", "eve"):
        result = mj("sign", "--as", "ana", "--key", str(keys[key]), cwd=keyed)
        assert result.exit_code == 1
        assert "is not ana's key in the agreement" in result.output
        assert path.read_bytes() == original


def test_no_key_in_the_agreement_or_none_to_sign_with_is_refused(
    journal: Path, keys: dict[str, Path]
) -> None:
    path = journal / "agreement.md"
    result = mj("sign", "--as", "ana", "--key", str(keys["ana"]), cwd=journal)
    assert result.exit_code == 1
    assert "ana has no `key` in the agreement" in result.output
    assert "mj key --as ana" in result.output
    mj("key", "--as", "ana", "--file", str(keys["ana"]), cwd=journal)
    with_key = path.read_bytes()
    result = mj("sign", "--as", "ana", cwd=journal)  # no --key, no user.signingKey, no ~/.ssh
    assert result.exit_code == 1
    assert "no SSH key to sign with" in result.output and "user.signingKey" in result.output
    assert path.read_bytes() == with_key


def test_git_signing_key_is_the_default(
    keyed: Path, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitutil import git, make_repo

    make_repo(keyed)
    git(keyed, "config", "user.signingKey", str(keys["ana"]) + ".pub")
    result = mj("sign", "--as", "ana", "--today", "2025-07-20", cwd=keyed)
    assert result.exit_code == 0, result.output
    assert _signatures(keyed) == _state(["ana"], [], ["ben"], [])


def test_a_literal_signing_key_signs_through_ssh_agent(
    keyed: Path, keys: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gitutil import git, make_repo

    make_repo(keyed)
    git(keyed, "config", "user.signingKey", "key::" + public(keys["ben"]))
    with agent_holding(keys["ben"], tmp_path) as agent:
        for name, value in agent.items():
            monkeypatch.setenv(name, value)
        keys["ben"].unlink()  # only the agent holds the private half now
        result = mj("sign", "--as", "ben", "--today", "2025-07-20", cwd=keyed)
    assert result.exit_code == 0, result.output
    assert _signatures(keyed) == _state(["ben"], [], ["ana"], [])


def test_a_key_with_a_passphrase_and_no_agent_fails_at_once(
    journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    locked = make_key(tmp_path / "keys", "locked", passphrase="correct horse")
    assert mj("key", "--as", "ana", "--file", str(locked), cwd=journal).exit_code == 0
    path = journal / "agreement.md"
    before = path.read_bytes()
    started = time.monotonic()
    result = mj("sign", "--as", "ana", "--key", str(locked), cwd=journal)
    assert time.monotonic() - started < 10  # no prompt waited for an answer
    assert result.exit_code == 1
    assert "needs its passphrase and no ssh-agent holds it" in result.output
    assert f"ssh-add {locked}" in result.output
    assert path.read_bytes() == before


def test_signing_twice_changes_nothing(keyed: Path, keys: dict[str, Path]) -> None:
    _sign(keyed, "ana", keys["ana"])
    path = keyed / "agreement.md"
    stat = path.stat()
    assert "already signed" in _sign(keyed, "ana", keys["ana"], "2025-07-25")
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


def test_an_unreadable_agreement_is_refused(journal: Path, keys: dict[str, Path]) -> None:
    path = journal / "agreement.md"
    path.write_text("---\nmentor: [unclosed\n---\n")
    for args in (["sign", "--key", str(keys["ana"])], ["key", "--file", str(keys["ana"])]):
        result = mj(*args, "--as", "ana", cwd=journal)
        assert result.exit_code == 1
        assert "mj validate" in result.output
    assert path.read_text() == "---\nmentor: [unclosed\n---\n"


def test_key_in_a_flow_mapping_and_in_others_changes_only_that_person(
    journal: Path, keys: dict[str, Path]
) -> None:
    path = journal / "agreement.md"
    text = path.read_text().replace(
        "mentee:\n  handle: ana\n  name: Ana Lima\n", "mentee: {handle: ana, name: Ana Lima}\n"
    )
    path.write_text(text)
    assert mj("key", "--as", "ana", "--file", str(keys["ana"]), cwd=journal).exit_code == 0
    flow = f"mentee:\n  handle: ana\n  name: Ana Lima\n  key: {public(keys['ana'])}\n"
    assert path.read_text() == text.replace("mentee: {handle: ana, name: Ana Lima}\n", flow)
    assert mj("key", "--as", "carla", "--file", str(keys["carla"]), cwd=journal).exit_code == 0
    carla = f"    role: manager\n    key: {public(keys['carla'])}\n"
    assert path.read_text() == text.replace(
        "mentee: {handle: ana, name: Ana Lima}\n", flow
    ).replace("    role: manager\n", carla)


def test_a_different_key_is_replaced_only_when_asked(journal: Path, keys: dict[str, Path]) -> None:
    mj("key", "--as", "ana", "--file", str(keys["ana"]), cwd=journal)
    path = journal / "agreement.md"
    before = path.read_bytes()
    result = mj("key", "--as", "ana", "--file", str(keys["ana"]), cwd=journal)
    assert "already in the agreement" in result.output and path.read_bytes() == before
    result = mj("key", "--as", "ana", "--file", str(keys["eve"]), cwd=journal)
    assert result.exit_code == 1 and "--replace" in result.output
    assert path.read_bytes() == before
    result = mj("key", "--as", "ana", "--file", str(keys["eve"]), "--replace", cwd=journal)
    assert result.exit_code == 0 and "It replaces SHA256:" in result.output
    assert path.read_text() == before.decode().replace(public(keys["ana"]), public(keys["eve"]))


def test_key_finds_ssh_default_or_makes_one_after_asking(journal: Path, git_sandbox: Path) -> None:
    ssh = git_sandbox / ".ssh"  # HOME is the sandbox: the real ~/.ssh is never touched
    result = mj("key", "--as", "ana", cwd=journal)  # no key, and no answer to the question
    assert result.exit_code == 1 and "mj key --generate" in result.output
    assert not ssh.exists()

    from ptyutil import Terminal

    # Asked on a terminal only (no one answers a pipe): a person answers it there.
    terminal = Terminal("-C", str(journal), "key", "--as", "ana", cwd=journal)
    terminal.expect(f"Make one at {ssh / 'id_ed25519'}? [y/N]")
    terminal.type("y")
    code, shown = terminal.finish()
    assert code == 0, shown
    made = (ssh / "id_ed25519.pub").read_text().strip()
    assert oct((ssh / "id_ed25519").stat().st_mode & 0o777) == "0o600"
    assert _meta(journal)["mentee"]["key"] == made  # type: ignore[index]
    # The default key is found next time, and signs by default.
    assert "already in the agreement" in mj("key", "--as", "ana", cwd=journal).output
    assert mj("sign", "--as", "ana", cwd=journal).exit_code == 0
    assert _signatures(journal)["valid"] == ["ana"]

    result = mj("key", "--as", "ben", "--generate", cwd=journal)  # never overwrites a key
    assert result.exit_code == 1 and "already exists" in result.output
    other = git_sandbox / "ben_key"
    result = mj("key", "--as", "ben", "--generate", "--file", str(other), cwd=journal)
    assert result.exit_code == 0, result.output
    assert _meta(journal)["mentor"]["key"] == public(other)  # type: ignore[index]


def test_key_knows_you_by_your_git_email(journal: Path, keys: dict[str, Path]) -> None:
    from gitutil import git, make_repo

    make_repo(journal)
    result = mj("key", "--file", str(keys["ana"]), cwd=journal)
    assert result.exit_code == 1 and "mj key --as HANDLE" in result.output
    path = journal / "agreement.md"
    path.write_text(
        path.read_text().replace(
            "  name: Ana Lima\n", "  name: Ana Lima\n  email: ana@example.org\n"
        )
    )
    git(journal, "config", "user.email", "ana@example.org")
    assert mj("key", "--file", str(keys["ana"]), cwd=journal).exit_code == 0
    assert _meta(journal)["mentee"]["key"] == public(keys["ana"])  # type: ignore[index]
    # Ana putting in Ben's first key is said plainly, and takes --yes (Ben gave it to her).
    before = path.read_bytes()
    result = mj("key", "--as", "ben", "--file", str(keys["ben"]), cwd=journal)
    assert result.exit_code == 1 and path.read_bytes() == before
    assert "Git's user.email says you are not ben" in result.output
    assert "If ben gave you this public key, run again with --yes" in result.output
    result = mj("key", "--as", "ben", "--file", str(keys["ben"]), "--yes", cwd=journal)
    assert result.exit_code == 0, result.output
    # A key another person holds is never anyone else's.
    result = mj("key", "--as", "carla", "--file", str(keys["ana"]), "--yes", cwd=journal)
    assert result.exit_code == 1 and "is ana's in the agreement" in result.output


def test_mentor_and_mentee_must_be_two_people(journal: Path) -> None:
    path = journal / "agreement.md"
    path.write_text(path.read_text().replace("  handle: ana\n", "  handle: ben\n"))
    result = mj("validate", "--json", cwd=journal)
    assert result.exit_code == 1
    found = json.loads(result.stdout)["findings"]
    assert ("duplicate-person", "error", 6) in [
        (f["code"], f["severity"], f["line"]) for f in found
    ]


def test_rsa_and_ecdsa_keys_sign_too(journal: Path, tmp_path: Path) -> None:
    made = {"ben": make_key(tmp_path / "k", "ben", kind="rsa")}
    made["ana"] = make_key(tmp_path / "k", "ana", kind="ecdsa")
    assert public(made["ben"]).startswith("ssh-rsa ")
    assert public(made["ana"]).startswith("ecdsa-sha2-nistp256 ")
    for handle, key in made.items():
        assert mj("key", "--as", handle, "--file", str(key), cwd=journal).exit_code == 0
    for handle, key in made.items():
        _sign(journal, handle, key)
    assert _signatures(journal) == _state(["ben", "ana"], [], [], [])


def test_without_ssh_keygen_signing_fails_clearly_and_nothing_counts(
    keyed: Path, keys: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    _sign(keyed, "ana", keys["ana"])
    git(keyed, "add", "-A")
    git(keyed, "commit", "-q", "-m", "Ana signs")
    bare = tmp_path / "bin"  # git, and no ssh-keygen
    bare.mkdir()
    (bare / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setenv("PATH", str(bare))
    monkeypatch.setenv("MJ_NO_CACHE", "1")  # no verdict kept from before
    result = mj("sign", "--as", "ben", "--key", str(keys["ben"]), cwd=keyed)
    assert result.exit_code == 1 and "ssh-keygen is not installed" in result.output
    assert _signatures(keyed) == _state([], [], ["ben"], ["ana"])
    found = json.loads(mj("validate", "--json", cwd=keyed).stdout)["findings"]
    assert [(f["code"], f["severity"]) for f in found] == [("invalid-signature", "warning")]
    why = "ssh-keygen is not installed: install OpenSSH and retry"
    assert why in found[0]["message"]
    # Every report says why, as status does.
    said = {
        cmd: " ".join(mj(cmd, "--today", "2025-08-05", cwd=keyed).output.split())
        for cmd in ("status", "summary")
    }
    assert f"why they do not count: {why}" in said["status"]
    assert f"not signed: ben; invalid: ana ({why})" in said["summary"]
    history = mj("history", cwd=keyed).output
    assert f"signed by ana on 2025-07-20 with {_print(keys['ana'])}: invalid ({why})" in history


def test_a_key_is_named_by_its_fingerprint_in_commit_messages_and_history(
    journal: Path, keys: dict[str, Path]
) -> None:
    """From a newcomer's trial: `mj key` then `mj commit` wrote the whole public key
    (~100 characters) into the commit's subject line, and `mj history` repeated it."""
    from mentorjournal.reports.changes import journal_changes

    before = (journal / "agreement.md").read_bytes()
    assert mj("key", "--as", "ana", "--file", str(keys["ana"]), cwd=journal).exit_code == 0
    assert mj("key", "--as", "carla", "--file", str(keys["carla"]), cwd=journal).exit_code == 0
    after = (journal / "agreement.md").read_bytes()
    said = "\n".join(
        c.summary for c in journal_changes({"agreement.md": before}, {"agreement.md": after})
    )
    assert _print(keys["ana"]) in said and _print(keys["carla"]) in said
    assert public(keys["ana"]).split()[1] not in said
    assert public(keys["carla"]).split()[1] not in said


def test_an_agreement_over_1_mib_is_not_edited(journal: Path, keys: dict[str, Path]) -> None:
    """The writer's own refusal (`mj key --yes` reaches it first): never run by a test."""
    path = journal / "agreement.md"
    path.write_bytes(path.read_bytes() + b"x" * (1 << 20) + b"\n")
    before = path.read_bytes()
    result = mj("key", "--as", "ana", "--yes", "--file", str(keys["ana"]), cwd=journal)
    assert result.exit_code == 1
    assert f"Error: {path} is larger than 1 MiB; mj does not edit it" in result.output
    assert path.read_bytes() == before
