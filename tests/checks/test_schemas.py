"""The schema verdict: fastjsonschema's code must give exactly jsonschema's verdict.

jsonschema explains what the verdict rejects, so the two must agree on every document:
a file must never be invalid with no finding, nor valid while jsonschema objects. The
libraries differ on ``$`` before a final newline and on the ``date`` format, so
``schemas`` hands fastjsonschema jsonschema's meaning; these tests hold the pair to it
on every journal file in the repository and on every property set to values of every
type. The last tests cover the generated code kept in the user's cache.
"""

from __future__ import annotations

import copy
import json
import marshal
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, SAMPLE, mj
from jsonschema import Draft7Validator

from mentorjournal.checks import schemas
from mentorjournal.checks.filecheck import parse_and_check
from mentorjournal.checks.validate import check_document
from mentorjournal.format.document import parse_document

KINDS = schemas.KINDS


def jsonschema_valid(kind: str, meta: Any) -> bool:
    return not list(schemas.validator(kind).iter_errors(meta))


def disagreements(kind: str, metas: list[Any]) -> list[str]:
    found = []
    for meta in metas:
        fast = schemas.is_valid(kind, meta)
        if fast != jsonschema_valid(kind, meta):
            found.append(f"{kind}: is_valid={fast} but jsonschema says {not fast}: {meta!r}")
    return found


# ---------------------------------------------------------------- every journal file


def journal_files() -> Iterator[tuple[str, bytes]]:
    for root in (SAMPLE, DATA):
        for path in sorted(root.rglob("*.md")):
            yield path.relative_to(root).as_posix(), path.read_bytes()
    cases = json.loads((DATA / "bad" / "cases.json").read_text("utf-8"))
    for case in cases:
        yield case["target"], (DATA / "bad" / case["name"]).read_bytes()


def test_every_journal_file_in_the_repository() -> None:
    metas = []
    for path, data in journal_files():
        doc = parse_document(path, data)
        if doc.parsed:
            metas.append(dict(doc.meta))
    assert len(metas) > 40
    verdicts = []
    for kind in KINDS:
        assert disagreements(kind, metas) == []
        verdicts += [jsonschema_valid(kind, meta) for meta in metas]
    assert True in verdicts and False in verdicts


def test_the_sample_journal_is_valid() -> None:
    """The common case the fast verdict exists for."""
    checked = 0
    for path in sorted(SAMPLE.rglob("*.md")):
        doc = parse_document(path.relative_to(SAMPLE).as_posix(), path.read_bytes())
        if doc.kind in KINDS:
            assert schemas.is_valid(doc.kind, dict(doc.meta)), path
            checked += 1
    assert checked > 20


def test_front_matter_that_is_not_a_mapping() -> None:
    for kind in KINDS:
        for value in (None, [], ["date"], "date", 0, True, 1.5):
            assert schemas.is_valid(kind, value) is False
            assert jsonschema_valid(kind, value) is False


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="no schema"):
        schemas.is_valid("other", {})


# ---------------------------------------------------------------- every property, every value

