"""The shipped JSON Schemas (draft-07) and their compiled validators."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft7Validator

KINDS = ("agreement", "goal", "session")


def schema_dir() -> Path:
    """Inside an installed wheel the schemas sit in the package; in a checkout, beside it."""
    packaged = Path(__file__).parent / "schema"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "schema"


@cache
def schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (schema_dir() / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
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
