"""The content model: types.csv defines the entity types, fields.csv every type's fields.

Validation (via the JSON Schema built here), page headers, meta tags, citation records and
data exports all read the same `Field` objects, so a field is described in exactly one place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from archive.content.kinds import KINDS, Kind

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
    index_note: str = ""  # what a reader of the type's index needs to know to read it (its supplied titles)


def _parse_type(row: dict[str, str]) -> EntityType:
    columns = tuple(tuple(c.split(":", 1)) for c in row["index_columns"].split("|"))
    return EntityType(
        name=row["type"], folder=row["folder"], singular=row["singular"], plural=row["plural"],
        schema_org=row["schema_org"], index_columns=columns, index_sort=row["index_sort"],
        timeline=row["timeline"] == "yes", citations=row["citations"], print_order=int(row["print_order"]),
        table=row["table"] == "yes", browse=row["browse"] == "yes", index_note=row.get("index_note", ""),
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


# --- Fields named by a rule -------------------------------------------------------------
# Every other field is handled through its kind (kinds.py) alone; these are the ones some rule of
# the engine is about by name.
DATE = "date"  # the date of a dated page
START, END = "start", "end"  # a span instead of one date (an event's, a file's): end not before start
EVENT_DATES = (DATE, START, END)  # an event's date or span: one "Date" row of its header
ORIGINAL_NAMES = ("name_original", "title_original")  # an index's "original" column: the first given
TITLE_ORIGINAL = "title_original"  # a source is cited under the title it was published with
PLAIN_TEXTS = ("title", TITLE_ORIGINAL, "summary")  # one-line texts printed as they are: no raw HTML
SUMMARY = "summary"  # meta description and index text: no citations
TAGS = "tags"  # topic labels, printed as they are by Material's tags: no markup at all
PLACE = "place"  # where an event happened: a schema.org Place
ORDER = "order"  # an essay's position
NUMBER = "number"  # an archival file's number
FORMERLY = "formerly"  # ids the page was published under before: each a redirect, never reused
TEXT_SEEN_IN = "text_seen_in"  # a document's published text; a page without it says the original was not seen
FILE = "file"  # the archival file a document sits in
HOLDERS = ("archive_holder", "holder")  # who holds a document or a file; a document without one, its file's
LANGUAGE = "language"  # the language of a document or source: its text in Chinese characters is marked so


@dataclass(frozen=True)
class Field:
    type: str  # entity type, or "*" for every type
    name: str
    kind: str  # its name in fields.csv: one of kinds.KINDS
    targets: tuple[str, ...]  # allowed target types for ref/refs (empty = any)
    options: tuple[str, ...]  # allowed values for enum; for type, the types of types.csv
    required: bool
    header: bool  # shown in the rendered page header
    label: str
    dc: str
    schema_org: str
    csl: str
    help: str
    inverse: str  # heading of the list of pages pointing here through this field, shown on the target page
    labels: tuple[tuple[str, str], ...] = ()  # an enum's (value, label a reader is shown): `enum:value=Label|...`

    def label_of(self, value: str) -> str:
        """How a value is shown to a reader: its label where fields.csv gives one, else the value."""
        return dict(self.labels).get(value, value)

    @property
    def form(self) -> Kind:
        """What the field's kind is in every form: schema, header, metadata, exports, checks."""
        return KINDS[self.kind]

    @property
    def is_relation(self) -> bool:
        return self.form.is_relation


def _parse_row(row: dict[str, str]) -> Field:
    kind, _, arg = row["kind"].partition(":")
    if kind not in KINDS:
        raise ValueError(f"fields.csv: unknown kind {kind!r} for field {row['field']!r}")
    # An enum's options may carry the label a page shows: enum:article-newspaper=Newspaper article|...
    options = [a.partition("=") for a in arg.split("|") if a]
    arg_values = tuple(value for value, _, _ in options)
    form = KINDS[kind]
    return Field(
        type=row["type"],
        name=row["field"],
        kind=kind,
        targets=arg_values if form.is_relation else (),
        options=TYPES if kind == "type" else arg_values if kind == "enum" else (),
        required=row["required"] == "yes",
        header=row["header"] == "yes",
        label=row["label"],
        dc=row["dc"],
        schema_org=row["schema_org"],
        csl=row["csl"],
        help=row["help"],
        inverse=row["inverse"],
        labels=tuple((value, label) for value, _, label in options if label),
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


@lru_cache(maxsize=None)
def json_schema(type_name: str) -> dict:
    """JSON Schema (draft 2020-12) for the front matter of one entity type."""
    fields = fields_for(type_name)
    props = {f.name: {**f.form.schema(f), "description": f.help} for f in fields}
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
