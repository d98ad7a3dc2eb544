"""fastschema.is_valid must give exactly jsonschema's verdict, and its code must be current.

The differential tests run every journal file in the repository and thousands of
seeded random variations of them (and of documents built from the schemas) through
both ``is_valid`` and the Draft7Validator that ``mj validate`` uses.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import math
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, SAMPLE
from jsonschema import Draft7Validator

from mentorjournal import fastschema, schemas
from mentorjournal.document import parse_document
from mentorjournal.fastschema import UnsupportedSchema, is_valid

KINDS = schemas.KINDS


def jsonschema_valid(kind: str, meta: Any) -> bool:
    return not list(schemas.validator(kind).iter_errors(meta))


def disagreements(kind: str, metas: list[Any]) -> list[str]:
    found = []
    for meta in metas:
        fast = is_valid(kind, meta)
        if fast != jsonschema_valid(kind, meta):
            found.append(f"{kind}: is_valid={fast} but jsonschema says {not fast}: {meta!r}")
    return found


# ---------------------------------------------------------------- the generated module


def test_generated_module_is_up_to_date() -> None:
    committed = fastschema.generated_path().read_text(encoding="utf-8")
    assert committed == fastschema.generate(), (
        "mentorjournal/_fastschema_generated.py is stale: run python -m mentorjournal.fastschema"
    )


def test_check_option_reports_a_current_file() -> None:
    assert fastschema.main(["--check"]) == 0


def test_generated_module_imports_only_re() -> None:
    code = (
        "import json, re, sys, mentorjournal; before = set(sys.modules)\n"
        "import mentorjournal._fastschema_generated\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == ["mentorjournal._fastschema_generated"]


def test_the_fast_path_imports_neither_jsonschema_nor_yaml_nor_the_schemas() -> None:
    code = (
        "import sys\n"
        "from mentorjournal.fastschema import is_valid\n"
        "assert is_valid('session', {'date': '2026-05-04', 'attendees': ['ana']})\n"
        "assert not is_valid('session', {'date': '2026-02-30', 'attendees': ['ana']})\n"
        "print(' '.join(sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in run.stdout.split()}
    assert not loaded & {"jsonschema", "referencing", "yaml", "fastjsonschema"}
    assert "mentorjournal.schemas" not in run.stdout.split()


@pytest.mark.skipif(
    not (Path(sys.executable).parent / "ruff").exists() and not shutil.which("ruff"),
    reason="ruff is not installed",
)
def test_generated_module_is_lint_and_format_clean() -> None:
    local = Path(sys.executable).parent / "ruff"
    ruff = str(local) if local.exists() else "ruff"
    path = str(fastschema.generated_path())
    subprocess.run([ruff, "check", "--quiet", path], check=True)
    subprocess.run([ruff, "format", "--check", "--quiet", path], check=True)


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="no schema"):
        is_valid("other", {})


# ---------------------------------------------------------------- the generator refuses


def draft07(**schema: Any) -> dict[str, Any]:
    return {"$schema": fastschema.DRAFT_07, **schema}


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (draft07(anyOf=[{"type": "string"}]), "unsupported keyword"),
        (draft07(properties={"a": {"oneOf": []}}), "unsupported keyword"),
        (draft07(properties={"a": {"uniqueItems": True}}), "unsupported keyword"),
        (draft07(patternProperties={"^a": {}}), "unsupported keyword"),
        (draft07(properties={"a": {"format": "email"}}), "format"),
        (draft07(properties={"a": {"type": "decimal"}}), "type"),
        (draft07(properties={"a": {"items": [{}, {}]}}), "items"),
        (draft07(properties={"a": {"enum": [[1], {"b": 2}]}}), "enum"),
        (draft07(properties={"a": {"$ref": "#/definitions/b", "minLength": 1}}), "beside \\$ref"),
        (draft07(properties={"a": {"$ref": "#/definitions/nope"}}), "\\$ref"),
        (draft07(properties={"a": {"$ref": "other.json#/x"}}), "\\$ref"),
        (draft07(properties={"a": {"definitions": {}}}), "only supported at the root"),
        (draft07(properties={"a": {"$id": "x"}}), "only supported at the root"),
        (draft07(properties={"a": {"pattern": "("}}), "pattern"),
        (draft07(properties={"a": {"minLength": -1}}), "minLength"),
        (draft07(properties={"a": {"minimum": "1"}}), "minimum"),
        ({"$schema": "http://json-schema.org/draft-04/schema#"}, "\\$schema"),
        ({"type": "object"}, "\\$schema"),
    ],
)
def test_generator_refuses_what_it_cannot_translate(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(UnsupportedSchema, match=message):
        fastschema.generate({"k": schema})


# ---------------------------------------------------------------- dates


def test_date_check_matches_jsonschema_format_checker() -> None:
    namespace: dict[str, Any] = {}
    exec(fastschema.generate({"k": draft07()}), namespace)
    is_date = namespace["_is_date"]
    checker = Draft7Validator.FORMAT_CHECKER
    years = ["0000", "0001", "0004", "0100", "1900", "1999", "2000", "2023", "2024", "2025"]
    years += ["2026", "2096", "2100", "2400", "9996", "9999", "10000", "999", "20a6"]
    texts = [
        f"{year}-{month:02d}-{day:02d}"
        for year in years
        for month in range(15)
        for day in range(34)
    ]
    texts += ["2026-1-5", "2026-01-5", "2026-1-05", "26-01-05", "2026/01/05", "20260105"]
    texts += ["2026-01-05\n", " 2026-01-05", "2026-01-05 ", "2026-01-05T00:00", "", "2026-W01-1"]
    texts += ["٢٠٢٦-٠١-٠٥", "２０２６-01-05", "2026-01-0５", "2026-002-05", "+2026-01-05"]
    for text in texts:
        assert is_date(text) == checker.conforms(text, "date"), text
    # Every day of a leap and a common year, and the year boundaries.
    for day in range(366 + 365):
        text = date.fromordinal(date(2024, 1, 1).toordinal() + day).isoformat()
        assert is_date(text) and checker.conforms(text, "date")


# ---------------------------------------------------------------- every journal file


def journal_files() -> Iterator[tuple[str, bytes]]:
    for root in (SAMPLE, DATA):
        for path in sorted(root.rglob("*.md")):
            yield path.relative_to(root).as_posix(), path.read_bytes()
    cases = json.loads((DATA / "bad" / "cases.json").read_text("utf-8"))
    for case in cases:
        yield case["target"], (DATA / "bad" / case["name"]).read_bytes()


def corpus() -> list[dict[str, Any]]:
    metas = []
    for path, data in journal_files():
        doc = parse_document(path, data)
        if doc.parsed:
            metas.append(dict(doc.meta))
    return metas


def test_every_journal_file_in_the_repository() -> None:
    metas = corpus()
    assert len(metas) > 40
    verdicts = []
    for kind in KINDS:
        assert disagreements(kind, metas) == []
        verdicts += [jsonschema_valid(kind, meta) for meta in metas]
    assert True in verdicts and False in verdicts


def test_the_sample_journal_is_valid() -> None:
    """The common case the fast path exists for."""
    checked = 0
    for path in sorted(SAMPLE.rglob("*.md")):
        doc = parse_document(path.relative_to(SAMPLE).as_posix(), path.read_bytes())
        if doc.kind in KINDS:
            assert is_valid(doc.kind, dict(doc.meta)), path
            checked += 1
    assert checked > 20


def test_front_matter_that_is_not_a_mapping() -> None:
    for kind in KINDS:
        for value in (None, [], ["date"], "date", 0, True, 1.5):
            assert is_valid(kind, value) is False  # type: ignore[arg-type]
            assert jsonschema_valid(kind, value) is False


# ---------------------------------------------------------------- random documents

HEX = "0123456789abcdef"
DATES = [
    "2026-05-04",
    "2024-02-29",
    "2023-02-29",
    "2026-02-30",
    "2026-1-5",
    "2026-01-5",
    "2026-13-01",
    "2026-00-10",
    "2026-04-31",
    "2026-12-31",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "1900-02-29",
    "2000-02-29",
    "2026-01-05\n",
    " 2026-01-05",
    "2026-01-05T10:00:00",
    "2026/01/05",
    "٢٠٢٦-٠١-٠٥",
    "２０２６-01-05",
]
STRINGS = [
    *DATES,
    "",
    " ",
    "a",
    "ana",
    "ben",
    "carla",
    "Ana",
    "ana\n",
    "ana\nbob",
    "\nana",
    " ana",
    "ana ",
    "ana bo",
    "ana.b_c-d",
    "1abc",
    "-abc",
    "_ana",
    "é",
    "anaé",
    "portfolio",
    "public-speaking",
    "Portfolio",
    "goal_1",
    "a-",
    "9",
    "x" * 300,
    "weekly",
    "biweekly",
    "monthly",
    "Weekly",
    "2 weeks",
    "1 week",
    "10 days",
    "1 day",
    "0 days",
    "01 days",
    "2 weeks\n",
    "2  weeks",
    "12 hours",
    "1 hour",
    "3 months",
    "in-person",
    "video",
    "phone",
    "async",
    "mixed",
    "Video",
    "in person",
    "kickoff",
    "regular",
    "check-in",
    "retro",
    "closing",
    "proposed",
    "active",
    "achieved",
    "paused",
    "dropped",
    "done",
    "agreement",
    "goal",
    "session",
    "Session",
    "ana@example.org",
    "a@b",
    "a@@b",
    "a @b",
    "@b",
    "a@b\n",
    "sha256:" + "0" * 64,
    "sha256:" + HEX * 4,
    "sha256:" + HEX.upper() * 4,
    "sha256:" + "0" * 63,
    "sha256:" + "0" * 64 + "\n",
    "sha1:" + "0" * 40,
    "true",
    "1",
]
NUMBERS: list[Any] = [0, 1, 2, 3, 5, 6, 45, -1, 10**20, 1.0, 5.0, 0.5, 2.5, -0.0, 1e300]
NUMBERS += [math.nan, math.inf, -math.inf, True, False]


def schema_nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from schema_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_nodes(value)


PROPERTY_NAMES = [
    *sorted(
        {
            key
            for kind in KINDS
            for node in schema_nodes(schemas.schema(kind))
            for key in node.get("properties", {})
        }
    ),
    *["unknown", "Date", "attendee", "", "x-note", "portfolio", "Portfolio"],
]


def random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(STRINGS)
    if roll < 0.65:
        return rng.choice(NUMBERS)
    if roll < 0.72:
        return None
    if depth > 2 or roll < 0.86:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {
        rng.choice(PROPERTY_NAMES): random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))
    }


@functools.cache
def strings_fitting(schema: str) -> list[str]:
    leaf = Draft7Validator(json.loads(schema), format_checker=Draft7Validator.FORMAT_CHECKER)
    return [text for text in STRINGS if leaf.is_valid(text)]


def example(schema: Any, root: dict[str, Any], rng: random.Random, full: bool = False) -> Any:
    """A random document that (mostly) satisfies ``schema``: a start for mutations.

    ``full``: with every optional key and at least one list element or map entry.
    """
    if "$ref" in schema:
        target = root["definitions"][schema["$ref"].rsplit("/", 1)[1]]
        return example(target, root, rng, full)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        value = {}
        for key, sub in schema.get("properties", {}).items():
            if full or key in schema.get("required", []) or rng.random() < 0.6:
                value[key] = example(sub, root, rng, full)
        if isinstance(schema.get("additionalProperties"), dict):
            for _ in range(rng.randint(int(full), 3)):
                name = example(schema.get("propertyNames", {"type": "string"}), root, rng)
                value[name] = example(schema["additionalProperties"], root, rng, full)
        return value
    if kind == "array":
        count = max(schema.get("minItems", 0), rng.randint(int(full), 3))
        return [example(schema["items"], root, rng, full) for _ in range(count)]
    if kind == "integer":
        return rng.randint(schema.get("minimum", 0), schema.get("maximum", 90))
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "string":
        fits = strings_fitting(json.dumps(schema, sort_keys=True))
        return rng.choice(fits) if fits else "x"
    raise AssertionError(f"no example for {schema!r}")


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


def mutate(meta: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One to three random edits anywhere in the front matter."""
    doc = copy.deepcopy(meta)
    for _ in range(rng.randint(1, 3)):
        places = list(locations(doc))
        path = rng.choice(places)
        node = at(doc, path)
        parent: Any = at(doc, path[:-1]) if path else None
        operation = rng.choice(
            ["replace", "replace", "delete", "delete", "add", "tweak", "tweak", "list", "wrap"]
        )
        if operation == "delete" and path:
            del parent[path[-1]]
        elif operation == "replace" and path:
            parent[path[-1]] = random_value(rng)
        elif operation == "add" and isinstance(node, dict):
            node[rng.choice(PROPERTY_NAMES)] = random_value(rng)
        elif operation == "add" and isinstance(node, list):
            node.append(copy.deepcopy(rng.choice(node)) if node else random_value(rng))
        elif operation == "tweak" and path:
            if isinstance(node, str):
                parent[path[-1]] = rng.choice([*STRINGS, node.upper(), node + "\n", node[1:]])
            elif isinstance(node, int | float):
                parent[path[-1]] = rng.choice(NUMBERS)
            elif isinstance(node, list):
                parent[path[-1]] = [] if rng.random() < 0.5 else node[::-1]
            elif isinstance(node, dict):
                parent[path[-1]] = {}
        elif operation == "list" and path:
            parent[path[-1]] = [node] if rng.random() < 0.7 else str(node)
        elif operation == "wrap" and path:
            parent[path[-1]] = {"value": node} if rng.random() < 0.5 else None
    return doc


