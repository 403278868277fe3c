"""archive/content/schemas.py: the compiled check and jsonschema's errors agree, on the model's own schemas."""

from __future__ import annotations

import copy

from jsonschema import Draft202012Validator

from archive.content import model, schemas
from archive.content.read import load
from conftest import FIXTURE_DOCS


def test_the_compiled_check_agrees_with_jsonschema_on_every_fixture_page_and_a_broken_copy():
    for entity in load(FIXTURE_DOCS).entities:
        schema = model.json_schema(entity.type)
        checker, reference = schemas.Checker(schema), Draft202012Validator(schema)
        broken = {**copy.deepcopy(entity.data), "nickname": "x", "title": ""}
        for data in (entity.data, broken):
            assert checker.is_valid(data) == reference.is_valid(data), entity.id
            assert [e.message for e in checker.errors(data)] == [e.message for e in reference.iter_errors(data)], entity.id


def test_a_field_removed_from_the_model_is_refused():
    page = {"id": "doc-a", "type": "document", "title": "A", "date": "1989-06-04", "summary": "S"}
    schema = model.json_schema("document")
    narrowed = copy.deepcopy(schema)
    del narrowed["properties"]["summary"]
    assert schemas.Checker(schema).is_valid(page) and not schemas.Checker(narrowed).is_valid(page)
