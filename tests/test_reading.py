"""What the built fixture site gives a reader besides its pages, checked on the files with real parsers:
the Content-Security-Policy, the Atom feed, the sitemap, edit links, external links, topics, breadcrumbs.
(The browser tests in test_browser.py check the same site in Chromium.)"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from conftest import FIXTURE_DOCS
import yaml
from lxml import etree

from archive.pages import feed
from archive.content.read import load
from archive.content.model import FOLDERS

ATOM = "{http://www.w3.org/2005/Atom}"


def _pages(site):
    return sorted(site.rglob("*.html"))


def _csp(soup) -> dict[str, list[str]]:
    tag = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert tag is not None
    return {d.split()[0]: d.split()[1:] for d in tag["content"].split(";") if d.strip()}


def test_every_page_has_a_csp_allowing_only_its_own_inline_scripts(fixture_site):
    pages = _pages(fixture_site.site)
    assert len(pages) > 10
    policies = set()
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        soup = BeautifulSoup(raw, "lxml")
        assert len(soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})) == 1, path
        policy = _csp(soup)
        policies.add(json.dumps(policy))
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
        allowed = set(policy["script-src"])
        assert "'unsafe-inline'" not in allowed and "'unsafe-eval'" not in allowed
        assert all(s == "'self'" or s.startswith("'sha256-") for s in allowed)
        for script in soup.find_all("script", src=False):
            if script.get("type", "text/javascript").lower() not in ("text/javascript", "application/javascript", "module"):
                continue  # a data block (JSON config, JSON-LD) is never executed: script-src does not apply
            digest = base64.b64encode(hashlib.sha256(script.string.encode("utf-8")).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, f"{path}: inline script not allowed by the CSP"
        # The policy is in <head>, after the charset, within the first 1024 bytes as a charset must be.
        assert raw.index("<meta charset") < raw.index("Content-Security-Policy")
        assert raw.lower().index("charset") < 1024
    # With instant navigation a page's scripts run under the first page's policy: one policy everywhere
    # (404 page and redirect stubs included).
    assert len(policies) == 1


def test_no_script_holds_up_the_first_paint(fixture_site):
    """Every external script of a page is deferred (Material's bundle included: docs/overrides/main.html),
    and Material's palette component, which restyles the whole page after load, is not mounted: the
    page's own toggle (partials/palette.html) is there instead."""
    themed = 0
    for path in _pages(fixture_site.site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        scripts = soup.find_all("script", src=True)
        if not any("/bundle." in s["src"] for s in scripts):
            continue  # redirect stubs: no theme
        themed += 1
        assert all(s.has_attr("defer") or s.has_attr("async") for s in scripts), f"{path}: {[s['src'] for s in scripts if not s.has_attr('defer')]}"
        assert any(s["src"].endswith("assets/palette.js") for s in scripts), path
        assert soup.select("form[data-md-component=palette]") == [] and len(soup.select("form[data-archive-palette] input")) == 2, path
    assert themed > 10


def _entries(xml: bytes):
    tree = etree.fromstring(xml)
    assert tree.tag == f"{ATOM}feed"
    return tree, tree.findall(f"{ATOM}entry")


def test_feed_lists_every_page_and_every_changelog_entry(fixture_site):
    tree, entries = _entries((fixture_site.site / "feed.xml").read_bytes())
    corpus = load(FIXTURE_DOCS)
    pages = [e for e in entries if e.find(f"{ATOM}category").get("term") == "page"]
    links = [e.find(f"{ATOM}link").get("href") for e in pages]
    expected = {f"http://127.0.0.1:8000/{e.url_path}" for e in corpus.entities}
    assert set(links) == expected and len(links) == len(expected)
    for entry in entries:  # every link is a page of the site
        link = entry.find(f"{ATOM}link").get("href")
        assert (fixture_site.site / urlsplit(link).path.lstrip("/") / "index.html").is_file(), link
    # Pages are dated by their revision date, the one the open data publishes.
    archive = json.loads((fixture_site.site / "data" / "archive.json").read_text(encoding="utf-8"))
    revised = {e["url"]: e["revised"] for e in archive["entities"]}
    for entry in pages:
        assert entry.find(f"{ATOM}updated").text[:10] == revised[entry.find(f"{ATOM}link").get("href")]
    # Every dated changelog entry of the fixture (docs/changelog.md front matter) is in the feed.
    changelog = yaml.safe_load((FIXTURE_DOCS / "changelog.md").read_text(encoding="utf-8").split("---")[1])["entries"]
    logged = [(e.find(f"{ATOM}category").get("term"), e.find(f"{ATOM}updated").text[:10]) for e in entries if e not in pages]
    assert sorted(logged) == sorted((c["kind"], c["date"]) for c in changelog)
    memo = next(e for e in entries if e.find(f"{ATOM}category").get("term") == "correction")
    assert memo.find(f"{ATOM}link").get("href") == "http://127.0.0.1:8000/documents/doc-memo/"
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert len({e.find(f"{ATOM}id").text for e in entries}) == len(entries)
    assert tree.find(f"{ATOM}link[@rel='self']").get("href") == "http://127.0.0.1:8000/feed.xml"


def test_feed_is_deterministic_and_needs_an_absolute_site_url(fixture_site):
    from archive.content import changelog

    corpus = fixture_site.result.corpus
    log, _ = changelog.load(FIXTURE_DOCS, corpus)
    entries = feed.page_entries(corpus.entities, fixture_site.result.revised) + feed.changelog_entries(log, corpus.by_id())
    first = feed.atom(entries, "https://example.org/archive/", "Archive", "Test.")
    assert feed.atom(list(reversed(entries)), "https://example.org/archive/", "Archive", "Test.") == first
    _, parsed = _entries(first)
    assert all(e.find(f"{ATOM}id").text.startswith("https://example.org/archive/") for e in parsed)
    try:
        feed.atom(entries, "/relative/", "Archive", "Test.")
    except feed.FeedError as exc:
        assert "SITE_URL" in str(exc)
    else:
        raise AssertionError("a relative site_url was accepted")


def test_sitemap_lists_every_page(fixture_site):
    tree = etree.fromstring((fixture_site.site / "sitemap.xml").read_bytes())
    locs = {el.text for el in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for entity in load(FIXTURE_DOCS).entities:
        assert f"http://127.0.0.1:8000/{entity.url_path}" in locs
    assert "http://127.0.0.1:8000/timeline/" in locs


def test_sitemap_dates_each_page_by_its_last_revision(fixture_site):
    """lastmod is when the page's text last changed (git), not when the site was built; a generated
    listing carries the newest revision of the record."""
    sm = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    tree = etree.fromstring((fixture_site.site / "sitemap.xml").read_bytes())
    lastmod = {el.find(f"{sm}loc").text: el.find(f"{sm}lastmod").text for el in tree.iter(f"{sm}url")}
    revised = fixture_site.result.revised
    for entity in fixture_site.result.corpus.entities:
        assert lastmod[f"http://127.0.0.1:8000/{entity.url_path}"] == revised[entity.id], entity.id
    assert lastmod["http://127.0.0.1:8000/timeline/"] == max(revised.values())
    assert len(set(revised.values())) > 1  # the fixture's pages were not all last changed on one day


def test_external_links_are_marked_and_internal_ones_are_not(fixture_site):
    for path in _pages(fixture_site.site):
        article = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").find("article")
        for a in article.find_all("a", href=True) if article else []:
            external = urlsplit(urljoin("http://127.0.0.1:8000/x/", a["href"])).hostname != "127.0.0.1"
            marked = "external" in (a.get("class") or [])
            assert marked == external, f"{path}: {a}"
            if external:
                assert "noopener" in a["rel"] and "(external site)" in a.get_text()


def test_edit_link_opens_the_authored_file(served_fixture_site):
    from support.browser import REPO_URL

    built = served_fixture_site.built  # built with a repository URL
    for entity in built.result.corpus.entities:
        edit = built.html(entity.url_path).find("a", rel="edit")
        assert edit["href"] == f"{REPO_URL}/edit/main/{entity.path}"
        assert entity.path.endswith(f"{FOLDERS[entity.type]}/{entity.id}.md") and (FIXTURE_DOCS.parent / entity.path).is_file()
    for generated in ("", "timeline/", "documents/", "tags/"):
        assert built.html(generated).find("a", rel="edit") is None
    # The repository link is a plain link: Material's version would call the forge's API.
    source = built.html("").find("a", class_="md-source")
    assert source["href"] == REPO_URL and not source.get("data-md-component")


def test_topics_page_lists_tagged_pages(fixture_site):
    topics = fixture_site.html("tags/")
    text = topics.find("article").get_text()
    tagged = [e for e in load(FIXTURE_DOCS).entities if e.get("tags")]
    assert tagged
    for entity in tagged:
        for tag in entity.get("tags"):
            assert tag in text
        assert topics.find("a", href=lambda h: h and h.rstrip("/").endswith(entity.id)) is not None


def test_entity_pages_have_breadcrumbs_to_their_index(fixture_site):
    crumbs = fixture_site.html("documents/doc-memo/").select("nav.md-path a")
    assert [a.get_text(strip=True) for a in crumbs] == ["Home", "Documents"]
    assert crumbs[1]["href"] == "../"


def test_whole_record_page_holds_every_page_in_reading_order_with_working_links(fixture_site):
    """print_page/ (archive/printpage.py): every entity once, in index order, unique ids, links kept inside."""
    corpus = load(FIXTURE_DOCS)
    soup = BeautifulSoup((fixture_site.site / "print_page" / "index.html").read_text(encoding="utf-8"), "lxml")
    pages = soup.select("div.whole-record-page")
    assert sorted(p["id"] for p in pages) == sorted(f"{FOLDERS[e.type]}-{e.id}" for e in corpus.entities)
    order = [p["id"] for p in pages]
    documents = [p for p in order if p.startswith("documents-")]
    index = (fixture_site.site / "documents" / "index.html").read_text(encoding="utf-8")
    assert documents == sorted(documents, key=lambda a: index.index(f'href="{a.split("-", 1)[1]}/"'))
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for link in soup.select("div.whole-record-page a[href]"):
        href = link["href"]
        if href.startswith("#"):
            assert href[1:] in ids, f"print page links to missing #{href[1:]}"
        elif not urlsplit(href).scheme:
            target = urljoin("http://site/print_page/", href)
            path = fixture_site.site / urlsplit(target).path.lstrip("/")
            assert path.exists() or (path / "index.html").exists(), href
    # Each page sits under its section heading: its own h1 became an h3; nothing but the page title is an h1.
    assert [h.get_text(strip=True).rstrip("¶") for h in soup.select("article h1")] == ["The whole record"]
    assert all(p.find(["h1", "h2"]) is None and p.find("h3") is not None for p in pages)
    # The page is reachable: the home page links to it.
    home = BeautifulSoup((fixture_site.site / "index.html").read_text(encoding="utf-8"), "lxml")
    assert home.select_one('article a[href="print_page/"]') is not None


def test_footer_licences_are_links_a_reader_can_open(fixture_site):
    """The footer names each licence as a link to its text, not a file of the repository that the site does not publish."""
    footer = fixture_site.html("documents/doc-memo/").select_one(".md-copyright")
    links = {a.get_text(" ", strip=True): a["href"] for a in footer.select("a")}
    assert links["Code licence: MIT (external site)"] == "https://opensource.org/license/mit"
    assert links["Content licence: CC BY 4.0 (external site)"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "LICENSE" not in footer.get_text()
