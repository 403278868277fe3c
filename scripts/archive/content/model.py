"""The content model: types.csv defines the entity types, fields.csv every type's fields.

Validation (via the JSON Schema built here), page headers, meta tags, citation records and
data exports all read the same `Field` objects, so a field is described in exactly one place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FIELDS_CSV = Path(__file__).with_name("fields.csv")

TYPES_CSV = Path(__file__).with_name("types.csv")


@dataclass(frozen=True)
class EntityType:
    """One row of types.csv: what a type of page is, apart from its fields (those are in fields.csv)."""

    name: str
    folder: str  # under docs/ and in the URL; part of the permanent URL
    singular: str
    plural: str
    schema_org: str  # schema.org type of the page's subject
    index_columns: tuple[tuple[str, str], ...]  # (heading, column) of the type's index table
    index_sort: str  # date, order, title or number
    timeline: bool
    citations: str  # required: must cite and every paragraph cited; paragraphs: every paragraph; none
    print_order: int  # position of the type on the whole-record page
    table: bool  # published as a CSV table in the open data
    browse: bool  # listed under "Browse" on the home page


def _parse_type(row: dict[str, str]) -> EntityType:
    columns = tuple(tuple(c.split(":", 1)) for c in row["index_columns"].split("|"))
    return EntityType(
        name=row["type"], folder=row["folder"], singular=row["singular"], plural=row["plural"],
        schema_org=row["schema_org"], index_columns=columns, index_sort=row["index_sort"],
        timeline=row["timeline"] == "yes", citations=row["citations"], print_order=int(row["print_order"]),
        table=row["table"] == "yes", browse=row["browse"] == "yes",
    )


with TYPES_CSV.open(encoding="utf-8", newline="") as _handle:
    ENTITY_TYPES: dict[str, EntityType] = {row["type"]: _parse_type(row) for row in csv.DictReader(_handle)}

TYPES = tuple(ENTITY_TYPES)
FOLDERS = {t.name: t.folder for t in ENTITY_TYPES.values()}
PLURAL_LABELS = {t.name: t.plural for t in ENTITY_TYPES.values()}
SINGULAR_LABELS = {t.name: t.singular for t in ENTITY_TYPES.values()}
SCHEMA_ORG_TYPES = {t.name: t.schema_org for t in ENTITY_TYPES.values()}


def types_where(predicate) -> tuple[str, ...]:
    return tuple(t.name for t in ENTITY_TYPES.values() if predicate(t))


SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
MAX_TEXT = 2000  # a front-matter string longer than this is a mistake, not a title


@dataclass(frozen=True)
class Field:
    type: str  # entity type, or "*" for every type
    name: str
    kind: str  # slug, type, text, strings, refs, ref, slugs, date, lang, url, int, enum, names, roles, discrepancies
    targets: tuple[str, ...]  # allowed target types for ref/refs (empty = any)
    options: tuple[str, ...]  # allowed values for enum
    required: bool
    header: bool  # shown in the rendered page header
    label: str
    dc: str
    schema_org: str
    csl: str
    help: str
    inverse: str  # heading of the list of pages pointing here through this field, shown on the target page

    @property
    def is_relation(self) -> bool:
        return self.kind in ("ref", "refs")


def _parse_row(row: dict[str, str]) -> Field:
    kind, _, arg = row["kind"].partition(":")
    arg_values = tuple(a for a in arg.split("|") if a)
    return Field(
        type=row["type"],
        name=row["field"],
        kind=kind,
        targets=arg_values if kind in ("ref", "refs") else (),
        options=arg_values if kind == "enum" else (),
        required=row["required"] == "yes",
        header=row["header"] == "yes",
        label=row["label"],
        dc=row["dc"],
        schema_org=row["schema_org"],
        csl=row["csl"],
        help=row["help"],
        inverse=row["inverse"],
    )


@lru_cache(maxsize=1)
def all_fields() -> tuple[Field, ...]:
    with FIELDS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(_parse_row(row) for row in csv.DictReader(handle))


@lru_cache(maxsize=None)
def fields_for(type_name: str) -> tuple[Field, ...]:
    """Fields of one type: the common ones first, then the type's own, in table order."""
    return tuple(f for f in all_fields() if f.type in ("*", type_name))


def field(type_name: str, name: str) -> Field | None:
    for f in fields_for(type_name):
        if f.name == name:
            return f
    return None


# --- JSON Schema, built from the table -------------------------------------------------

_TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}
_SLUG = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 120}
_DATE = {"type": "string", "pattern": DATE_PATTERN}


def _kind_schema(f: Field) -> dict:
    if f.kind == "slug":
        return dict(_SLUG)
    if f.kind == "type":
        return {"type": "string", "enum": list(TYPES)}
    if f.kind == "text":
        return dict(_TEXT)
    if f.kind == "strings":
        return {"type": "array", "items": dict(_TEXT)}
    if f.kind in ("refs", "slugs"):
        return {"type": "array", "items": dict(_SLUG), "uniqueItems": True}
    if f.kind == "ref":
        return dict(_SLUG)
    if f.kind == "date":
        return dict(_DATE)
    if f.kind == "lang":
        return {"type": "string", "pattern": LANG_PATTERN}
    if f.kind == "url":
        return {"type": "string", "pattern": r"^https?://[^\s<>\"]+$", "maxLength": MAX_TEXT}
    if f.kind == "int":
        return {"type": "integer"}
    if f.kind == "enum":
        return {"type": "string", "enum": list(f.options)}
    if f.kind == "names":
        name = {
            "type": "object",
            "properties": {"family": dict(_TEXT), "given": dict(_TEXT), "literal": dict(_TEXT)},
            "additionalProperties": False,
            "anyOf": [{"required": ["family"]}, {"required": ["literal"]}],
        }
        return {"type": "array", "items": name, "minItems": 1}
    if f.kind == "roles":
        role = {
            "type": "object",
            "properties": {"role": dict(_TEXT), "org": dict(_SLUG), "start": dict(_DATE), "end": dict(_DATE)},
            "required": ["role"],
            "additionalProperties": False,
        }
        return {"type": "array", "items": role}
    if f.kind == "discrepancies":
        item = {
            "type": "object",
            "properties": {k: dict(_TEXT) for k in ("topic", "claim", "evidence", "verdict")},
            "required": ["topic", "claim", "evidence", "verdict"],
            "additionalProperties": False,
        }
        return {"type": "array", "items": item, "minItems": 1}
    raise ValueError(f"fields.csv: unknown kind {f.kind!r} for field {f.name!r}")


@lru_cache(maxsize=None)
def json_schema(type_name: str) -> dict:
    """JSON Schema (draft 2020-12) for the front matter of one entity type."""
    fields = fields_for(type_name)
    props = {f.name: {**_kind_schema(f), "description": f.help} for f in fields}
    props["type"] = {"const": type_name, "description": "Entity type."}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"schemas/{type_name}.schema.json",
        "title": SINGULAR_LABELS[type_name],
        "type": "object",
        "properties": props,
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }
