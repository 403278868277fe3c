"""The real record as the tools scholars use read it: citeproc-js (the CSL processor of Zotero and
Mendeley) formats every page's published CSL-JSON with the official styles, and Zotero's Embedded
Metadata rules (tests/support/zotero.py, from zotero/translators) read each page type's head."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup
from support import citeproc_js, zotero

from archive.citation.versions import read_identity
from conftest import ROOT

IDENTITY = read_identity(ROOT / "CITATION.cff")


def test_every_cite_box_agrees_with_citeproc_js(real_site):
    total, pages_equal, strings_equal, differ = citeproc_js.compare(real_site.site)
    assert total == len(real_site.result.corpus.entities)
    assert differ == [], differ[:3]
    assert pages_equal == total and strings_equal == 3 * total


def test_cite_the_document_itself_agrees_with_citeproc_js(real_site):
    """A document page's second record, the 1989 document as an archival item, from its front matter only."""
    documents = [e for e in real_site.result.corpus.entities if e.type == "document"]
    shown, items = {}, []
    for entity in documents:
        page = real_site.html(entity.url_path)
        link = page.select_one("dl.cite-document a.cite-download")
        (item,) = json.loads((real_site.site / entity.url_path / link["href"]).read_text(encoding="utf-8"))
        assert item["type"] == "manuscript" and item["id"] != entity.id
        # Nothing the page does not state: the originators are the page's, the date is the page's date.
        assert [a["literal"] for a in item.get("author", [])] == [
            real_site.result.corpus.by_id()[o].title for o in entity.get("originator") or []]
        assert item.get("issued", {}).get("date-parts") == ([[int(p) for p in entity.get("date").split("-")]]
                                                            if entity.get("date") else None)
        assert "URL" not in item and "archive" not in item  # no archive is named in the front matter
        items.append(item)
        shown[item["id"]] = {s: citeproc_js.canonical(page.find(id=f"cite-document-{s}").decode_contents())
                             for s in ("chicago", "apa", "mla")}
    rendered = citeproc_js.render(items) | {"chicago": citeproc_js.first_notes(items)}  # Chicago: the first note
    for item in items:
        for style in ("chicago", "apa", "mla"):
            assert shown[item["id"]][style] == citeproc_js.canonical(rendered[style][item["id"]]), (item["id"], style)


def _zotero(real_site, url_path: str) -> tuple[dict, BeautifulSoup]:
    raw = (real_site.site / url_path / "index.html").read_text(encoding="utf-8")
    return zotero.saved_item(raw), BeautifulSoup(raw, "lxml")


def test_zotero_saves_every_page_type_as_a_web_page_of_the_archive(real_site):
    kinds = set()
    for entity in real_site.result.corpus.entities:
        saved, page = _zotero(real_site, entity.url_path)
        box = page.find("section", id="cite-this-page")
        where = entity.url_path
        assert saved["itemType"] == "webpage", (where, saved)
        assert "creators" not in saved, where  # the editors are not a person; Zotero cannot keep them whole
        assert saved["title"] == entity.title, where
        assert saved["publicationTitle"] == IDENTITY.name, where  # the website title
        assert saved["date"] == box.select_one(".cite-version time")["datetime"], where  # the version's revision
        assert saved["url"] == box.select_one("a.cite-fixed")["href"], where
        assert saved["language"] == "en", where
        assert saved["extra"] == f"version: {IDENTITY.version}", where
        assert "CC BY 4.0" in saved["rights"], where
        # Nothing of the described document, person or source: no journal, no abbreviation, no author
        assert "journalAbbreviation" not in saved and set(saved) <= zotero.FIELDS["webpage"] | {"itemType"}, where
        kinds.add(entity.type)
    assert kinds == {"document", "event", "person", "organization", "source", "essay", "file"}
    home, _ = _zotero(real_site, "")
    assert home["itemType"] == "webpage" and home["publicationTitle"] == IDENTITY.name


