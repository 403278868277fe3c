"""The content model (fields.csv) and the JSON Schema built from it."""

from __future__ import annotations

import csv

import pytest
from jsonschema import Draft202012Validator

from archive.content import model


def test_every_type_has_id_type_title_required():
    for type_name in model.TYPES:
        schema = model.json_schema(type_name)
        Draft202012Validator.check_schema(schema)
        assert {"id", "type", "title"} <= set(schema["required"])
        assert schema["additionalProperties"] is False


def test_table_rows_are_well_formed():
    with model.FIELDS_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seen = set()
    for row in rows:
        assert row["type"] in ("*",) + model.TYPES, row
        assert row["required"] in ("yes", "no") and row["header"] in ("yes", "no"), row
        assert (row["type"], row["field"]) not in seen, f"duplicate field {row['type']}.{row['field']}"
        seen.add((row["type"], row["field"]))
        assert row["label"] and row["help"], row


@pytest.mark.parametrize(
    "type_name, data, valid",
    [
        ("document", {"id": "a-b", "type": "document", "title": "T", "date": "1989-06-04"}, True),
        ("document", {"id": "a-b", "type": "document", "title": "T"}, False),  # date required
        ("document", {"id": "A_b", "type": "document", "title": "T", "date": "1989"}, False),
        ("source", {"id": "s", "type": "source", "title": "T", "csl_type": "webpage", "seen": "excerpt"}, True),
        ("source", {"id": "s", "type": "source", "title": "T", "csl_type": "webpage", "seen": "rumour"}, False),
        ("source", {"id": "s", "type": "source", "title": "T", "csl_type": "webpage", "seen": "excerpt",
                    "url": "javascript:alert(1)"}, False),
        ("person", {"id": "p", "type": "person", "title": "P", "roles": [{"role": "Director", "start": "1989"}]}, True),
        ("person", {"id": "p", "type": "person", "title": "P", "roles": [{"start": "1989"}]}, False),
        ("event", {"id": "e", "type": "event", "title": "E", "colour": "red"}, False),
    ],
)
def test_schema_accepts_and_refuses(type_name, data, valid):
    errors = list(Draft202012Validator(model.json_schema(type_name)).iter_errors(data))
    assert (not errors) == valid, errors


def test_field_lookup_and_relations():
    originator = model.field("document", "originator")
    assert originator.is_relation and originator.targets == ("person", "organization")
    assert model.field("document", "title").type == "*"
    assert model.field("person", "date") is None
