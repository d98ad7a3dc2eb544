"""A fast "is this front matter valid?" that agrees exactly with jsonschema's verdict.

Importing jsonschema costs tens of milliseconds, more than a pre-commit check of one
file can spend. Most documents are valid, so ``is_valid`` answers the yes/no question
with plain Python generated from the shipped schemas (``_fastschema_generated.py``,
which imports nothing but ``re``); only when it says no does the caller need
jsonschema, for the detailed errors.

The generator below understands exactly the part of draft-07 the schemas use, with
jsonschema's semantics (``Draft7Validator`` with ``FORMAT_CHECKER``): integral floats
are integers and booleans are not, ``pattern`` is ``re.search`` (so ``$`` also matches
before a final newline), ``format: date`` is a real calendar date, siblings of
``$ref`` are ignored. Any other keyword, format or construct makes it raise
``UnsupportedSchema`` rather than generate a validator that could silently disagree.

The verdict is exact for front matter as our YAML layer builds it: str, int, float,
bool, None, list and dict. Regenerate after editing a schema::

    python -m mentorjournal.fastschema          # rewrite the generated module
    python -m mentorjournal.fastschema --check  # exit 1 if it is out of date
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

_validators: dict[str, Callable[[object], bool]] = {}


def is_valid(kind: str, meta: dict[str, Any]) -> bool:
    """True if and only if ``meta`` is valid against the schema of ``kind``."""
    check = _validators.get(kind)
    if check is None:
        # Imported on first use, so that a broken generated file cannot stop its own
        # regeneration (``python -m mentorjournal.fastschema`` imports this module).
        from mentorjournal._fastschema_generated import VALIDATORS

        _validators.update(VALIDATORS)
        if kind not in _validators:
            raise ValueError(f"no schema for kind {kind!r}")
        check = _validators[kind]
    return check(meta)


# ---------------------------------------------------------------- the generator

GENERATED_NAME = "_fastschema_generated.py"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# Keywords that never change a verdict.
_ANNOTATIONS = frozenset({"title", "description", "$comment", "default", "examples"})
# Keywords allowed only at the root of a schema file.
_ROOT_ONLY = frozenset({"$schema", "$id", "definitions"})
_TYPES = ("string", "integer", "number", "boolean", "null", "array", "object")
_REF_PREFIX = "#/definitions/"
_HANDLED = frozenset(
    {
        "type",
        "enum",
        "const",
        "required",
        "properties",
        "additionalProperties",
        "propertyNames",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
    }
)


class UnsupportedSchema(ValueError):
    """The schema uses something the generator cannot translate exactly."""


class _Check:
    """One condition: the value is invalid when ``fail`` holds, and ``ok`` is its negation."""

    __slots__ = ("fail", "ok")

    def __init__(self, fail: str, ok: str) -> None:
        self.fail = fail
        self.ok = ok


# What a generated function body is made of: finished lines or single checks.
_Item = str | _Check


def _render(items: list[_Item]) -> list[str]:
    lines: list[str] = []
    for item in items:
        if isinstance(item, _Check):
            lines += [f"if {item.fail}:", "    return False"]
        else:
            lines.append(item)
    return lines


def _indent(items: list[_Item]) -> list[_Item]:
    return [f"    {line}" for line in _render(items)]


def _type_checks(names: list[str], var: str) -> list[_Check]:
    """Checks that ``var`` has one of the JSON types ``names``, as jsonschema's draft-07 sees it."""
    if names == ["integer"]:
        # An int that is not a bool, or a float with an integral value (draft-06 on).
        return [
            _Check(
                f"isinstance({var}, bool) or not isinstance({var}, (int, float))",
                f"not isinstance({var}, bool) and isinstance({var}, (int, float))",
            ),
            _Check(
                f"isinstance({var}, float) and not {var}.is_integer()",
                f"not isinstance({var}, float) or {var}.is_integer()",
            ),
        ]
    tests = {
        "string": f"isinstance({var}, str)",
        "integer": (
            f"(isinstance({var}, int) and not isinstance({var}, bool))"
            f" or (isinstance({var}, float) and {var}.is_integer())"
        ),
        "number": f"isinstance({var}, (int, float)) and not isinstance({var}, bool)",
        "boolean": f"isinstance({var}, bool)",
        "null": f"{var} is None",
        "array": f"isinstance({var}, list)",
        "object": f"isinstance({var}, dict)",
    }
    if names == ["null"]:
        return [_Check(f"{var} is not None", f"{var} is None")]
    if len(names) == 1:
        test = tests[names[0]]
        return [_Check(f"not ({test})" if " and " in test else f"not {test}", test)]
    test = " or ".join(f"({tests[name]})" for name in names)
    return [_Check(f"not ({test})", test)]


