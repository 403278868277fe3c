"""Search in a real browser: Material's search box, answered by Pagefind (archive/site/search.py,
docs/overrides/assets/javascripts/search.js).

Debian's Chromium (/usr/bin/chromium) driven by Playwright opens the fixture site, and the real
record, served on 127.0.0.1, types into the header search box, reads every result and follows one.
What a query must find is read from the built pages themselves (the text of each indexed page), never
written down here: the count shown, the pages reachable, their order for a topic, their snippets and
the highlight on arrival are checked against it. The tests also count what the browser downloads for
search, and check nothing is requested outside the site.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from functools import cached_property

import pytest
from conftest import ROOT
from support.browser import new_context, watch
from playwright.sync_api import expect

from archive.pages.paging import LISTING
from archive.site import search
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
    bundle = fixture_site.site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    assert indexed == len(fixture_site.result.corpus.entities)
    # Each fragment is one indexed page: gzip, Pagefind's signature, then JSON with its URL and title.
    fragments = [json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd")) for p in bundle.glob("fragment/*.pf_fragment")]
    corpus = fixture_site.result.corpus
    assert sorted(f["url"] for f in fragments) == sorted("/" + e.url_path for e in corpus.entities)
    # The title as Pagefind indexes it: spaced as the text is (search.spaced), the same words.
    titles = {f["url"]: f["meta"]["title"] for f in fragments}
    assert all(titles["/" + e.url_path].split() == search.APART.sub(" ", e.title).split() for e in corpus.entities)
    # Only the article: no navigation, cite box or footer text in what a result shows.
    memo = next(f for f in fragments if f["url"] == "/documents/doc-memo/")
    assert "Cite this page" not in memo["content"] and "Table of contents" not in memo["content"]


def test_the_index_leaves_out_the_listings_on_entity_pages(fixture_site):
    """A hub's "Cited by" and "Referenced by", a file's documents and a page's notes (a source's title
    and a locator each) repeat other pages' titles, as the listing pages do: the page is indexed, those
    sections are not, and the sections after them are."""
    bundle = fixture_site.site / "pagefind"
    fragments = {f["url"]: f for f in (json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd"))
                                       for p in bundle.glob("fragment/*.pf_fragment"))}
    items = notes = 0
    for entity in fixture_site.result.corpus.entities:
        article = fixture_site.html(entity.url_path).select_one("article.md-content__inner")
        content = " ".join(fragments["/" + entity.url_path]["content"].split())
        for heading, parts in listing_sections(article):
            assert heading.get_text(strip=True) not in content, (entity.url_path, heading)
            for part in parts:
                for item in part.select("li"):  # a "Cited by" line: "<title> (document, 2 citations)", nowhere else
                    text = " ".join(item.get_text(" ").split())
                    if text.isascii() and "citation" in text:
                        items += 1
                        assert text not in content, (entity.url_path, text)
                for note in part.select(".footnote li"):  # "<source title>, <publisher>, <date>, para. 3."
                    for backref in note.select(".footnote-backref"):
                        backref.decompose()
                    notes += 1
                    assert " ".join(note.get_text(" ").split()) not in content, (entity.url_path, note)
        if article.select("h2#related"):  # an entity's own relations stay searchable
            assert "Related" in content, entity.url_path
    assert items >= 5 and notes >= 5  # the fixture's sources are cited by enough pages for this to test something


def listing_sections(article) -> list:
    """(heading, the elements after it up to the next heading) of each listing's section (h2 classed
    LISTING), found apart from search.py's regular expression."""
    sections = []
    for heading in article.select(f"h2.{LISTING}"):
        parts = []
        for part in heading.find_next_siblings():
            if part.name == "h2":
                break
            parts.append(part)
        sections.append((heading, parts))
    return sections


# --- How the index is written (no browser) -------------------------------------------------------


def test_japanese_characters_become_words_in_text_only():
    html = '<p title="宮本雄二">Yuji Miyamoto (宮本雄二) said 「対外姿勢」, G7首脳</p>'
    assert search.spaced(html) == '<p title="宮本雄二">Yuji Miyamoto ( 宮 本 雄 二 ) said 「 対 外 姿 勢 」 , G7 首 脳</p>'
    # Japanese marked lang="ja" in pieces: the tags between them part nothing, and join nothing.
    assert search.spaced('<span lang="ja">慎重論</span>=<span lang="ja">優先</span>―外') == '<span lang="ja">慎 重 論</span> =<span lang="ja"> 優 先</span> ― 外'


def test_quotation_marks_and_apostrophes_are_set_apart_from_their_word():
    # Pagefind would index sanctions” and Thatcher's as words of their own, which "sanctions" and
    # "Thatcher" also match, rare ones, scored far above the bare word.
    assert search.spaced("<h1>“refused sanctions” and Thatcher's ‘visit’</h1>") == "<h1>“ refused sanctions ” and Thatcher 's ‘ visit ’</h1>"
    assert search.spaced("<p>don't 1989 '90s</p>") == "<p>don 't 1989 '90s</p>"


