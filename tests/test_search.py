"""Search in a real browser: Material's search box, answered by Pagefind (archive/search.py).

Debian's Chromium (/usr/bin/chromium) driven by Playwright opens the fixture site served on
127.0.0.1, types into the header search box and follows a result. The test also counts what the
browser downloads for search, and checks nothing is requested outside the site.
"""

from __future__ import annotations

import re

import pytest
from support.browser import new_context, watch
from playwright.sync_api import expect

from support.server import served

SEARCH_FILES = re.compile(r"/(pagefind/|search/search_index\.json|assets/javascripts/search-)")


@pytest.mark.parametrize(
    "query, target, heading",
    [
        ("meeting", "events/event-meeting/", "The meeting"),
        ("Ministry of Examples", "organizations/org-ministry/", "Ministry of Examples"),
        ("例示太郎", "people/person-a/", "Taro Example"),  # a name in Japanese script
        ("太郎", "people/person-a/", "Taro Example"),  # a word inside 例示太郎: needs Japanese segmentation
        ("アルファ報告", "sources/src-alpha/", "Alpha report on the meeting"),  # inside 会談に関するアルファ報告
    ],
)
def test_header_search_finds_english_and_japanese(browser, fixture_site, query, target, heading):
    with served(fixture_site.site) as base:
        context = new_context(browser)
        page = context.new_page()
        visit = watch(page, base)
        search_bytes = []
        page.on("response", lambda r: search_bytes.append(len(r.body())) if SEARCH_FILES.search(r.url) else None)
        page.goto(base)
        page.keyboard.press("/")  # Material's shortcut to the search box
        box = page.locator("input.md-search__input")
        expect(box).to_be_focused()
        box.fill(query)
        box.press("End")  # Material searches on keyup
        hit = page.locator(f".md-search-result__item a[href*='/{target}']").first
        expect(hit).to_be_visible(timeout=15_000)
        expect(page.locator(".md-search-result__meta")).not_to_have_text("No matching documents")
        hit.click()
        expect(page).to_have_url(re.compile(re.escape(target) + r"(\?[^#]*)?(#.*)?$"))
        expect(page.locator("article.md-content__inner h1")).to_contain_text(heading)
        assert visit.errors == [] and visit.outside == []
        # What search cost this reader: Pagefind's loader, WebAssembly, metadata, chunks, fragments.
        assert 0 < sum(search_bytes) < 1_000_000
        context.close()


def test_search_results_show_page_text_as_text(browser, fixture_site):
    """Titles and excerpts come from the built pages; markup in them is not interpreted."""
    with served(fixture_site.site) as base:
        context = new_context(browser)
        page = context.new_page()
        page.goto(base)
        page.keyboard.press("/")
        box = page.locator("input.md-search__input")
        box.fill("meeting")
        box.press("End")
        first = page.locator(".md-search-result__item").first
        expect(first).to_be_visible(timeout=15_000)
        assert first.locator("script, img, iframe").count() == 0
        assert first.locator("mark").count() >= 1  # the match is highlighted
        context.close()


def test_index_holds_the_record_not_the_listings(fixture_site):
    """Every entity and essay page is indexed; generated listings (home, indexes, timeline, bibliography) are not."""
    import json

    import gzip

    bundle = fixture_site.site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    assert indexed == len(fixture_site.result.corpus.entities)
    # Each fragment is one indexed page: gzip, Pagefind's signature, then JSON with its URL and title.
    fragments = [json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd")) for p in bundle.glob("fragment/*.pf_fragment")]
    corpus = fixture_site.result.corpus
    assert sorted(f["url"] for f in fragments) == sorted("/" + e.url_path for e in corpus.entities)
    titles = {f["url"]: f["meta"]["title"] for f in fragments}
    assert all(titles["/" + e.url_path] == e.title for e in corpus.entities)
    # Only the article: no navigation, cite box or footer text in what a result shows.
    memo = next(f for f in fragments if f["url"] == "/documents/doc-memo/")
    assert "Cite this page" not in memo["content"] and "Table of contents" not in memo["content"]