# For a keyword that applies only to values of one JSON type: (is of type, is not of type).
def _guard(json_type: str, var: str) -> tuple[str, str]:
    if json_type == "number":
        return (
            f"isinstance({var}, (int, float)) and not isinstance({var}, bool)",
            f"not isinstance({var}, (int, float)) or isinstance({var}, bool)",
        )
    python = {"string": "str", "array": "list", "object": "dict"}[json_type]
    return f"isinstance({var}, {python})", f"not isinstance({var}, {python})"


def _literal(value: Any) -> str:
    """Python source for a str, int, float, bool or None, in ruff format's style."""
    import ast
    import json
    import math

    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif (
        value is None
        or isinstance(value, bool | int)
        or (isinstance(value, float) and math.isfinite(value))
    ):
        text = repr(value)
    else:
        raise UnsupportedSchema(f"cannot write {value!r} as a literal")
    back = ast.literal_eval(text)
    if back != value or type(back) is not type(value):  # pragma: no cover
        raise UnsupportedSchema(f"cannot write {value!r} as a literal")
    return text


def _equals(var: str, value: Any) -> str:
    """An expression for jsonschema's ``equal(value, var)`` (enum and const) on a scalar."""
    if isinstance(value, str):
        return f"{var} == {_literal(value)}"
    if value is None or isinstance(value, bool):
        return f"{var} is {value!r}"
    if isinstance(value, int | float):
        # equal() keeps true apart from 1 but lets 1 equal 1.0.
        return f"(not isinstance({var}, bool) and {var} == {_literal(value)})"
    raise UnsupportedSchema(f"enum or const value {value!r}: only str, number, bool, null")