# Every property of every schema, each with a valid value.
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDo3ubGhrVIR+FluxDu1dIu9gLTt1b5IVN6hxj60uDH6 ben"
SIG = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"
FULL: dict[str, dict[str, Any]] = {
    "agreement": {
        "type": "agreement",
        "mentor": {"handle": "ben", "name": "Ben", "email": "ben@example.org", "key": KEY},
        "mentee": {"handle": "ana", "name": "Ana", "email": "ana@example.org", "key": KEY},
        "others": [
            {"handle": "carla", "name": "Carla", "email": "c@d", "role": "sponsor", "key": KEY}
        ],
        "purpose": "Grow",
        "start": "2026-01-05",
        "review": "2026-04-01",
        "end": "2026-12-31",
        "cadence": {"every": "3 weeks", "length": 45, "mode": "video"},
        "response_time": "2 days",
        "phase": 1,
        "consent": {"sponsor": ["goals", "ratings"]},
        "signatures": [
            {"by": "ana", "date": "2024-02-29", "digest": "sha256:" + "0a" * 32, "sig": SIG}
        ],
    },
    "goal": {
        "type": "goal",
        "title": "Portfolio",
        "status": "active",
        "owner": "ana",
        "opened": "2026-01-05",
        "target": "2026-06-30",
        "success": "Site live",
        "source": "plan",
    },
    "session": {
        "type": "session",
        "date": "2026-01-12",
        "attendees": ["ana", "ben"],
        "kind": "regular",
        "goals": ["portfolio"],
        "agenda_by": "ana",
        "mode": "video",
        "duration": 45,
        "ratings": {"portfolio": 3},
        "confidential": False,
    },
}
DATES = ["2026-02-28", "2024-02-29", "2023-02-29", "2026-02-30", "2026-04-31", "2026-13-01"]
DATES += ["2026-00-10", "0000-01-01", "0000-02-29", "0001-01-01", "9999-12-31", "1900-02-29"]
DATES += ["2000-02-29", "2026-1-5", "2026-01-05T10:00:00", "2026/01/05", "٢٠٢٦-٠١-٠٥"]
STRINGS = [*DATES, "", " ", "a", "ana", "Ana", "1abc", "_ana", "é", "x" * 300, "ana bo"]
STRINGS += ["weekly", "Weekly", "10 days", "0 days", "2  weeks", "12 hours", "3 months"]
STRINGS += ["in-person", "Video", "check-in", "retro", "achieved", "done", "a@b", "a@@b"]
STRINGS += ["a @b", "sha256:" + "0" * 63, "sha256:" + "A" * 64, "agreement", "goal", "session"]
NUMBERS: list[Any] = [0, 1, 5, 6, -1, 10**20, 1.0, 5.0, 0.5, -0.0, 1e300]
NUMBERS += [float("nan"), float("inf"), True, False]
OTHERS: list[Any] = [None, [], {}, ["ana"], [1], [None], ["ana", "Ana"], {"handle": "ana"}]
OTHERS += [{"portfolio": 5.0}, {"portfolio": True}, {"portfolio": 6}, {"Portfolio": 3}]
OTHERS += [{"portfolio\n": 3}, {"portfolio\n\n": 3}, {"1": 1}, {"": 1}]


