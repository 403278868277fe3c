"""Cite this page and head metadata, read back from the built HTML and downloads with real parsers."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from bs4 import BeautifulSoup
from conftest import FIXTURE_DOCS, ROOT, build_corpus
from jsonschema import Draft7Validator

from archive.citation import records
from archive.content.read import load
from archive.citation.versions import Release, read_identity

IDENTITY = read_identity(ROOT / "CITATION.cff")
EDITORS = IDENTITY.editors


def read_version() -> str:
    return IDENTITY.version

SITE_NAME = IDENTITY.name
CSL_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "csl-data.json").read_text())
# What the issue asks each kind of page to be in schema.org terms.
EXPECTED_SCHEMA_TYPES = {
    "document": "ArchiveComponent",
    "event": "Event",
    "person": "Person",
    "organization": "Organization",
    "source": "CreativeWork",
    "essay": "Article",
    "file": "ArchiveComponent",
}
FORMAT_LABELS = ["Chicago", "APA", "MLA", "BibTeX", "RIS", "CSL-JSON"]


def _meta(page: BeautifulSoup, name: str, attr: str = "name") -> list[str]:
    return [m["content"] for m in page.head.find_all("meta", attrs={attr: name})]


def _json_ld(page: BeautifulSoup) -> dict:
    scripts = page.head.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def _site_file(site, page: BeautifulSoup, url_path: str, href: str) -> Path:
    target = (site.site / url_path / href).resolve()
    target = target / "index.html" if href.endswith("/") else target
    assert target.is_file(), f"{url_path}: link {href} leads nowhere"
    return target


@pytest.fixture(scope="module")
def entities():
    return load(FIXTURE_DOCS).entities


def test_every_content_page_carries_every_tag(fixture_site, entities):
    version = read_version()
    for entity in entities:
        page = fixture_site.html(entity.url_path)
        where = entity.url_path
        canonical = page.head.find_all("link", rel="canonical")
        assert len(canonical) == 1, where
        url = canonical[0]["href"]
        assert url.endswith("/" + entity.url_path)
        # No Highwire Press: no page is a scholarly article with personal authors (README)
        assert not [m for m in page.head.find_all("meta") if m.get("name", "").startswith("citation_")], where
        # Dublin Core of the page itself
        assert _meta(page, "DCTERMS.title") == [entity.title], where
        assert _meta(page, "DCTERMS.identifier") == [url], where  # built unversioned: the one address
        (published,) = _meta(page, "DCTERMS.modified")
        assert _meta(page, "DCTERMS.date") == [published] and _meta(page, "DCTERMS.language") == ["en"], where
        assert page.head.find("link", rel="schema.DCTERMS") is not None
        # OpenGraph
        assert _meta(page, "og:title", "property") == [entity.title], where
        assert _meta(page, "og:url", "property") == [url], where
        assert _meta(page, "og:site_name", "property") == [SITE_NAME], where
        if entity.get("summary"):
            assert _meta(page, "og:description", "property") == [entity.get("summary")], where
        # schema.org JSON-LD: the page, and what it is about
        data = _json_ld(page)
        assert data["@context"] == "https://schema.org"
        by_type = {node["@type"]: node for node in data["@graph"]}
        assert by_type["WebPage"]["url"] == url and by_type["WebPage"]["version"] == version
        subject = by_type[EXPECTED_SCHEMA_TYPES[entity.type]]
        assert subject["name"] == entity.title
        assert by_type["WebPage"]["about"]["@id"] == subject["@id"]
        # The cite box: every format, the version, the revision date, this version's URL, the changelog
        box = page.find("section", id="cite-this-page")
        assert box is not None, where
        assert [dt.get_text() for dt in box.select_one("dl.cite-formats").find_all("dt")] == FORMAT_LABELS
        document = box.select_one("dl.cite-document")
        assert (document is not None) == (entity.type == "document"), where
        assert len(box.select("button.cite-copy[data-copy]")) == len(FORMAT_LABELS) + 4 * (document is not None)
        for button in box.select("button.cite-copy"):
            assert box.find(id=button["data-copy"]) is not None
        assert version in box.select_one(".cite-version").get_text()
        assert box.select_one(".cite-version time")["datetime"] == published
        assert box.select_one("a.cite-fixed").get_text() == "Cite this version"
        _site_file(fixture_site, page, entity.url_path, box.select_one("a.cite-changelog")["href"])


def test_event_and_document_json_ld(fixture_site):
    meeting = {n["@type"]: n for n in _json_ld(fixture_site.html("events/event-meeting/"))["@graph"]}["Event"]
    assert (meeting["startDate"], meeting["endDate"]) == ("1989-06-03", "1989-06-05")
    assert meeting["location"] == {"@type": "Place", "name": "Tokyo"}
    assert {a["name"] for a in meeting["attendee"]} == {"Taro Example", "Ministry of Examples"}
    year = {n["@type"]: n for n in _json_ld(fixture_site.html("events/event-year/"))["@graph"]}["Event"]
    assert year["startDate"] == "1988"
    memo = {n["@type"]: n for n in _json_ld(fixture_site.html("documents/doc-memo/"))["@graph"]}["ArchiveComponent"]
    assert memo["dateCreated"] == "1989-06-04"
    assert memo["creator"][0]["@type"] == "Organization" and memo["creator"][0]["name"] == "Ministry of Examples"
    home = _json_ld(fixture_site.html(""))
    types = {n["@type"] for n in home["@graph"]}
    assert types == {"WebSite", "Dataset"}
    dataset = {n["@type"]: n for n in home["@graph"]}["Dataset"]
    for download in dataset["distribution"]:
        path = download["contentUrl"].split("127.0.0.1:8000/", 1)[1]
        assert (fixture_site.site / path).is_file(), download


def _records(site, url_path: str) -> dict[str, str]:
    page = site.html(url_path)
    box = page.find("section", id="cite-this-page")
    out = {}
    for link in box.select_one("dl.cite-formats").select("a.cite-download"):  # the page's own, not the document's
        text = _site_file(site, page, url_path, link["href"]).read_bytes().decode("utf-8")
        # What the copy button copies is what the download holds (HTML reads a CRLF as a line feed).
        shown = link.find_parent("dd").find("pre").get_text()
        assert shown == text.replace("\r\n", "\n")
        out[link["href"].rsplit(".", 1)[1]] = text
    return out


def test_import_a_document_citation_into_reference_manager_formats(fixture_site):
    """A new user downloads the BibTeX, RIS and CSL-JSON of a document page and imports them."""
    page = fixture_site.html("documents/doc-memo/")
    box = page.find("section", id="cite-this-page")
    fixed_url = box.select_one("a.cite-fixed")["href"]
    revised = box.select_one(".cite-version time")["datetime"]
    title = "Memo on the meeting"
    records = _records(fixture_site, "documents/doc-memo/")
    assert set(records) == {"bib", "ris", "json"}

    library = bibtexparser.parse_string(records["bib"], append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {k: v.value for k, v in entry.fields_dict.items()}
    assert entry.key == "doc-memo" and entry.entry_type == "online"  # biblatex's web page, as Zotero reads it
    assert fields["title"] == title
    assert fields["url"] == fixed_url
    assert fields["date"] == revised
    assert fields["organization"] == SITE_NAME
    accessed = "-".join("%02d" % p for p in json.loads(records["json"])[0]["accessed"]["date-parts"][0])
    assert fields["urldate"] == accessed
    assert fields["author"] == EDITORS
    raw = bibtexparser.parse_string(records["bib"]).entries[0].fields_dict["author"].value
    assert raw == "{" + EDITORS + "}"  # braced: one corporate name, not "first last"
    assert fields["version"] == read_version()

    assert records["ris"].startswith("TY  - ELEC\r\n") and "\n" not in records["ris"].replace("\r\n", "")
    (ris,) = rispy.loads(records["ris"].replace("\r\n", "\n"))
    assert ris["access_date"] == accessed.replace("-", "/") + "/" and ris["edition"] == read_version()
    assert ris["type_of_reference"] == "ELEC"
    assert ris["title"] == title
    assert ris["urls"] == [fixed_url]
    assert ris["date"] == revised.replace("-", "/") + "/"
    assert ris["secondary_title"] == SITE_NAME
    assert ris["authors"] == [EDITORS]

    items = json.loads(records["json"])
    Draft7Validator(CSL_SCHEMA).validate(items)
    (item,) = items
    assert item["title"] == title and item["URL"] == fixed_url
    assert item["issued"]["date-parts"] == [[int(p) for p in revised.split("-")]]
    assert item["container-title"] == SITE_NAME
    assert item["author"] == [{"literal": EDITORS}]

    # The formatted citations name title, site, version and URL (Chicago and MLA title-case the title).
    for style in ("chicago", "apa", "mla"):
        text = box.find(id=f"cite-{style}").get_text()
        for expected in (title.lower(), SITE_NAME.lower(), fixed_url.lower()):
            assert expected in text.lower(), (style, expected, text)
    assert read_version() in box.find(id="cite-chicago").get_text()


def test_every_csl_json_download_is_valid_csl(fixture_site, entities):
    validator = Draft7Validator(CSL_SCHEMA)
    for entity in entities:
        items = json.loads(_records(fixture_site, entity.url_path)["json"])
        assert not list(validator.iter_errors(items)), entity.id
        assert items[0]["id"] == entity.id


def test_csl_schema_check_can_fail():
    bad = [{"id": "x", "type": "webpage", "title": "t", "issued": {"date-parts": [["1989", 6, 4, 1]]}}]
    assert list(Draft7Validator(CSL_SCHEMA).iter_errors(bad))


# Tags are refused by validation; what remains must still not break an attribute, a script or the text.
HOSTILE = '"Quoted" \'single\' & &amp; 1 < 2 > 0 x </script <!- end'


@pytest.fixture(scope="module")
def versioned_hostile_site(tmp_path_factory):
    """One build for two tests: the fixture corpus with hostile text in the memo's title and summary,
    built as a versioned release (neither test reads what the other changed)."""
    import shutil

    work = tmp_path_factory.mktemp("versioned-hostile")
    docs = work / "docs"
    shutil.copytree(FIXTURE_DOCS, docs)
    memo = docs / "documents" / "doc-memo.md"
    text = memo.read_text()
    assert 'title: "Memo on the meeting"' in text and "summary: A fixture memo." in text
    text = text.replace('title: "Memo on the meeting"', "title: " + json.dumps(HOSTILE))
    memo.write_text(text.replace("summary: A fixture memo.", "summary: " + json.dumps("Summary with \"quotes\" & 3 < 4")))
    release = Release(
        site_name=SITE_NAME,
        editors=EDITORS,
        version="9.8.7",
        canonical_base="https://archive.example.org/latest/",
        version_base="https://archive.example.org/9.8.7/",
        revised="2030-01-02",
    )
    return build_corpus(docs, work, release=release)


def test_values_are_escaped_in_head_and_cite_box(versioned_hostile_site):
    site = versioned_hostile_site
    raw = (site.site / "documents" / "doc-memo" / "index.html").read_text()
    page = BeautifulSoup(raw, "lxml")
    start = raw.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    json.loads(raw[start : raw.index("</script>", start)])  # the script element is not ended early
    assert "</" not in raw[start : raw.index("</script>", start)]
    assert _meta(page, "DCTERMS.title") == [HOSTILE] and _meta(page, "og:title", "property") == [HOSTILE]
    assert _meta(page, "og:description", "property") == ['Summary with "quotes" & 3 < 4']
    nodes = {n["@type"]: n for n in _json_ld(page)["@graph"]}
    assert nodes["WebPage"]["name"] == HOSTILE
    # citeproc-js makes the quotes typographic; the rest comes through as text, neither markup nor lost
    assert "“Quoted” ‘single’ & &amp; 1 < 2 > 0 x </script <!- end" in page.find(id="cite-apa").get_text()
    (entry,) = bibtexparser.parse_string(
        (site.site / "documents" / "doc-memo" / "doc-memo.bib").read_text(), append_middleware=[LatexDecodingMiddleware()]
    ).entries
    assert entry.fields_dict["title"].value == HOSTILE


def test_versioned_release_cites_the_fixed_snapshot(versioned_hostile_site):
    site = versioned_hostile_site
    page = site.html("documents/doc-memo/")
    assert page.head.find("link", rel="canonical")["href"] == "https://archive.example.org/latest/documents/doc-memo/"
    box = page.find("section", id="cite-this-page")
    assert box.select_one("a.cite-fixed")["href"] == "https://archive.example.org/9.8.7/documents/doc-memo/"
    assert "Version 9.8.7, last revised 2 January 2030" in box.select_one(".cite-version").get_text()
    (item,) = json.loads((site.site / "documents" / "doc-memo" / "doc-memo.json").read_text())
    assert item["URL"] == "https://archive.example.org/9.8.7/documents/doc-memo/"
    assert item["issued"] == {"date-parts": [[2030, 1, 2]]} and item["version"] == "9.8.7"


def test_page_shows_its_recorded_corrections(fixture_site):
    box = fixture_site.html("documents/doc-memo/").find("section", id="cite-this-page")
    corrections = box.select(".cite-corrections li")
    assert len(corrections) == 1
    assert corrections[0].time["datetime"] == "2024-03-02"
    assert "dated 4 June 1989" in corrections[0].get_text()
    other = fixture_site.html("documents/doc-later/").find("section", id="cite-this-page")
    assert other.select(".cite-corrections") == []


def test_citation_records_go_straight_into_the_site(fixture_site, entities):
    """The three records of each page are written into the site by the build (archive/citation/records.py,
    write_downloads), not as thousands of generated files that MkDocs copies one by one."""
    assert not [p for p in fixture_site.generated.rglob("*") if p.suffix in (".bib", ".ris")]
    assert not [p for p in fixture_site.generated.rglob(".*")]  # and no side file carries them
    for entity in entities:  # read from the built site, beside each page, through the cite box's links
        assert set(_records(fixture_site, entity.url_path)) == {"bib", "ris", "json"}, entity.id