def test_the_zotero_rules_see_what_the_issue_saw():
    """The rules read a head like the one the issue reported as Zotero did: a document type from
    DCTERMS.type, the editors split into a person, a source's URL taken for its journal."""
    head = ('<html><head><link rel="schema.DCTERMS" href="http://purl.org/dc/terms/">'
            '<meta name="citation_title" content="A page"><meta name="citation_author" content="Some Archive editors">'
            '<meta name="DCTERMS.type" content="document"><meta name="DCTERMS.source" content="https://news.example/">'
            '<meta property="og:type" content="article"><meta property="og:site_name" content="Some Archive">'
            "</head><body></body></html>")
    saved = zotero.saved_item(head)
    assert saved["itemType"] == "document"
    assert saved["creators"] == [{"lastName": "editors", "firstName": "Some Archive"}]
    person = zotero.saved_item(head.replace('<meta name="DCTERMS.type" content="document">', ""))
    assert person["itemType"] == "journalArticle" and person["publicationTitle"] == "https://news.example/"


def test_the_bibliography_is_one_chicago_list(real_site):
    sources = {e.id: e for e in real_site.result.corpus.entities if e.type == "source"}
    page = real_site.html("sources/")
    (listing,) = page.select("ul.bibliography")
    entries = listing.find_all("li", recursive=False)
    assert [li["id"] for li in entries if li["id"] in sources] == [li["id"] for li in entries]
    assert sorted(li["id"] for li in entries) == sorted(sources)
    for li in entries:
        source, entry = sources[li["id"]], li.select_one(".csl-entry")
        text = entry.get_text()
        assert "Edition." not in text and "Preprint" not in text, text
        italics = [i.get_text() for i in entry.find_all("i")]
        assert len(italics) == len(set(italics)), text  # no title or container printed twice
        for url in re.findall(r"https?://\S+[^\s.]", text):
            assert url in [a["href"] for a in entry.find_all("a")], (url, text)
        if source.get("url") and not source.get("issued"):
            assert "Accessed" in text, text
        supplied = re.fullmatch(r"\[(.+)\]", source.title)
        if supplied and not source.get("title_original"):
            described = supplied.group(1).replace("'", "’")
            assert described in text and f"“{described}" not in text and f"“[{described}" not in text, text
        assert li.select_one("a.bibliography-page")["href"] == f"{source.id}/"


def test_bibliography_entries_are_citeproc_js_entries(real_site):
    """The bibliography's entries are citeproc-js's, each the source's item formatted in Chicago."""
    from archive.citation import csl

    sources = [e for e in real_site.result.corpus.entities if e.type == "source"]
    items = [csl.source_item(s, real_site.result.revised[s.id]) for s in sources]
    rendered = citeproc_js.render(items)["chicago"]
    page = real_site.html("sources/")
    for li in page.select("ul.bibliography > li"):
        assert citeproc_js.canonical(li.select_one(".csl-entry").decode_contents()) == citeproc_js.canonical(rendered[li["id"]])


def test_how_to_cite_example_is_the_cite_box(real_site):
    """The How to cite page's worked example is made by the cite box's code: its bibliography entry,
    APA and MLA are the example page's box, word for word."""
    from archive.citation import formats

    guide = real_site.html(f"essays/{formats.HOW_TO_CITE}/")
    examples = [citeproc_js.canonical(q.p.decode_contents()) for q in guide.select("blockquote.cite-example")]
    box = real_site.html(f"documents/{formats.EXAMPLE_PAGE}/").find("section", id="cite-this-page")
    shown = [citeproc_js.canonical(box.find(id=f"cite-{s}").decode_contents()) for s in ("chicago", "apa", "mla")]
    assert examples[2:] == shown
    assert examples[0].startswith("1. ") and box.select_one("a.cite-fixed")["href"] in examples[0]
    assert examples[1].startswith("2. ") and len(examples[1]) < len(examples[0])


