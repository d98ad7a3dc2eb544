"""The shipped JSON Schemas (draft-07): their verdict, their explanations, their known keys.

Two libraries read the same schemas. ``is_valid`` answers "is this front matter valid?"
with code that fastjsonschema generates (~11 µs a document); jsonschema, whose import
alone costs ~75 ms, runs (``validator``) only to explain a document that this verdict
rejects. The two must agree exactly, or a file could be invalid with no finding to
show, or valid while jsonschema objects (tests/checks/test_schemas.py compares them). Where
the libraries read our schemas differently, fastjsonschema is handed jsonschema's
meaning: ``for_fastjsonschema`` respells ``$`` in patterns, ``DATE`` is jsonschema's
``date`` format. The verdicts agree on front matter as the YAML layer builds it (str,
int, float, bool, None, list, dict); fastjsonschema would also take a tuple as a list.

Generating the validators takes ~13 ms, and importing fastjsonschema ~6-9 ms more:
too much for every start of a pre-commit check. So what ``compile_to_code`` writes
is compiled once and kept in the user's cache, keyed by the Python and the
fingerprint (the schemas, and mj's and fastjsonschema's code); it raises
``Rejected`` instead of fastjsonschema's exception, so loading it (~1 ms) imports
nothing of fastjsonschema.
"""

from __future__ import annotations

import os
from functools import cache

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import CodeType
    from typing import Any

    from jsonschema import Draft7Validator

    from mentorjournal.model import KeyPath

    # (the validator's name, its code, the schema it was made from)
    Kept = tuple[str, CodeType, dict[str, Any]]

KINDS = ("agreement", "goal", "session")

# jsonschema's "date" format: ASCII YYYY-MM-DD that datetime.date accepts, so years
# 0001-9999 and days that exist (29 February in leap years only). fastjsonschema's own
# regex takes year 0000, and in older releases any day up to 31.
DATE = (
    r"^(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
    r"-02-29)\Z"
)
# Bump when what fastjsonschema is given changes: code cached in another format is unused.
_CODE_FORMAT = 3


def schema_dir() -> str:
    """Inside an installed wheel the schemas sit in the package; in a checkout, beside it."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    packaged = os.path.join(package, "schema")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(package), "schema")


@cache
def schema(kind: str) -> dict[str, Any]:
    kept = _KEPT.get(kind)
    if kept is not None:  # kept with the generated code: no json to import and parse
        return kept[2]
    import json  # here: freshness needs schema_dir on every fast run, not json

    with open(os.path.join(schema_dir(), f"{kind}.schema.json"), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@cache
def validator(kind: str) -> Draft7Validator:
    """jsonschema's validator for ``kind``, which explains what ``is_valid`` rejects."""
    from jsonschema import Draft7Validator

    return Draft7Validator(schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)


# ---------------------------------------------------------------- the verdict

_validators: dict[str, Callable[[Any], Any]] = {}
# kind -> (validator's name, its code, the schema), as kept in the user's cache
_KEPT: dict[str, Kept] = {}


def is_valid(kind: str, meta: object) -> bool:
    """jsonschema's verdict on ``meta`` against the schema of ``kind``, without jsonschema."""
    check = _validators.get(kind)
    if check is None:
        if not _KEPT:
            _KEPT.update(_codes(code_cache_dir()))
        if kind not in _KEPT:
            raise ValueError(f"no schema for kind {kind!r}")
        check = _validators[kind] = _run(kind, _KEPT[kind])  # only the kinds a run meets
    try:
        check(meta)
    except Rejected:
        return False
    return True


def for_fastjsonschema(node: Any) -> Any:
    """A schema as fastjsonschema must read it to give jsonschema's verdict.

    jsonschema tests a ``pattern`` with ``re.search``, where ``$`` also matches before a
    final newline (so "ana\\n" is a valid handle, as it has always been in mj), while
    fastjsonschema turns every ``$`` into ``\\Z``. Spelled ``(?=\\n?\\Z)``, which is what
    ``$`` means to ``re``, the anchor passes through that rewrite unchanged in meaning.
    """
    if isinstance(node, list):
        return [for_fastjsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    import re

    adapted: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "definitions") and isinstance(value, dict):
            adapted[key] = {name: for_fastjsonschema(sub) for name, sub in value.items()}
        elif key == "pattern" and isinstance(value, str):
            # The same "$" that fastjsonschema looks for: one not escaped by a backslash.
            adapted[key] = re.sub(r"(?<!\\)\$", r"(?=\\n?\\Z)", value)
        elif key in ("enum", "const", "default", "examples"):
            adapted[key] = value  # values, not schemas
        else:
            adapted[key] = for_fastjsonschema(value)
    return adapted


def code_cache_dir() -> str | None:
    """Where generated validators are kept (the user's cache); None under MJ_NO_CACHE."""
    if os.environ.get("MJ_NO_CACHE"):
        return None
    from mentorjournal.index.cachefile import user_cache_dir

    return user_cache_dir()


def code_cache_path(cache_dir: str) -> str:
    """The file in ``cache_dir`` for the current schemas, fastjsonschema and Python."""
    import zlib  # not hashlib: loading OpenSSL costs ~20 ms, and this names, not protects

    return os.path.join(cache_dir, f"schemas-{zlib.crc32(_code_key().encode()):08x}.marshal")


