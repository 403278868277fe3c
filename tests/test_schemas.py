"""The cache of compiled schemas (archive/schemas.py) can never check content against an old schema."""

from __future__ import annotations

import copy

import fastjsonschema
import pytest

from archive.content import model

from archive.content import schemas

VALUE = {"x": 1}
STRING_X = {"type": "object", "properties": {"x": {"type": "string"}}}
INTEGER_X = {"type": "object", "properties": {"x": {"type": "integer"}}}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache directory; `fresh()` forgets what this process compiled, as a new run would."""
    monkeypatch.setattr(schemas, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(schemas, "_checks", {})
    return tmp_path


def fresh():
    schemas._checks.clear()


def test_a_changed_schema_is_not_checked_with_the_cached_code_of_the_old_one(cache):
    assert not schemas.Checker(STRING_X).is_valid(VALUE)
    assert len(list(cache.iterdir())) == 1  # compiled and kept
    fresh()
    assert schemas.Checker(INTEGER_X).is_valid(VALUE)
    fresh()
    assert not schemas.Checker(STRING_X).is_valid(VALUE)  # the old schema's cached code is still its own
    assert len(list(cache.iterdir())) == 2


def test_an_entry_made_for_another_schema_is_never_run(cache):
    """Even under the file name of the current schema (a checksum collision, a copied cache)."""
    schemas.Checker(STRING_X)
    (entry,) = cache.iterdir()
    fresh()
    schemas.Checker(INTEGER_X)
    (current,) = set(cache.iterdir()) - {entry}
    current.write_bytes(entry.read_bytes())  # STRING_X's code where INTEGER_X's belongs
    fresh()
    assert schemas.Checker(INTEGER_X).is_valid(VALUE)


def test_a_field_removed_from_the_model_is_refused_after_a_cached_run(cache):
    page = {"id": "doc-a", "type": "document", "title": "A", "summary": "S"}
    schema = model.json_schema("document")

    def unknown_fields(checker):
        return [e.message for e in checker.errors(page) if e.validator == "additionalProperties"]

    assert unknown_fields(schemas.Checker(schema)) == []  # compiled and cached
    narrowed = copy.deepcopy(schema)
    del narrowed["properties"]["summary"]
    fresh()
    assert unknown_fields(schemas.Checker(narrowed)) != []


def test_the_cache_is_keyed_by_the_fastjsonschema_version(cache, monkeypatch):
    schemas.Checker(STRING_X)
    monkeypatch.setattr(fastjsonschema, "VERSION", fastjsonschema.VERSION + ".other")
    fresh()
    schemas.Checker(STRING_X)
    assert len(list(cache.iterdir())) == 2


def test_a_damaged_cache_file_is_rebuilt(cache):
    schemas.Checker(STRING_X)
    (cached,) = cache.iterdir()
    cached.write_bytes(b"not marshal data")
    fresh()
    assert not schemas.Checker(STRING_X).is_valid(VALUE)
    assert schemas.Checker(STRING_X).is_valid({"x": "y"})


def test_an_unwritable_cache_only_costs_time(cache, monkeypatch):
    monkeypatch.setattr(schemas, "CACHE_DIR", cache / "file" / "sub")
    (cache / "file").write_text("a file where the cache folder would be")
    assert not schemas.Checker(STRING_X).is_valid(VALUE)


def test_errors_come_from_jsonschema_only_for_invalid_values(cache):
    checker = schemas.Checker(STRING_X)
    assert checker.errors({"x": "y"}) == []
    (error,) = checker.errors(VALUE)
    assert (error.validator, list(error.absolute_path)) == ("type", ["x"])
