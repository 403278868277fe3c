"""Field kinds (archive/content/kinds.py): every kind of fields.csv is registered, and a value inside a
record is judged by the kind of its part."""

from __future__ import annotations

import csv

import pytest

from archive.content import graph, kinds, model
from archive.content.read import load
from archive.content.validate import validate


def test_every_kind_in_the_table_is_registered():
    with model.FIELDS_CSV.open(encoding="utf-8") as handle:
        used = {row["kind"].partition(":")[0] for row in csv.DictReader(handle)}
    assert used <= set(kinds.KINDS)
    assert all(name == kind.name for name, kind in kinds.KINDS.items())


def test_an_unknown_kind_is_refused():
    row = {"type": "*", "field": "colour", "kind": "colour", "required": "no", "header": "no", "label": "Colour",
           "dc": "", "schema_org": "", "csl": "", "help": "A colour.", "inverse": ""}
    with pytest.raises(ValueError, match="unknown kind 'colour' for field 'colour'"):
        model._parse_row(row)


def test_the_parts_of_a_role_have_their_own_kinds():
    roles = model.field("person", "roles").form
    assert roles.part((0, "org")).pattern_error == kinds.KINDS["slug"].pattern_error
    assert roles.part((0, "start")).pattern_error == kinds.KINDS["date"].pattern_error
    assert roles.part((0, "start")).type_error("string", 1989).startswith("a date must be a quoted string")


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('start: "1989"', 'start: "1989-6"', "roles.0.start: '1989-6' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("org: org-ministry", "org: Org_Ministry", "roles.0.org: 'Org_Ministry' is not a valid id (lowercase a-z, 0-9 and single hyphens)"),
    ],
)
def test_a_role_value_of_the_wrong_form_is_named_by_its_kind(corpus_copy, old, new, message):
    path = corpus_copy / "people" / "person-a.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    messages = [e.message for e in validate(load(corpus_copy)) if e.path.endswith("person-a.md")]
    assert message in messages


def test_relations_include_a_role_organisation(corpus_copy):
    person = next(e for e in load(corpus_copy).entities if e.id == "person-a")
    assert [(spec.name, target) for spec, target in graph.relations(person)] == [("roles", "org-ministry")]