def test_the_script_sets_apart_the_same_characters_as_the_index():
    """search.js finds Japanese runs in a query, and takes the index's spaces out of what it shows,
    with its own copy of search.WIDE: both must name the same characters."""
    script = (ROOT / "docs" / "overrides" / "assets" / "javascripts" / "search.js").read_text(encoding="utf-8")
    literal = re.search(r'const WIDE = "([^"]+)"', script).group(1)
    ranges = re.sub(r"\\\\u\{([0-9a-f]+)\}|\\\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1) or m.group(2), 16)), literal)
    assert ranges == search.WIDE


def test_the_record_s_own_pages_carry_the_rank_and_every_page_its_topics(fixture_site):
    fragments = {f["url"]: f for f in _fragments(fixture_site.site)}
    for entity in fixture_site.result.corpus.entities:
        filters = fragments["/" + entity.url_path]["filters"]
        assert filters.get("rank") == (["primary"] if entity.type in search.PRIMARY else None), entity.id
        words = fragments["/" + entity.url_path]["meta"].get("topics", "").split()
        assert words == [search.topic_word(t) for t in entity.get("tags") or []], entity.id


def _fragments(site):
    """Each indexed page as Pagefind stores it: gzip, Pagefind's signature, then JSON."""
    return [json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd")) for p in (site / "pagefind").glob("fragment/*.pf_fragment")]


# --- The real record, searched in the browser ----------------------------------------------------

# Parts of a built page's article that the template adds around the page's content: not indexed.
TEMPLATE_PARTS = "aside.md-source-file, section.cite-box"  # the topics' chips (nav.md-tags) are indexed
WIDE_RUN = re.compile(f"[{search.WIDE}]+")


def folded(text: str) -> str:
    """Latin script as Pagefind compares it: lower case, without diacritics."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


class Record:
    """The text of every indexed page of the built record, and what a query must find in it: a page
    holds a query when it holds each word as the beginning of a word and each run of Japanese
    characters as it is written (whatever the spaces between them)."""

    def __init__(self, built):
        self.built = built

    @cached_property
    def texts(self) -> dict[str, str]:
        texts = {}
        for entity in self.built.result.corpus.entities:
            article = self.built.html(entity.url_path).select_one("article.md-content__inner")
            for part in article.select(f"{TEMPLATE_PARTS}, {search.EXCLUDE}"):
                part.decompose()
            for heading, parts in listing_sections(article):
                for part in [heading, *parts]:
                    part.decompose()
            texts[entity.url_path] = article.get_text(" ")
        return texts

    def holding(self, query: str) -> set[str]:
        runs = WIDE_RUN.findall(query)
        words = folded(WIDE_RUN.sub(" ", query)).split()
        starts = [re.compile(r"(?<![a-z0-9])" + re.escape(w)) for w in words]
        return {
            path for path, text in self.texts.items()
            if all(s.search(folded(text)) for s in starts) and all(r in re.sub(r"\s+", "", text) for r in runs)
        }

    def entity(self, path: str):
        return next(e for e in self.built.result.corpus.entities if e.url_path == path)


@pytest.fixture(scope="module")
def record(real_site):
    with served(real_site.site) as base:
        yield Record(real_site), base


@pytest.fixture
def searching(browser, record):
    context = new_context(browser)
    page = context.new_page()
    visit = watch(page, record[1])
    yield Searcher(page, record[1], visit)
    assert visit.errors == [] and visit.outside == []
    context.close()


class Searcher:
    def __init__(self, page, base, visit):
        self.page, self.base, self.visit = page, base, visit

    def search(self, query: str) -> str:
        """Type a query into the header search box; the count line once the results are in."""
        self.page.goto(self.base)
        self.page.keyboard.press("/")  # Material's shortcut to the search box
        box = self.page.locator("input.md-search__input")
        expect(box).to_be_focused()
        box.fill(query)  # as an IME commits text: one input event
        box.press("End")  # and a key, whose keyup Material's own search listens to
        meta = self.page.locator(".md-search-result__meta")
        expect(meta).to_have_text(re.compile("matching document"), timeout=15_000)
        return meta.inner_text()

    def results(self, count: int) -> list[str]:
        """Every result's page path, scrolling the list until `count` are shown."""
        # Scrolled again at each poll, as a reader goes on scrolling: a scroll while a batch is still
        # loading asks for nothing more.
        self.page.wait_for_function(
            """n => {
                document.querySelector('.md-search__scrollwrap').scrollTop = 1e9;
                return document.querySelectorAll('.md-search-result__item').length >= n;
            }""", arg=count, polling=250, timeout=30_000)
        hrefs = self.page.locator(".md-search-result__link").evaluate_all("links => links.map(a => a.href)")
        return [href.removeprefix(self.base).split("?")[0] for href in hrefs]


def count_line(n: int) -> str:
    return "No matching documents" if n == 0 else "1 matching document" if n == 1 else f"{n} matching documents"


@pytest.mark.parametrize(
    "query, least",
    [
        ("Thatcher", 11),  # more than the ten shown at first: the count and the scrolled list must be whole
        ("sanctions", 11),
        ("Bush", 11),
        ("Mitterrand", 2),
        ("Gorbachev", 2),
        ("Gorbachov", 0),  # in no page: Pagefind's fallback found "go" in pieces of it
        ("Shevardnadze", 0),  # in no page: the fallback found "she"
        ("宮本", 2),  # a name: not 宮 of 宮崎 and 本 of another word
        ("外交文書", 2),  # diplomatic records: the four characters together, not anywhere on the page
        ("日本経済新聞", 2),  # the Nikkei's full name, not 日本 … 経済 … 新聞 apart
        ("天安門事件", 2),
        ("Thatcher 香港", 2),  # English and Japanese in one query: pages with both
    ],
)
def test_search_finds_exactly_the_pages_that_hold_the_query(searching, record, query, least):
    """The count shown is the number of indexed pages holding the query, and scrolling the list
    reaches every one of them and nothing else: no result lost, no false hit, in either language."""
    expected = record[0].holding(query)
    # The query is chosen for what it tests: the record must still hold it that often (or not at all).
    assert len(expected) >= least and (least > 0 or not expected), (query, len(expected))
    assert searching.search(query) == count_line(len(expected))
    found = searching.results(len(expected))
    assert len(found) == len(set(found)) and set(found) == expected, (sorted(set(found) - expected), sorted(expected - set(found)))


@pytest.mark.parametrize("topic", ["sanctions", "Tiananmen"])
def test_documents_and_events_on_a_topic_come_before_press_sources(searching, record, topic):
    """For a query naming a topic, the record's documents and events on it rank above every source."""
    own = {e.url_path for e in record[0].built.result.corpus.entities
           if e.type in search.PRIMARY and topic in (e.get("tags") or [])}
    holding = record[0].holding(topic)
    assert own and own <= holding
    searching.search(topic)
    found = searching.results(len(holding))
    sources = [i for i, path in enumerate(found) if record[0].entity(path).type == "source"]
    assert sources and max(found.index(path) for path in own) < min(sources), [found.index(p) for p in sorted(own)]


def test_snippets_show_what_pages_say_not_their_header_labels(searching, record):
    """A snippet never reads "Published in TV Asahi Published 23 December …": the labels of a page's
    header are not indexed."""
    searching.search("sanctions")
    items = searching.page.locator(".md-search-result__item")
    paths = searching.results(10)[:10]
    for i, path in enumerate(paths):
        snippet = " ".join(items.nth(i).locator("article p").inner_text().split())
        assert snippet, path
        header = record[0].built.html(path).select_one(".entity-meta")
        for label in header.select("dt"):
            value = " ".join(label.find_next_sibling("dd").get_text(" ").split())
            assert f"{label.get_text(strip=True)} {value[:12]}" not in snippet, (path, snippet)


@pytest.mark.parametrize("query", ["sanctions", "宮本"])
def test_a_result_highlights_the_query_on_arrival(searching, record, query):
    """A result's link carries the query (?h=), and the page it opens marks it (Material's search.highlight)."""
    searching.search(query)
    link = searching.page.locator(".md-search-result__link").first
    assert link.evaluate("a => new URL(a.href).searchParams.get('h')") == folded(query)
    link.click()
    marks = searching.page.locator("article.md-content__inner mark[data-md-highlight]")
    expect(marks.first).to_be_visible(timeout=10_000)
    assert all(folded(text) == folded(query) for text in marks.all_inner_texts())


def test_the_keyboard_reaches_the_results_and_enter_opens_the_first(searching, record):
    """Material's keys work on the list search.js renders: arrows move through the results, Enter in
    the box opens the first one listed."""
    searching.search("sanctions")
    first, second = searching.results(2)[:2]
    searching.page.keyboard.press("ArrowDown")
    searching.page.keyboard.press("ArrowDown")
    assert searching.page.evaluate("document.activeElement.href").removeprefix(searching.base).split("?")[0] == second
    searching.page.keyboard.press("ArrowUp")
    searching.page.keyboard.press("ArrowUp")
    expect(searching.page.locator("input.md-search__input")).to_be_focused()
    searching.page.keyboard.press("Enter")
    expect(searching.page).to_have_url(re.compile(re.escape(searching.base + first) + r"\?h="))