def test_later_notes_on_a_page_are_shortened(real_site):
    """Chicago's shortened note: a source's second and later notes on a page name it by its title alone."""
    notes = real_site.html("documents/mofa-position-paper-1989-06-04/").select("div.footnote li")
    href = "asahi-webronza-2020-12-28-june-4-paper/"
    citing = [n for n in notes if n.find("a", href=lambda h: bool(h) and h.endswith(href))]
    assert "Webronza" in citing[0].get_text()  # the full note: where and when it was published, online
    assert len(citing) > 1 and all("Webronza" not in n.get_text() for n in citing[1:])


def test_without_citeproc_js_the_build_says_what_to_run(monkeypatch, tmp_path):
    import pytest

    from archive.citation import csl

    monkeypatch.setattr(csl, "CITE", tmp_path)  # a checkout where `make cite` has not run
    with pytest.raises(csl.CitationError, match="run `make cite`"):
        csl.format_each([{"id": "x", "type": "webpage", "title": "X"}], ["apa"])


def test_one_citeproc_process_answers_request_after_request():
    """The process a build and the live preview keep (csl.Citeproc) answers each request as a process of
    its own would, after a note request has used the same engine, and after a request it could not run (an
    item citeproc-js cannot read, which the error names)."""
    import pytest

    from archive.citation import csl

    items = [{"id": "a", "type": "webpage", "title": "The first page", "URL": "https://example.org/a"},
             {"id": "b", "type": "article-magazine", "title": "A second", "container-title": "Asahi Shimbun"}]
    jobs = [{"style": "chicago", "items": items}, {"style": "apa", "items": items}]
    alone = csl.render(jobs)
    with csl.Citeproc() as citeproc:
        assert citeproc.render(jobs) == alone
        notes = citeproc.render([{"style": "chicago", "items": items, "notes": True}])[0]["notes"]
        assert set(notes) == {"a", "b"} and all(n["first"] and n["later"] for n in notes.values())
        with pytest.raises(csl.CitationError, match="citeproc-js failed: Error: item c: title is not text, a date or a list of names"):
            citeproc.render([{"style": "chicago", "items": [{"id": "c", "type": "webpage", "title": {"not": "text"}}]}])
        assert citeproc.render(jobs) == alone
        assert csl.format_notes(items, citeproc=citeproc) == {i: (n["first"], n["later"]) for i, n in notes.items()}


def test_items_formatted_in_one_request_read_as_each_alone():
    """The build formats many items in one request, in batches, with an engine that neither sorts nor
    disambiguates (cite/render.js): each entry and first note must still be what citeproc-js, with the
    whole style, makes of the item alone, also for items whose short forms clash (same author and title)."""
    from archive.citation import csl

    items = []
    for n in range(60):  # more than one batch
        item = {"id": f"i{n:02}", "title": "Record of talks" if n % 2 else "Record of talks: part two",
                "author": [{"literal": "Ministry of Foreign Affairs of Japan"}] if n % 3 else
                [{"family": "Tanaka", "given": ("Ichiro", "Kenji")[n % 2]}],
                "issued": {"date-parts": [[1989, 6, 1 + n % 5]]}}
        if n % 4:
            item |= {"type": "webpage", "container-title": "Japan 1989 Diplomatic Records Archive", "URL": f"https://example.org/{n}/"}
        else:
            item |= {"type": "manuscript", "genre": "telegram"}
        items.append(item)
    answers = csl.render([{"style": style, "items": items} for style in csl.STYLES]
                         + [{"style": "chicago", "items": items, "notes": "first"}])
    alone = citeproc_js.render(items)
    for style, answer in zip(csl.STYLES, answers):
        assert {i: citeproc_js.canonical(html) for i, html in answer["entries"].items()} == {
            i: citeproc_js.canonical(html) for i, html in alone[style].items()}, style
    assert {i: n["first"] for i, n in answers[-1]["notes"].items()} == citeproc_js.first_notes(items)
