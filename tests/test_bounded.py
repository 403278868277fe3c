"""Bounded pages (archive/pages/paging.py, wholerecord.py volumes): on a synthetic corpus built with
small limits, so that every long listing and the whole record split as they do at 10,000 documents.
Each listing is read as a reader (or a link checker) reads it, by following its pager from the first
page, which keeps the listing's old URL."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import build_corpus

from archive.content import graph
from archive.content.read import load
from archive.pages import wholerecord
from archive.pages.paging import Limits
from tools.synth import write_corpus

LIMITS = Limits(listing=3, volume=30_000)


pytestmark = pytest.mark.slow  # builds a synthetic corpus


@pytest.fixture(scope="module")
def split_site(tmp_path_factory):
    docs = tmp_path_factory.mktemp("bounded-docs")
    write_corpus(docs, documents=40, seed=16)
    return build_corpus(docs, tmp_path_factory.mktemp("bounded-build"), limits=LIMITS)


def _soup(site, url: str) -> BeautifulSoup:
    return _parsed(site.site / url / "index.html")


@lru_cache(maxsize=None)  # the pages are read, never changed
def _parsed(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _local(url: str) -> str:
    return url.split("#")[0].removeprefix("http://x/")


def follow(site, first: str, pager_name: str | None = None):
    """(URL of each page of the listing that starts at `first`, in order; each page's soup), reached by
    the pager's Next links; checks on the way that every page's numbered links name all the pages."""
    urls, soups, url = [], [], first
    while url:
        soup = _soup(site, url)
        pagers = soup.select("nav.archive-pager")
        if pager_name is not None:
            pagers = [p for p in pagers if pager_name in p["aria-label"]]
        urls.append(url)
        soups.append(soup)
        nxt = [a for p in pagers[:1] for a in p.select('a[rel="next"]')]
        url = _local(urljoin("http://x/" + url, nxt[0]["href"])) if nxt else None
        assert url not in urls, "the pager loops"
    for soup, here in zip(soups, urls):
        pager = [p for p in soup.select("nav.archive-pager") if pager_name is None or pager_name in p["aria-label"]][:1]
        if len(urls) == 1:
            assert not pager
            continue
        numbered = [_local(urljoin("http://x/" + here, a["href"])) for a in pager[0].select("a:not([rel])")]
        assert sorted(numbered + [here]) == sorted(urls)  # every other page, by number, and itself in bold
    return urls, soups


def _ids(anchors) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in anchors]


def test_type_indexes_split_into_pages_holding_every_entity_once(split_site):
    corpus = split_site.result.corpus
    for type_name, folder in (("document", "documents"), ("event", "events")):
        urls, soups = follow(split_site, f"{folder}/")
        assert len(urls) >= 2 and urls[0] == f"{folder}/"
        listed = [i for soup in soups for i in _ids(soup.select("article table a"))]
        assert Counter(listed) == Counter(e.id for e in corpus.of_type(type_name))
        assert all(len(soup.select("article table tbody tr")) <= LIMITS.listing for soup in soups)


def test_timeline_pages_hold_every_dated_entity_once_in_date_order(split_site):
    urls, soups = follow(split_site, "timeline/")
    assert len(urls) > 3
    entries = [a for soup in soups for a in soup.select(".nt-timeline-item .nt-timeline-title a")]
    dated = [e for e in split_site.result.corpus.entities if e.type in ("document", "event")]
    assert Counter(_ids(entries)) == Counter(e.id for e in dated)
    assert all(len(soup.select(".nt-timeline-item")) <= LIMITS.listing for soup in soups)


def test_topics_pages_list_each_tagged_page_once_per_topic_and_chips_link_to_their_topic(split_site):
    urls, soups = follow(split_site, "tags/")
    assert len(urls) > 2
    seen = Counter()
    for soup in soups:
        article = soup.select_one("article")
        items = 0
        for heading in article.select("h2"):
            topic = heading.get_text(strip=True).rstrip("¶").removesuffix(" (continued)")
            entries = heading.find_next_sibling("ul").select("a")
            items += len(entries)
            seen.update((topic, i) for i in _ids(entries))
        assert items <= LIMITS.listing
    corpus = split_site.result.corpus
    assert seen == Counter((tag, e.id) for e in corpus.entities for tag in e.get("tags") or ())
    document = next(e for e in corpus.of_type("document") if e.get("tags"))
    chips = _soup(split_site, document.url_path).select("nav.md-tags a.md-tag")
    assert [c.get_text() for c in chips] == list(document.get("tags"))
    for chip in chips:  # each chip lands on its topic's heading
        target = urljoin("http://x/" + document.url_path, chip["href"])
        page, fragment = _local(target), target.split("#")[1]
        heading = _soup(split_site, page).find(id=fragment)
        assert heading is not None and heading.get_text(strip=True).rstrip("¶") == chip.get_text()


@pytest.mark.parametrize("kind, heading", [("organization", "Referenced by"), ("file", "Documents in this file"),
                                           ("source", "Cited by")])
def test_hub_backlinks_split_into_pages_listing_every_referrer_once(split_site, kind, heading):
    corpus = split_site.result.corpus
    relations = graph.build(corpus)
    hubs = corpus.of_type(kind)
    if kind == "organization":
        hub = hubs[0]
        expected = set(relations.referenced_by[hub.id])
    elif kind == "file":
        hub = hubs[0]
        expected = {i for ids in relations.inverse[hub.id].values() for i in ids}
    else:
        hub = max(hubs, key=lambda s: len(relations.cited_by.get(s.id, {})))
        expected = set(relations.cited_by[hub.id])
    assert len(expected) > 2 * LIMITS.listing  # the corpus makes it a hub
    urls, soups = follow(split_site, hub.url_path, heading)
    assert urls[0] == hub.url_path and len(urls) >= 3
    listed = []
    for soup in soups:
        section = soup.find("h2", string=re.compile(heading)) or soup.select_one("article h1")
        pager = [p for p in soup.select("nav.archive-pager") if heading in p["aria-label"]][0]
        run = [a for a in pager.find_next_sibling("ul").select("a")]
        assert section is not None and len(run) <= LIMITS.listing
        listed += _ids(run)
    assert Counter(listed) == Counter(expected)


def test_whole_record_prints_in_bounded_volumes_each_page_once_linked_both_ways(split_site):
    generated = split_site.result
    volumes = generated.reading_order
    assert len(volumes) > 3
    index = _soup(split_site, wholerecord.URL)  # the old print URL lists the volumes
    listed = [_local(urljoin("http://x/" + wholerecord.URL, a["href"])) for a in index.select("article ol a")]
    assert listed == [v.url for v in volumes]
    printed = Counter()
    for volume in volumes:
        paths = [p for _, run in volume.sections for p in run]
        size = sum(len(generated.pages[p]) for p in paths)
        assert len(paths) == 1 or size <= LIMITS.volume + 200 * len(paths)  # + the line naming the volume
        soup = _soup(split_site, volume.url)
        ids = {tag["id"] for tag in soup.select("[id]")}
        for page in soup.select("div.whole-record-page"):
            printed[page["id"]] += 1
        for link in soup.select("div.whole-record-page a[href*='#']"):
            target = urljoin("http://x/" + volume.url, link["href"])
            page, fragment = _local(target), target.split("#", 1)[1]
            if page == volume.url:
                assert fragment in ids, link["href"]
            elif page.startswith(wholerecord.URL):  # a page printed in another volume
                assert _soup(split_site, page).find(id=fragment) is not None, link["href"]
    corpus = load(split_site.docs)
    assert printed == Counter(wholerecord.anchor(e.url_path) for e in corpus.entities)
    volume_of = {p: v for v in volumes for _, run in v.sections for p in run}
    for entity in corpus.entities:  # each page links to the volume that prints it
        link = _soup(split_site, entity.url_path).select_one("article a.whole-record-volume")
        assert _local(urljoin("http://x/" + entity.url_path, link["href"])) == volume_of[entity.md_path].url


def test_the_old_urls_of_split_listings_are_their_first_pages(split_site):
    for url in ("documents/", "events/", "timeline/", "tags/", wholerecord.URL):
        soup = _soup(split_site, url)
        assert soup.select_one("article h1") is not None
    assert "Page 1 of" in _soup(split_site, "timeline/").select_one("nav.archive-pager").get_text()