class Rejected(ValueError):
    """What the generated validators raise here, in place of fastjsonschema's own
    exception (same arguments): a run that loads them from the cache then does not
    import fastjsonschema, ~6-9 ms of a pre-commit check."""

    def __init__(self, message: str, value: Any = None, name: Any = None, **more: Any) -> None:
        super().__init__(message)
        self.value, self.name = value, name


# What the line of generated code that imports fastjsonschema brings: its exceptions
# (2.15 names one, later releases two).
_EXCEPTIONS = {"JsonSchemaValueException", "JsonSchemaValuesException"}


def _codes(cache_dir: str | None) -> dict[str, Kept]:
    """The generated code of every kind: kept in ``cache_dir``, else made now (and kept
    there for the next run, unless ``cache_dir`` is None)."""
    path = None if cache_dir is None else code_cache_path(cache_dir)
    codes = None if path is None else _read_codes(path)
    if codes is None:
        codes = {kind: (*_generate(kind), schema(kind)) for kind in KINDS}
        if path is not None:
            import marshal

            from mentorjournal.index.cachefile import store

            store(path, marshal.dumps((_code_key(), marshal.dumps(codes))))
    return codes


class _NoDecimal:
    """What the generated code's ``Decimal`` stands for: YAML never makes one, and
    importing decimal would cost a pre-commit check ~1.5 ms."""


def _run(kind: str, kept: Kept) -> Callable[[Any], Any]:
    namespace: dict[str, Any] = {"__name__": f"{__name__}.{kind}", "Decimal": _NoDecimal}
    namespace["JsonSchemaValueException"] = namespace["JsonSchemaValuesException"] = Rejected
    exec(kept[1], namespace)  # code this module generated (and cached, see _read_codes)
    check: Callable[[Any], Any] = namespace[kept[0]]
    return check


# The lines of generated code that import what the namespace above provides.
_PROVIDED = ("from decimal import Decimal\n",)


def _generate(kind: str) -> tuple[str, CodeType]:
    """(the validator's name, its code) for ``kind``: what ``compile_to_code`` writes
    without its imports of fastjsonschema's exceptions and of ``Decimal``, so that it
    raises ``Rejected`` and imports nothing (a test holds that every fastjsonschema
    release in our range words them so: the kept code imports no fastjsonschema)."""
    import fastjsonschema

    options: dict[str, Any] = {"formats": {"date": DATE}, "use_default": False}
    definition = for_fastjsonschema(schema(kind))
    generated = fastjsonschema.compile_to_code(definition, **options)
    # Code that makes a Decimal (a float multipleOf does) keeps its import.
    source = "".join(
        line
        for line in generated.splitlines(True)
        if not (line in _PROVIDED and "Decimal(" not in generated)
        and not (
            line.startswith("from fastjsonschema import ")
            and {n.strip() for n in line[27:].split(",")} <= _EXCEPTIONS
        )
    )
    entry = fastjsonschema.compile(definition, **options).__name__
    return entry, compile(source, f"<fastjsonschema: {kind}.schema.json>", "exec")


@cache
def _code_key() -> str:
    """What the kept code depends on: this format, the Python that compiled it, and the
    fingerprint (the schemas, mj's code and fastjsonschema's, by file)."""
    import sys

    from mentorjournal.index.cachefile import fingerprint

    return repr((_CODE_FORMAT, sys.version, fingerprint()))


def _read_codes(path: str) -> dict[str, Kept] | None:
    """The code kept at ``path`` when it was made for exactly this key; else None.

    The key is read before the code: marshalled code of another Python is not loaded.
    """
    import marshal
    from types import CodeType

    from mentorjournal.index.cachefile import load

    try:
        stored = marshal.loads(load(path))  # a FIFO or a folder there reads as nothing
        if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != _code_key():
            return None
        codes = marshal.loads(stored[1])
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(codes, dict) or sorted(codes) != sorted(KINDS):
        return None
    shapes = (str, CodeType, dict)  # a Kept: the validator's name, its code, the schema
    kept = all(
        isinstance(entry, tuple) and len(entry) == 3 and all(map(isinstance, entry, shapes))
        for entry in codes.values()
    )
    return codes if kept else None


# ---------------------------------------------------------------- known keys


def resolve(node: dict[str, Any], kind: str) -> dict[str, Any]:
    """Follow a local ``#/definitions/...`` reference."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/definitions/"):
        return node
    resolved: dict[str, Any] = schema(kind)["definitions"][ref.removeprefix("#/definitions/")]
    return resolved


def unknown_keys(
    kind: str, value: Any, node: dict[str, Any] | None = None, path: KeyPath = ()
) -> Iterator[tuple[KeyPath, dict[str, Any]]]:
    """Each key in ``value`` that the schema of ``kind`` does not name, in document
    order, with the keys it does name there. Unknown keys are allowed (they are
    warnings), so the schemas cannot report them: this walks their ``properties``."""
    node = resolve(schema(kind) if node is None else node, kind)
    if isinstance(value, dict) and "properties" in node:
        known: dict[str, Any] = node["properties"]
        for key, child in value.items():
            if key in known:
                yield from unknown_keys(kind, child, known[key], (*path, key))
            elif "additionalProperties" not in node:
                yield (*path, key), known
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for index, child in enumerate(value):
            yield from unknown_keys(kind, child, node["items"], (*path, index))