class _Generator:
    def __init__(self) -> None:
        self.constants: list[str] = []
        self.functions: list[str] = []
        self._constant_names: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._counter = 0
        self._refs: dict[str, str] = {}
        self._bodies: dict[str, str] = {}

    # -- names

    def constant(self, prefix: str, source: str) -> str:
        """A module-level constant holding ``source``, shared when equal."""
        if source not in self._constant_names:
            self._counts[prefix] = self._counts.get(prefix, 0) + 1
            name = f"_{prefix}{self._counts[prefix]}"
            self._constant_names[source] = name
            self.constants.append(f"{name} = {source}")
        return self._constant_names[source]

    def string_set(self, prefix: str, values: list[str]) -> str:
        members = "".join(f"    {_literal(value)},\n" for value in values)
        return self.constant(prefix, f"{{\n{members}}}")

    def variable(self) -> str:
        self._counter += 1
        return f"v{self._counter}"

    # -- schema files

    def kind(self, kind: str, root: Any) -> str:
        """Add the functions of one schema file; returns the name of its root function."""
        if not isinstance(root, dict):
            raise UnsupportedSchema(f"{kind}: the schema is not an object")
        if root.get("$schema") != DRAFT_07:
            raise UnsupportedSchema(f"{kind}: $schema must be {DRAFT_07}")
        if not kind.isidentifier() or not kind.isascii():
            raise UnsupportedSchema(f"kind name {kind!r}")
        definitions = root.get("definitions", {})
        if not isinstance(definitions, dict):
            raise UnsupportedSchema(f"{kind}: definitions must be an object")
        self._refs = {}
        for name in definitions:
            if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
                raise UnsupportedSchema(f"{kind}: definition name {name!r}")
            self._refs[f"{_REF_PREFIX}{name}"] = f"_{kind}_{name}"
        for name, subschema in definitions.items():
            self.function(f"_{kind}_{name}", subschema, f"{kind}: definitions/{name}")
        body = {key: value for key, value in root.items() if key not in _ROOT_ONLY}
        self.function(f"_{kind}", body, f"{kind}: root")
        return f"_{kind}"

    def function(self, name: str, schema: Any, where: str) -> None:
        self._counter = 0
        items = self.checks(schema, "x", where)
        if items and isinstance(items[-1], _Check):
            lines = [*_render(items[:-1]), f"return {items[-1].ok}"]
        else:
            lines = [*_render(items), "return True"]
        body = "".join(f"    {line}\n" for line in lines)
        # Definitions repeated across schema files (handle, date, ...) are written once.
        if body in self._bodies:
            self.functions.append(f"{name} = {self._bodies[body]}\n")
        else:
            self._bodies[body] = name
            self.functions.append(f"def {name}(x: object) -> bool:\n{body}")

    # -- one schema applied to one variable

    def checks(self, schema: Any, var: str, where: str) -> list[_Item]:
        """Code that returns False when ``var`` is not valid against ``schema``."""
        if schema is True:
            return []
        if schema is False:
            return [_Check("True", "False")]
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"{where}: a schema must be an object or a boolean")
        for key in schema:
            if key in _ROOT_ONLY:
                raise UnsupportedSchema(f"{where}: {key} is only supported at the root")
        if "$ref" in schema:
            target = self.ref(schema, where)
            return [_Check(f"not {target}({var})", f"{target}({var})")]
        unknown = sorted(set(schema) - _HANDLED - _ANNOTATIONS)
        if unknown:
            raise UnsupportedSchema(f"{where}: unsupported keyword(s) {', '.join(unknown)}")

        items: list[_Item] = []
        known: str | None = None  # the JSON type var is known to have from here on
        if "type" in schema:
            types = schema["type"]
            names = [types] if isinstance(types, str) else types
            if not isinstance(names, list) or not names or len(set(names)) != len(names):
                raise UnsupportedSchema(f"{where}: type {types!r}")
            for name in names:
                if name not in _TYPES:
                    raise UnsupportedSchema(f"{where}: type {name!r}")
            items += _type_checks(names, var)
            if len(names) == 1:
                known = names[0]

        def check(json_type: str, fail: str, ok: str) -> None:
            """A check of a keyword that applies only to values of ``json_type``."""
            if known == json_type or (json_type == "number" and known == "integer"):
                items.append(_Check(fail, ok))
            else:
                is_type, is_not_type = _guard(json_type, var)
                items.append(_Check(f"{is_type} and {fail}", f"{is_not_type} or {ok}"))

        for keyword in ("enum", "const"):
            if keyword not in schema:
                continue
            values = schema[keyword] if keyword == "enum" else [schema[keyword]]
            if not isinstance(values, list) or not values:
                raise UnsupportedSchema(f"{where}: {keyword} {values!r}")
            if len(values) == 1 and isinstance(values[0], str):
                items.append(
                    _Check(f"{var} != {_literal(values[0])}", f"{var} == {_literal(values[0])}")
                )
            elif all(isinstance(value, str) for value in values):
                members = self.string_set("ENUM", values)
                if known == "string":
                    items.append(_Check(f"{var} not in {members}", f"{var} in {members}"))
                else:  # a list or dict in an enum would not be hashable
                    items.append(
                        _Check(
                            f"not isinstance({var}, str) or {var} not in {members}",
                            f"isinstance({var}, str) and {var} in {members}",
                        )
                    )
            else:
                test = " or ".join(_equals(var, value) for value in values)
                items.append(_Check(f"not ({test})", test))

        for keyword, fail, ok in (("minLength", "<", ">="), ("maxLength", ">", "<=")):
            if keyword in schema:
                bound = self.count(schema, keyword, where)
                check("string", f"len({var}) {fail} {bound}", f"len({var}) {ok} {bound}")
        if "pattern" in schema:
            regex = self.constant("RE", f"re.compile({_literal(self.pattern(schema, where))})")
            check("string", f"{regex}.search({var}) is None", f"{regex}.search({var}) is not None")
        if "format" in schema:
            if schema["format"] != "date":
                raise UnsupportedSchema(f"{where}: format {schema['format']!r}")
            check("string", f"not _is_date({var})", f"_is_date({var})")

        for keyword, fail, ok in (("minimum", "<", ">="), ("maximum", ">", "<=")):
            if keyword in schema:
                bound = schema[keyword]
                if isinstance(bound, bool) or not isinstance(bound, int | float):
                    raise UnsupportedSchema(f"{where}: {keyword} {bound!r}")
                check("number", f"{var} {fail} {_literal(bound)}", f"{var} {ok} {_literal(bound)}")

        for keyword, fail, ok in (("minItems", "<", ">="), ("maxItems", ">", "<=")):
            if keyword in schema:
                bound = self.count(schema, keyword, where)
                check("array", f"len({var}) {fail} {bound}", f"len({var}) {ok} {bound}")
        if "items" in schema:
            items += self.array_items(schema["items"], var, where, known == "array")

        items += self.object_checks(schema, var, where, known == "object")
        return items

    def array_items(self, subschema: Any, var: str, where: str, known: bool) -> list[_Item]:
        if not isinstance(subschema, dict | bool):
            raise UnsupportedSchema(f"{where}: items must be one schema, not a list")
        if isinstance(subschema, dict) and "$ref" in subschema:
            target = self.ref(subschema, f"{where}/items")
            fail, ok = f"not all(map({target}, {var}))", f"all(map({target}, {var}))"
            if known:
                return [_Check(fail, ok)]
            is_type, is_not_type = _guard("array", var)
            return [_Check(f"{is_type} and {fail}", f"{is_not_type} or {ok}")]
        item = self.variable()
        inner = self.checks(subschema, item, f"{where}/items")
        if not inner:
            return []
        return self.when(known, var, "array", [f"for {item} in {var}:", *_indent(inner)])

    def object_checks(
        self, schema: dict[str, Any], var: str, where: str, known: bool
    ) -> list[_Item]:
        block: list[_Item] = []
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
            raise UnsupportedSchema(f"{where}: required {required!r}")
        if len(required) == 1:
            key = _literal(required[0])
            block.append(_Check(f"{key} not in {var}", f"{key} in {var}"))
        elif required:
            names = self.string_set("REQUIRED", required)
            block.append(_Check(f"not {var}.keys() >= {names}", f"{var}.keys() >= {names}"))

        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise UnsupportedSchema(f"{where}: properties must be an object")
        for name, subschema in properties.items():
            key, at = _literal(name), f"{where}/properties/{name}"
            counter = self._counter
            value = self.variable()
            inner = self.checks(subschema, value, at)
            if len(inner) == 1 and isinstance(inner[0], _Check):
                # One check: test the value in place, without a variable.
                self._counter = counter
                (single,) = self.checks(subschema, f"{var}[{key}]", at)
                assert isinstance(single, _Check)
                fail = f"({single.fail})" if " or " in single.fail else single.fail
                block.append(
                    _Check(f"{key} in {var} and {fail}", f"{key} not in {var} or {single.ok}")
                )
            elif inner:
                block += [f"if {key} in {var}:", f"    {value} = {var}[{key}]", *_indent(inner)]

        if "additionalProperties" in schema:
            extra = schema["additionalProperties"]
            names = self.string_set("KEYS", list(properties)) if properties else ""
            if extra is False:
                if names:
                    block.append(_Check(f"not {var}.keys() <= {names}", f"{var}.keys() <= {names}"))
                else:
                    block.append(_Check(f"len({var}) > 0", f"len({var}) == 0"))
            else:
                key = self.variable() if names else ""
                value = self.variable()
                inner = self.checks(extra, value, f"{where}/additionalProperties")
                if inner and names:
                    block += [
                        f"for {key}, {value} in {var}.items():",
                        f"    if {key} in {names}:",
                        "        continue",
                        *_indent(inner),
                    ]
                elif inner:
                    block += [f"for {value} in {var}.values():", *_indent(inner)]
        if "propertyNames" in schema:
            name = self.variable()
            inner = self.checks(schema["propertyNames"], name, f"{where}/propertyNames")
            if inner:
                block += [f"for {name} in {var}:", *_indent(inner)]
        return self.when(known, var, "object", block)

    @staticmethod
    def when(known: bool, var: str, json_type: str, block: list[_Item]) -> list[_Item]:
        """``block`` as is when var's type is known, else run only for values of that type."""
        if known or not block:
            return block
        return [f"if {_guard(json_type, var)[0]}:", *_indent(block)]

    def ref(self, schema: dict[str, Any], where: str) -> str:
        """The function a ``$ref`` names; draft-07 ignores its siblings, we refuse them."""
        siblings = sorted(set(schema) - {"$ref"} - _ANNOTATIONS)
        if siblings:
            raise UnsupportedSchema(
                f"{where}: {', '.join(siblings)} beside $ref (ignored by draft-07; use allOf)"
            )
        target = self._refs.get(schema["$ref"])
        if target is None:
            raise UnsupportedSchema(f"{where}: $ref {schema['$ref']!r} (only {_REF_PREFIX}...)")
        return target

    @staticmethod
    def pattern(schema: dict[str, Any], where: str) -> str:
        import re

        pattern = schema["pattern"]
        if not isinstance(pattern, str):
            raise UnsupportedSchema(f"{where}: pattern {pattern!r}")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UnsupportedSchema(f"{where}: pattern {pattern!r}: {exc}") from None
        return pattern

    @staticmethod
    def count(schema: dict[str, Any], keyword: str, where: str) -> int:
        value = schema[keyword]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UnsupportedSchema(f"{where}: {keyword} {value!r}")
        return value


