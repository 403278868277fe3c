"""Open data from the model, published with the site under data/: the whole archive as JSON, CSV
tables of documents and events, a JSON Schema per type, a Frictionless data package, and the page
that explains every field (its text is the `help` column of fields.csv)."""

from __future__ import annotations

import csv
import io
import json

from archive.citation.versions import Release
from archive.content import graph
from archive.content.kinds import DATE_PATTERN, SLUG_PATTERN
from archive.content.model import FOLDERS, SINGULAR_LABELS, TYPES, fields_for, json_schema, types_where
from archive.content.read import Corpus, Entity
from archive.pages.markdown import esc, front_matter

FOLDER = "data"
TABLES = types_where(lambda t: t.table)  # the types with a CSV table
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}


def _dump(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _records_file(head: dict, lists: dict[str, list[str]]) -> bytes:
    """A dict whose lists hold many records (each given as its JSON): one key per line and one record
    per line, so the file reads and diffs by record. json indents only with its pure-Python encoder,
    much slower on a large archive; one compact line per record keeps its C encoder."""
    lines = [f" {_json(k)}: {_json(v)}" for k, v in head.items()]
    lines += [f" {_json(k)}: " + ("[\n  " + ",\n  ".join(v) + "\n ]" if v else "[]") for k, v in lists.items()]
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def relations(entity: Entity) -> list[dict]:
    """Every id a page points at: through its fields (by field name), then through [[id]] links."""
    out = [{"from": entity.id, "field": spec.name, "to": target} for spec, target in graph.relations(entity)]
    out.extend({"from": entity.id, "field": "link", "to": target} for target in graph.wikilinks(graph.prose_texts(entity)))
    return out


def citations(entity: Entity) -> list[dict]:
    return [{"from": entity.id, "source": i.source, "locator": i.locator or None, "line": citation.line}
            for citation in graph.citations(entity) for i in citation.items]


def _rows(entity: Entity, url: str, revised: str) -> tuple[str, list[str], list[str]]:
    """One page's lines of archive.json: its entity record, its relations, its citations."""
    record = {"id": entity.id, "type": entity.type, "url": url, "revised": revised, "record": entity.data,
              "body": entity.body.strip("\n")}
    return _json(record), [_json(r) for r in relations(entity)], [_json(c) for c in citations(entity)]


def archive(corpus: Corpus, release: Release, revised: dict[str, str], memo=None) -> bytes:
    """archive.json: every page, relation and citation. `memo` (tree.Memo, the live preview's): each
    page's lines kept while the page, its revision date and the release are unchanged."""
    entities = sorted(corpus.entities, key=lambda e: (TYPES.index(e.type), e.id))
    rows = [memo(("open-data", e.id), [e, revised[e.id], release], _rows, e, release.canonical(e.url_path), revised[e.id])
            if memo is not None else _rows(e, release.canonical(e.url_path), revised[e.id]) for e in entities]
    head = {"$schema": "schemas/archive.schema.json", "name": release.site_name, "version": release.version,
            "url": release.canonical(""), "license": LICENSE["name"]}
    return _records_file(head, {"entities": [row[0] for row in rows], "relations": [r for row in rows for r in row[1]],
                                "citations": [c for row in rows for c in row[2]]})


def archive_schema() -> dict:
    """JSON Schema of archive.json; each record is checked against its type's front-matter schema."""
    slug = {"type": "string", "pattern": SLUG_PATTERN}
    defs = {t: {k: v for k, v in json_schema(t).items() if k not in ("$schema", "$id")} for t in TYPES}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "schemas/archive.schema.json",
        "title": "Japan 1989 Diplomatic Records Archive: all pages, relations and citations",
        "type": "object",
        "required": ["name", "version", "url", "license", "entities", "relations", "citations"],
        "properties": {
            "$schema": {"type": "string"},
            "name": {"type": "string"},
            "version": {"type": "string"},
            "url": {"type": "string"},
            "license": {"type": "string"},
            "entities": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "type", "url", "revised", "record", "body"],
                    "additionalProperties": False,
                    "properties": {
                        "id": slug,
                        "type": {"enum": list(TYPES)},
                        "url": {"type": "string", "format": "uri"},
                        "revised": {"type": "string", "pattern": DATE_PATTERN},
                        "record": {"oneOf": [{"$ref": f"#/$defs/{t}"} for t in TYPES]},
                        "body": {"type": "string", "description": "The page's authored Markdown, citations as [@source-id]."},
                    },
                },
            },
            "relations": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["from", "field", "to"], "additionalProperties": False,
                    "properties": {"from": slug, "field": {"type": "string"}, "to": slug},
                },
            },
            "citations": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["from", "source", "locator", "line"], "additionalProperties": False,
                    "properties": {"from": slug, "source": slug, "locator": {"type": ["string", "null"]}, "line": {"type": "integer"}},
                },
            },
        },
        "$defs": defs,
    }


