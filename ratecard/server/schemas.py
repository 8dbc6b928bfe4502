"""OpenAPI schemas of the typed rows, from their dataclass fields: the JSON the API really sends.

Written from the annotations as text rather than through pydantic: the rows are plain frozen
dataclasses (one has a field named ``date``), and their JSON is :func:`ratecard.output.plain`'s,
where a Decimal is a decimal string.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ratecard.rows import name_of

_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "Decimal": {"type": "string", "description": 'exact decimal, e.g. "0.075"'},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "list[str]": {"type": "array", "items": {"type": "string"}},
    "list[dict[str, Any]]": {"type": "array", "items": {"type": "object"}},
}


def annotation_schema(annotation: str) -> dict[str, Any]:
    """``Decimal | None`` -> a string schema that may be null; unknown types are left open."""
    parts = [p.strip() for p in annotation.split("|")]
    nullable = "None" in parts
    kinds = [p for p in parts if p != "None"]
    schema = dict(_TYPES.get(kinds[0], {})) if len(kinds) == 1 else {}
    if nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


def row_schema(row_type: type) -> dict[str, Any]:
    """The JSON object of one row: its output names (``valid_from`` is ``from``) and their types."""
    props = {name_of(f): annotation_schema(str(f.type)) for f in fields(row_type)}
    return {"type": "object", "title": row_type.__name__, "properties": props, "required": list(props)}
