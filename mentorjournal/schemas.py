"""The shipped JSON Schemas (draft-07), their compiled validators, and their known keys."""

from __future__ import annotations

import os
from functools import cache

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from jsonschema import Draft7Validator

    from mentorjournal.model import KeyPath

KINDS = ("agreement", "goal", "session")


def schema_dir() -> str:
    """Inside an installed wheel the schemas sit in the package; in a checkout, beside it."""
    here = os.path.dirname(os.path.abspath(__file__))
    packaged = os.path.join(here, "schema")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(here), "schema")


@cache
def schema(kind: str) -> dict[str, Any]:
    import json  # here: freshness needs schema_dir on every fast run, not json

    with open(os.path.join(schema_dir(), f"{kind}.schema.json"), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@cache
def validator(kind: str) -> Draft7Validator:
    """One compiled validator per kind, reused for every document (compiling is the cost)."""
    from jsonschema import Draft7Validator

    return Draft7Validator(schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)


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