@pytest.mark.parametrize("kind", KINDS)
def test_random_variations_agree_with_jsonschema(kind: str) -> None:
    rng = random.Random(f"fastschema-{kind}")
    schema = schemas.schema(kind)
    bases = corpus() + [example(schema, schema, rng) for _ in range(200)]
    metas = list(bases)
    for base in itertools.islice(itertools.cycle(bases), 4000):
        metas.append(mutate(base, rng))
    problems = disagreements(kind, metas)
    assert problems == [], "\n".join(problems[:10])
    valid = sum(jsonschema_valid(kind, meta) for meta in metas)
    # Both verdicts must be well represented, or the comparison proves little.
    assert valid > len(metas) // 10 and len(metas) - valid > len(metas) // 10


def test_values_of_every_type_in_every_property() -> None:
    """Every property (and every nested one) set to every value of the pools, one at a time."""
    rng = random.Random("fastschema-every-value")
    values = [*STRINGS, *NUMBERS, None, [], {}, ["ana"], [1], [None], {"handle": "ana"}]
    for kind in KINDS:
        schema = schemas.schema(kind)
        base = example(schema, schema, rng, full=True)
        assert jsonschema_valid(kind, base), base
        paths = [path for path in locations(base) if path]
        metas = []
        for path, value in itertools.product(paths, values):
            doc = copy.deepcopy(base)
            at(doc, path[:-1])[path[-1]] = value
            metas.append(doc)
        assert disagreements(kind, metas) == []


