"""Open data as published: archive.json against its JSON Schema, the CSV tables through Frictionless,
the per-type schemas, and the Data page that explains every field."""

from __future__ import annotations

import copy
import csv
import json

from conftest import FIXTURE_DOCS
from frictionless import Package, validate
from jsonschema import Draft202012Validator

from archive.content.read import load
from archive.content.model import FOLDERS, SINGULAR_LABELS, TYPES, all_fields, fields_for, json_schema


def _data(site, name: str):
    return json.loads((site.site / "data" / name).read_text(encoding="utf-8"))


def test_archive_json_validates_against_its_published_schema(fixture_site):
    archive = _data(fixture_site, "archive.json")
    schema = _data(fixture_site, "schemas/archive.schema.json")
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(archive)
    corpus = load(FIXTURE_DOCS)
    assert sorted(e["id"] for e in archive["entities"]) == sorted(e.id for e in corpus.entities)
    memo = next(e for e in archive["entities"] if e["id"] == "doc-memo")
    assert memo["record"]["title_original"] == "会談についてのメモ"
    assert memo["url"].endswith("/documents/doc-memo/")
    assert "[[person-a|Mr Example]]" in memo["body"]
    assert {"from": "doc-memo", "field": "events", "to": "event-meeting"} in archive["relations"]
    assert {"from": "doc-memo", "field": "link", "to": "person-a"} in archive["relations"]
    assert {"from": "doc-memo", "source": "src-alpha", "locator": "para. 1", "line": 19} in archive["citations"]


def test_archive_schema_rejects_a_bad_record(fixture_site):
    archive = _data(fixture_site, "archive.json")
    validator = Draft202012Validator(_data(fixture_site, "schemas/archive.schema.json"))
    broken = copy.deepcopy(archive)
    next(e for e in broken["entities"] if e["id"] == "doc-memo")["record"]["date"] = "June 1989"
    assert list(validator.iter_errors(broken))
    broken = copy.deepcopy(archive)
    broken["relations"].append({"from": "doc-memo", "field": "events"})
    assert list(validator.iter_errors(broken))


def test_per_type_schemas_are_the_model(fixture_site):
    for type_name in TYPES:
        assert _data(fixture_site, f"schemas/{type_name}.schema.json") == json_schema(type_name)


def test_datapackage_is_valid_frictionless(fixture_site):
    report = validate(str(fixture_site.site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(fixture_site.site / "data" / "datapackage.json"))
    corpus = load(FIXTURE_DOCS)
    for type_name in ("document", "event"):
        resource = package.get_resource(FOLDERS[type_name])
        rows = resource.read_rows()
        assert sorted(r["id"] for r in rows) == sorted(e.id for e in corpus.of_type(type_name))
    with (fixture_site.site / "data" / "events.csv").open(encoding="utf-8") as handle:
        meeting = next(r for r in csv.DictReader(handle) if r["id"] == "event-meeting")
    assert meeting["participants"] == "person-a; org-ministry"
    assert (meeting["start"], meeting["end"], meeting["place"]) == ("1989-06-03", "1989-06-05", "Tokyo")


def test_datapackage_validation_can_fail(fixture_site, tmp_path):
    for name in ("datapackage.json", "events.csv"):
        (tmp_path / name).write_bytes((fixture_site.site / "data" / name).read_bytes())
    (tmp_path / "documents.csv").write_text("id,url\n,x\n", encoding="utf-8")  # wrong columns, missing id
    (tmp_path / "archive.json").write_text("{}", encoding="utf-8")
    assert not validate(str(tmp_path / "datapackage.json")).valid


def test_data_page_explains_every_field(fixture_site):
    page = fixture_site.html("data/")
    text = page.find("article").get_text(" ")
    for f in all_fields():
        assert f.help.split(":")[0][:40] in text, f.name
    for type_name in TYPES:
        table = page.find("h2", id=f"{SINGULAR_LABELS[type_name].lower().replace(' ', '-')}-fields").find_next("table")
        names = [row.find("td").get_text() for row in table.find_all("tr")[1:]]
        assert names == [f.name for f in fields_for(type_name)]
    for link in page.find("article").find_all("a", href=True):
        href = link["href"]
        if not href.startswith(("http", "#")) and not href.endswith("/"):
            assert (fixture_site.site / "data" / href).is_file(), href
