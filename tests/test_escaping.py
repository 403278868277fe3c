"""Markup in content never reaches the HTML as markup.

Policy (CONTRIBUTING.md): bodies may not contain raw HTML, and titles and summaries may not
either, nor may topic tags contain < or > (all refused by `make check`; see tests/faults/). Every other front-matter value is
plain text: it may contain <, >, & and quotes, and is escaped wherever it is shown (page header,
indexes, timeline, bibliography formatted by citeproc, footnotes, <title> and meta tags).
This test puts hostile text in those fields, builds the whole site and parses every page.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from conftest import build_corpus

HOSTILE = {
    ("documents/doc-memo.md", "genre: memo"): 'genre: "<script>alert(1)</script>"',
    ("documents/doc-memo.md", 'title: "Memo on the meeting"'): 'title: "Memo & \\"quotes\\" \'single\' a<b"',
    ("documents/doc-memo.md", "summary: A fixture memo."): 'summary: "Tom & Jerry\'s \\"plan\\" onmouseover=\\"alert(9)\\" <-> x"\ntags: ["Tom & Jerry \\"tag\\""]',
    ("people/person-a.md", "name_original: 例示太郎"): 'name_original: "<script>alert(3)</script>"',
    ("people/person-a.md", "role: Director"): 'role: "<b onmouseover=alert(4)>Director"',
    ("sources/src-alpha.md", "container_title: Alpha News"): 'container_title: "<script>alert(5)</script>"',
    ("sources/src-alpha.md", "publisher: Alpha Press"): 'publisher: "A & B \\"Press\\""\nseen_note: "<img src=x onerror=alert(6)>"',
    ("sources/src-beta.md", "  - family: Writer\n    given: Wendy"): '  - literal: "<script>alert(7)</script>"',
    ("events/event-meeting.md", "place: Tokyo"): 'place: "<iframe src=javascript:alert(8)>"',
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    import shutil

    from conftest import FIXTURE_DOCS

    work = tmp_path_factory.mktemp("hostile")
    docs = work / "docs"
    shutil.copytree(FIXTURE_DOCS, docs)
    for (rel, old), new in HOSTILE.items():
        path = docs / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return build_corpus(docs, work)


def pages(site):
    for path in sorted(site.site.rglob("*.html")):
        yield path, path.read_text(encoding="utf-8")


def test_no_injected_element_or_handler_anywhere(hostile_site):
    for path, text in pages(hostile_site):
        assert not re.search(r"<(script|img|iframe|b)\b[^>]*(alert|onerror|onmouseover)", text, re.I), path
        soup = BeautifulSoup(text, "lxml")
        for script in soup.find_all("script"):
            body = script.string or ""
            if script.get("type", "").endswith("json"):
                # Data islands (Material's config, JSON-LD) may carry the text, but only as escaped JSON.
                json.loads(body)
                assert "<" not in body, path
            else:
                assert "alert(" not in body + script.get("src", ""), path
        for element in soup.find_all(True):
            assert not [a for a in element.attrs if a.lower().startswith("on")], (path, element.name)


def text_of(site, url):
    return site.html(url).get_text(" ")


def test_hostile_text_is_shown_as_text(hostile_site):
    memo = text_of(hostile_site, "documents/doc-memo/")
    assert "<script>alert(1)</script>" in memo  # genre, in the header
    assert 'Tom & Jerry "tag"' in memo  # a topic label (labels may not contain < or >: tests/faults/)
    assert 'Memo & "quotes" \'single\' a<b' in memo
    title = hostile_site.html("documents/doc-memo/").title.get_text()
    assert title.startswith('Memo & "quotes" \'single\' a<b')
    description = hostile_site.html("documents/doc-memo/").find("meta", attrs={"name": "description"})
    assert description["content"] == 'Tom & Jerry\'s "plan" onmouseover="alert(9)" <-> x'
    assert "<script>alert(3)</script>" in text_of(hostile_site, "people/person-a/")
    assert "<script>alert(3)</script>" in text_of(hostile_site, "people/")  # index: original script column
    assert "<b onmouseover=alert(4)>Director" in text_of(hostile_site, "people/person-a/")
    assert "<iframe src=javascript:alert(8)>" in text_of(hostile_site, "events/event-meeting/")
    timeline = text_of(hostile_site, "timeline/")
    assert 'Memo & "quotes" \'single\' a<b' in timeline and 'Tom & Jerry\'s "plan" onmouseover="alert(9)" <-> x' in timeline
    bibliography = text_of(hostile_site, "sources/")  # formatted by citeproc-py
    assert "<script>alert(5)</script>" in bibliography and "<script>alert(7)</script>" in bibliography
    source = text_of(hostile_site, "sources/src-alpha/")
    assert 'A & B "Press"' in source and "<img src=x onerror=alert(6)>" in source
    # A footnote citing the source shows the container title as text too.
    assert "<script>alert(5)</script>" in text_of(hostile_site, "documents/doc-memo/")