_IS_DATE = '''
_DATE = re.compile(r"\\d{4}-\\d{2}-\\d{2}", re.ASCII)


def _is_date(text: str) -> bool:
    """jsonschema's date format: YYYY-MM-DD that datetime.date.fromisoformat accepts."""
    if _DATE.fullmatch(text) is None:
        return False
    year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
    if year < 1 or not 1 <= month <= 12 or day < 1:
        return False
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return day <= (29 if leap else 28)
    return day <= (30 if month in (4, 6, 9, 11) else 31)
'''


def generate(kinds: dict[str, Any] | None = None) -> str:
    """The source of the generated module for ``kinds`` (default: the shipped schemas)."""
    if kinds is None:
        from mentorjournal import schemas

        kinds = {kind: schemas.schema(kind) for kind in schemas.KINDS}
    generator = _Generator()
    roots = {kind: generator.kind(kind, schema) for kind, schema in kinds.items()}
    table = "".join(f"    {_literal(kind)}: {root},\n" for kind, root in roots.items())
    parts = [
        '"""GENERATED by mentorjournal/fastschema.py from schema/*.schema.json: do not edit.\n\n'
        "Regenerate after changing a schema with ``python -m mentorjournal.fastschema``;\n"
        "tests/test_fastschema.py fails while this file is out of date.\n"
        '"""\n\n'
        "import re\n\n",
        "".join(f"{constant}\n" for constant in generator.constants),
        _IS_DATE,
        *("\n\n" + function for function in generator.functions),
        f"\n\nVALIDATORS = {{\n{table}}}\n",
    ]
    return "".join(parts)


def generated_path() -> Path:
    from pathlib import Path

    return Path(__file__).with_name(GENERATED_NAME)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m mentorjournal.fastschema",
        description=f"Regenerate mentorjournal/{GENERATED_NAME} from the schemas.",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    path = generated_path()
    source = generate()
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if args.check:
        if current != source:
            print(f"{path} is out of date: run python -m mentorjournal.fastschema")
            return 1
        return 0
    if current != source:
        path.write_text(source, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
