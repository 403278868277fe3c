"""The site's identity is written once (CITATION.cff), and every page of the record says when it was last revised."""

from __future__ import annotations

import json

from conftest import ROOT
from lxml import etree

from archive.citation.versions import read_identity, revision_dates
from archive.content import dates

IDENTITY = read_identity(ROOT / "CITATION.cff")


def test_name_and_description_come_from_citation_cff_everywhere(fixture_site):
    home = fixture_site.html("")
    assert home.find("meta", attrs={"name": "description"})["content"] == IDENTITY.description
    assert home.select_one("article h1").get_text(strip=True).rstrip("¶") == IDENTITY.name
    assert home.select_one("article h1 + p").get_text() == IDENTITY.description  # the same text, not a second one
    assert home.find("meta", property="og:site_name")["content"] == IDENTITY.name
    assert home.select_one(".md-header__topic .md-ellipsis").get_text(strip=True) == IDENTITY.name
    graph = json.loads(home.find("script", type="application/ld+json").string)["@graph"]
    assert {node["description"] for node in graph} == {IDENTITY.description}
    feed = etree.fromstring((fixture_site.site / "feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}title").text == IDENTITY.name and IDENTITY.description in feed.find(f"{atom}subtitle").text
    package = json.loads((fixture_site.site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == IDENTITY.name and package["version"] == IDENTITY.version
    page = fixture_site.html("documents/doc-memo/")
    assert page.find("meta", attrs={"name": "DCTERMS.publisher"})["content"] == IDENTITY.name
    (item,) = json.loads((fixture_site.site / "documents" / "doc-memo" / "doc-memo.json").read_text(encoding="utf-8"))
    assert item["author"] == [{"literal": IDENTITY.editors}]


def test_every_page_of_the_record_shows_its_last_revision(fixture_site):
    corpus = fixture_site.result.corpus
    expected = revision_dates(fixture_site.docs, corpus.entities)  # from git, else the file's date
    for entity in corpus.entities:
        shown = fixture_site.html(entity.url_path).select_one(".md-source-file time")
        assert shown is not None, entity.id
        assert shown["datetime"] == expected[entity.id], entity.id
        assert shown.get_text() == dates.parse(expected[entity.id]).human(), entity.id
    assert fixture_site.html("documents/").select_one(".md-source-file") is None  # a generated index: no date