def locations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from locations(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from locations(child, (*path, index))


def at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def variants(base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``base`` with one place changed: set to each pool value, respelled, or removed."""
    for path in [path for path in locations(base) if path]:
        old = at(base, path)
        values = [*STRINGS, *NUMBERS, *OTHERS]
        if isinstance(old, str):
            # Python's "$" matches before one final newline, never before two.
            values += [old + "\n", old + "\n\n", "\n" + old, old + " ", old.upper()]
        for value in [*values, KeyError]:
            doc = copy.deepcopy(base)
            if value is KeyError:
                del at(doc, path[:-1])[path[-1]]
            else:
                at(doc, path[:-1])[path[-1]] = value
            yield doc


def unnamed(kind: str, value: Any, node: dict[str, Any], path: tuple[Any, ...] = ()) -> list[str]:
    """Properties the schema names at some place that ``value`` leaves out."""
    node = schemas.resolve(node, kind)
    missing = []
    if isinstance(value, dict):
        for key, sub in node.get("properties", {}).items():
            if key not in value:
                missing.append("/".join(map(str, (*path, key))))
            else:
                missing += unnamed(kind, value[key], sub, (*path, key))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, child in enumerate(value):
            missing += unnamed(kind, child, node["items"], (*path, index))
    return missing


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_set_to_every_value(kind: str) -> None:
    base = FULL[kind]
    assert unnamed(kind, base, schemas.schema(kind)) == [], "FULL must name every property"
    assert jsonschema_valid(kind, base) and schemas.is_valid(kind, base)
    metas = list(variants(base))
    problems = disagreements(kind, metas)
    assert problems == [], "\n".join(problems[:10])
    valid = sum(jsonschema_valid(kind, meta) for meta in metas)
    # Both verdicts must be well represented, or the comparison proves little.
    assert valid > len(metas) // 20 and len(metas) - valid > len(metas) // 2


def test_date_format_is_jsonschemas() -> None:
    checker = Draft7Validator.FORMAT_CHECKER
    years = ["0000", "0001", "0004", "0100", "0400", "1900", "2000", "2023", "2024", "2100"]
    years += ["2400", "9996", "9999", "10000", "999", "20a6"]
    texts = [f"{y}-{m:02d}-{d:02d}" for y in years for m in range(15) for d in range(34)]
    texts += ["2026-1-5", "2026-01-5", "26-01-05", "2026/01/05", "20260105", "2026-W01-1"]
    texts += ["2026-01-05\n", " 2026-01-05", "2026-01-05 ", "2026-01-05T00:00", ""]
    texts += ["٢٠٢٦-٠١-٠٥", "２０２６-01-05", "2026-01-0５", "2026-002-05", "+2026-01-05"]
    for day in range(366 + 365):
        texts.append(date.fromordinal(date(2024, 1, 1).toordinal() + day).isoformat())
    date_format = re.compile(schemas.DATE)
    for text in texts:
        assert (date_format.match(text) is not None) == checker.conforms(text, "date"), text


# ---------------------------------------------------------------- "$" before a final newline


def test_dollar_matches_before_a_final_newline_in_both_verdicts() -> None:
    """re's ``$`` (jsonschema's) matches before a final newline; fastjsonschema's ``\\Z``
    would not. mj has always taken jsonschema's verdict, "valid", and keeps it."""
    cases = [
        ("agreement", ("response_time",), "2 days\n"),
        ("agreement", ("mentor", "handle"), "ben\n"),
        ("goal", ("owner",), "ana\n"),
        ("session", ("attendees", 0), "ana\n"),
    ]
    for kind, path, value in cases:
        doc = copy.deepcopy(FULL[kind])
        at(doc, path[:-1])[path[-1]] = value
        assert jsonschema_valid(kind, doc) and schemas.is_valid(kind, doc), (kind, path)
        at(doc, path[:-1])[path[-1]] = value + "\n"
        assert not jsonschema_valid(kind, doc) and not schemas.is_valid(kind, doc), (kind, path)


def test_a_final_newline_in_a_file_is_no_finding_on_either_path(journal: Path) -> None:
    agreement = journal / "agreement.md"
    text = agreement.read_text(encoding="utf-8")
    agreement.write_text(text.replace("phase: 1\n", 'phase: 1\nresponse_time: "2 days\\n"\n'))
    data = agreement.read_bytes()
    doc = parse_document("agreement.md", data)
    assert doc.meta["response_time"] == "2 days\n"
    assert check_document(doc) == []
    assert parse_and_check("agreement.md", data)[6] == ()
    result = mj("validate", "--strict", "--json", cwd=journal)
    assert json.loads(result.stdout) == {"ok": True, "findings": []}
    # Two newlines: both verdicts say no, and jsonschema says why.
    agreement.write_text(text.replace("phase: 1\n", 'phase: 1\nresponse_time: "2 days\\n\\n"\n'))
    data = agreement.read_bytes()
    assert [f.code for f in check_document(parse_document("agreement.md", data))] == [
        "invalid-value"
    ]
    assert [row[3] for row in parse_and_check("agreement.md", data)[6]] == ["invalid-value"]


# ---------------------------------------------------------------- the cached code


def load_validators(cache_dir: str | None) -> dict[str, Any]:
    """A validator per kind, as ``is_valid`` makes them (from ``cache_dir``, None: none)."""
    return {kind: schemas._run(kind, kept) for kind, kept in schemas._codes(cache_dir).items()}


def code_names(validators: dict[str, Any]) -> set[str]:
    """Where each validator's code came from (``compile`` may wrap it in a partial)."""
    return {getattr(check, "func", check).__code__.co_filename for check in validators.values()}


def test_generated_code_is_kept_and_used_next_time(tmp_path: Path) -> None:
    made = load_validators(str(tmp_path))
    path = Path(schemas.code_cache_path(str(tmp_path)))
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    kept = load_validators(str(tmp_path))
    assert code_names(kept) == {f"<fastjsonschema: {kind}.schema.json>" for kind in KINDS}
    metas = [dict(FULL[kind]) for kind in KINDS] + [{}, {"date": "0000-01-01"}]
    for kind in KINDS:
        for meta in [*metas, *list(variants(FULL[kind]))[::7]]:
            verdicts = []
            for validators in (made, kept):
                try:
                    validators[kind](meta)
                    verdicts.append(True)
                except ValueError:
                    verdicts.append(False)
            assert verdicts[0] == verdicts[1] == jsonschema_valid(kind, meta), (kind, meta)


def test_a_damaged_or_foreign_cache_file_is_made_again(tmp_path: Path) -> None:
    path = Path(schemas.code_cache_path(str(tmp_path)))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Damaged; then made for other schemas or another fastjsonschema or Python; then with
    # this key but the code inside damaged (kinds missing, or entries of another shape).
    key = schemas._code_key()
    odd = marshal.dumps({kind: ("name", "not code", {}) for kind in KINDS})
    for content in (
        b"\x00garbage",
        marshal.dumps(("another key", marshal.dumps({}))),
        marshal.dumps((key, marshal.dumps({}))),
        marshal.dumps((key, odd)),
    ):
        path.write_bytes(content)
        validators = load_validators(str(tmp_path))
        assert sorted(validators) == sorted(KINDS)
        assert path.read_bytes() != content
        assert code_names(load_validators(str(tmp_path))) == {
            f"<fastjsonschema: {kind}.schema.json>" for kind in KINDS
        }


def test_no_cache_makes_the_code_in_memory(tmp_path: Path) -> None:
    validators = load_validators(None)
    assert sorted(validators) == sorted(KINDS)
    assert list(tmp_path.iterdir()) == []


def run_python(code: str, cache: Path, **extra: str) -> str:
    env = {name: value for name, value in os.environ.items() if name != "MJ_NO_CACHE"}
    env.update(XDG_CACHE_HOME=str(cache), **extra)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout


FAST_PATH = (
    "import sys\n"
    "from mentorjournal.checks.schemas import is_valid\n"
    "assert is_valid('session', {'date': '2026-05-04', 'attendees': ['ana']})\n"
    "assert not is_valid('session', {'date': '2026-02-30', 'attendees': ['ana']})\n"
    "print(' '.join(sys.modules))"
)


def test_the_fast_path_imports_neither_jsonschema_nor_yaml(tmp_path: Path) -> None:
    """Nor, once the code is kept, fastjsonschema: the kept code raises ``Rejected``."""
    for run in range(2):  # the first run makes the code, the second loads it
        loaded = {name.split(".")[0] for name in run_python(FAST_PATH, tmp_path).split()}
        assert not loaded & {"jsonschema", "referencing", "yaml"}
        assert ("fastjsonschema" in loaded) == (run == 0)
    assert len(list((tmp_path / "mentorjournal").iterdir())) == 1


def test_mj_no_cache_writes_no_code(tmp_path: Path) -> None:
    run_python(FAST_PATH, tmp_path, MJ_NO_CACHE="1")
    assert list(tmp_path.iterdir()) == []


def test_a_fifo_where_the_generated_code_is_kept_is_made_again(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: mj must not wait."""
    cache = tmp_path / "cache"
    cache.mkdir()
    os.mkfifo(schemas.code_cache_path(str(cache)))
    code = (
        "import sys; from mentorjournal.checks import schemas;"
        f"v = {{k: schemas._run(k, c) for k, c in schemas._codes({str(cache)!r}).items()}};"
        "print(sorted(v))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == str(sorted(schemas.KINDS))


def test_generated_code_that_makes_a_decimal_keeps_its_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kept code leaves out ``from decimal import Decimal`` (nothing YAML makes is
    one), unless it calls ``Decimal(``: a float ``multipleOf`` does."""
    stepped = {"type": "object", "properties": {"duration": {"multipleOf": 0.25}}}
    monkeypatch.setattr(schemas, "schema", lambda kind: stepped)
    name, code = schemas._generate("session")
    check = schemas._run("session", (name, code, stepped))
    check({"duration": 1.5})
    with pytest.raises(ValueError):
        check({"duration": 1.3})