# ---------------------------------------------------------------- the generator itself

# Keywords and forms the generator supports that today's schemas do not use.
SYNTHETIC = draft07(
    type="object",
    required=["n"],
    properties={
        "n": {"type": ["integer", "null"], "maximum": 3},
        "num": {"type": "number", "minimum": 0.5, "maximum": 10},
        "bounded": {"minimum": 1, "maximum": 2, "minLength": 2, "pattern": "^a"},
        "text": {"type": "string", "maxLength": 3, "minLength": 1, "format": "date"},
        "nothing": {"type": "null"},
        "either": {"type": ["string", "array", "boolean"], "minItems": 1, "maxItems": 2},
        "mixed": {"enum": ["a", 1, 2.5, True, None]},
        "one": {"const": 1},
        "null": {"const": None},
        "false": {"const": False},
        "anything": True,
        "never": False,
        "strings": {"items": {"type": "string", "minLength": 2}},
        "closed": {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"$ref": "#/definitions/tree"}},
            "additionalProperties": False,
        },
        "empty": {"additionalProperties": False},
        "map": {
            "properties": {"fixed": {"type": "string"}},
            "additionalProperties": {"type": "integer", "minimum": 0},
            "propertyNames": {"maxLength": 5},
        },
        "tree": {"$ref": "#/definitions/tree"},
    },
    definitions={
        "tree": {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/tree"}}},
        }
    },
)