def _columns(type_name: str):
    return [f for f in fields_for(type_name) if f.form.in_table]


def table(entities: list[Entity], type_name: str, release: Release) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = _columns(type_name)
    writer.writerow([f.name for f in columns] + ["url"])
    for entity in sorted(entities, key=lambda e: e.id):
        writer.writerow([f.form.cell(entity.get(f.name)) for f in columns] + [release.canonical(entity.url_path)])
    return out.getvalue().encode("utf-8")


def _table_schema(type_name: str) -> dict:
    fields = []
    for f in _columns(type_name):
        spec = {"name": f.name, "title": f.label, "description": f.help, "type": f.form.table_type}
        if f.required:
            spec["constraints"] = {"required": True}
        if f.form.table_pattern:
            spec["constraints"] = {**spec.get("constraints", {}), "pattern": f.form.table_pattern}
        if f.form.several:
            spec["description"] += " (several values are separated by '; ')"
        fields.append(spec)
    fields.append({"name": "url", "title": "URL", "type": "string", "format": "uri", "description": "The page's permanent URL."})
    return {"fields": fields, "primaryKey": ["id"]}


def datapackage(release: Release) -> dict:
    resources = [
        {
            "name": f"{FOLDERS[t]}",
            "title": f"{SINGULAR_LABELS[t]} pages",
            "path": f"{FOLDERS[t]}.csv",
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": _table_schema(t),
        }
        for t in TABLES
    ]
    resources.append(
        {
            "name": "archive",
            "title": "All pages, relations and citations",
            "description": "Validated by schemas/archive.schema.json (JSON Schema 2020-12).",
            "path": "archive.json",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
        }
    )
    return {
        "name": "japan-1989-diplomatic-records-archive",
        "title": release.site_name,
        "version": release.version,
        "homepage": release.canonical(""),
        "licenses": [LICENSE],
        "contributors": [{"title": release.editors, "role": "author"}],
        "resources": resources,
    }


DISTRIBUTIONS = (
    (f"{FOLDER}/archive.json", "application/json", "All pages, relations and citations"),
    *((f"{FOLDER}/{FOLDERS[t]}.csv", "text/csv", f"{SINGULAR_LABELS[t]} table") for t in TABLES),
    (f"{FOLDER}/datapackage.json", "application/json", "Frictionless data package"),
)


def data_page(release: Release) -> str:
    """The "Data" page: what is published and what every field means (from fields.csv)."""
    out = [
        front_matter({"title": "Data", "generated": True}),
        "# Data\n\n",
        f"Everything in the archive is published as open data (licence {LICENSE['title']}), generated from the same "
        f"model as the pages, for version {esc(release.version)}:\n\n",
        "- [archive.json](archive.json): every page with its fields, its text, its relations and its citations;\n"
        "  checked by [schemas/archive.schema.json](schemas/archive.schema.json).\n",
        *(f"- [{FOLDERS[t]}.csv]({FOLDERS[t]}.csv): one row per {t} page.\n" for t in TABLES),
        "- [datapackage.json](datapackage.json): a [Frictionless](https://frictionlessdata.io/) data package "
        "describing the tables.\n",
        "- One JSON Schema per type of page: "
        + ", ".join(f"[{t}](schemas/{t}.schema.json)" for t in TYPES)
        + ".\n\n",
        "In the tables, several values in one cell are separated by `; `; relations hold page ids, and a page's URL is "
        "its permanent address. Dates are ISO 8601 at the precision the sources give (`1989`, `1989-06`, `1989-06-04`).\n\n",
    ]
    for t in TYPES:
        out.append(f"## {SINGULAR_LABELS[t]} fields\n\n| Field | Label | Required | Dublin Core | schema.org | Meaning |\n|---|---|---|---|---|---|\n")
        for f in fields_for(t):
            out.append(
                f"| `{f.name}` | {esc(f.label)} | {'yes' if f.required else ''} | {esc(f.dc)} | {esc(f.schema_org)} | {esc(f.help)} |\n"
            )
        out.append("\n")
    return "".join(out)


def files(corpus: Corpus, release: Release, revised: dict[str, str], memo=None) -> dict[str, bytes]:
    """Generated-tree path -> bytes of every data file (`memo`: see archive())."""
    out = {f"{FOLDER}/archive.json": archive(corpus, release, revised, memo)}
    out[f"{FOLDER}/schemas/archive.schema.json"] = _dump(archive_schema())
    for t in TYPES:
        out[f"{FOLDER}/schemas/{t}.schema.json"] = _dump(json_schema(t))
    for t in TABLES:
        out[f"{FOLDER}/{FOLDERS[t]}.csv"] = table(corpus.of_type(t), t, release)
    out[f"{FOLDER}/datapackage.json"] = _dump(datapackage(release))
    return out