def test_generator_on_keywords_the_schemas_do_not_use_yet() -> None:
    namespace: dict[str, Any] = {}
    exec(fastschema.generate({"synthetic": SYNTHETIC}), namespace)
    fast = namespace["VALIDATORS"]["synthetic"]
    slow = Draft7Validator(SYNTHETIC, format_checker=Draft7Validator.FORMAT_CHECKER)
    rng = random.Random("fastschema-synthetic")
    values: list[Any] = [*STRINGS, *NUMBERS, None, [], {}, ["ab"], ["a"], [1, 2, 3], ["ab", "cd"]]
    values += [{"a": 1}, {"a": 1.5}, {"c": 1}, {"b": {"children": [{"children": [1]}]}}]
    values += [{"fixed": 1}, {"fixed": "x", "other": 2}, {"toolong": 1}, {"x": -1}, {"x": True}]
    values += [{"children": [{}, {"children": []}]}, {"children": [{"children": "no"}]}, "a", 1]
    names = list(SYNTHETIC["properties"])
    verdicts = []
    for _ in range(6000):
        meta: dict[str, Any] = {} if rng.random() < 0.1 else {"n": rng.choice([1, None, 4, "1"])}
        for name in rng.sample(names, rng.randint(0, 3)):
            meta[name] = rng.choice(values)
        verdict = slow.is_valid(meta)
        assert fast(meta) == verdict, meta
        verdicts.append(verdict)
    assert verdicts.count(True) > 500 and verdicts.count(False) > 500
