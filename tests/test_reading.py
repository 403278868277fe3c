"""What the built fixture site gives a reader besides its pages, checked on the files with real parsers:
the Content-Security-Policy, the Atom feed, the sitemap, edit links, external links, topics, breadcrumbs.
(The browser tests in test_browser.py check the same site in Chromium.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
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


# --- Reading an entity page (issue #18): the header, notes, discrepancies, languages ---------------

def _header(soup) -> dict[str, object]:
    """The header rows of an entity page: label -> its <dd>."""
    return {dt.get_text(strip=True): dt.find_next_sibling("dd") for dt in soup.select("article .entity-meta dt")}


def _note_sources(soup) -> set[str]:
    """The sources the page's notes cite, by the id in their link."""
    return {a["href"].rstrip("/").split("/")[-1] for a in soup.select(".footnote li a[href*='sources/']")}


def test_a_document_header_says_what_it_stands_on_and_where_it_is_held(fixture_site):
    corpus = fixture_site.result.corpus
    by_id = corpus.by_id()
    for document in corpus.of_type("document"):
        soup = fixture_site.html(document.url_path)
        rows = _header(soup)
        assert not document.get("text_seen_in")  # the fixture's documents are known only from reports
        stands = rows["Stands on"].get_text(" ", strip=True)
        cited = len(_note_sources(soup))
        assert stands.startswith("Original not seen") and f" {cited} cited source" in stands, stands
        # Held where its archival file is, when the file's holder is known and the document names none.
        file = by_id.get(document.get("file") or "")
        holder = document.get("archive_holder") or (file.get("holder") if file else None)
        if holder:
            assert rows["Held by"].find("a")["href"].rstrip("/").endswith(f"organizations/{holder}"), document.id
        else:
            assert "Held by" not in rows
    assert any("Held by" in _header(fixture_site.html(d.url_path)) for d in corpus.of_type("document"))


def test_a_document_with_its_text_published_stands_on_that_text(real_site):
    corpus = real_site.result.corpus
    with_text = [d for d in corpus.of_type("document") if d.get("text_seen_in")]
    assert with_text
    for document in corpus.of_type("document"):
        stands = _header(real_site.html(document.url_path))["Stands on"]
        if document in with_text:
            linked = {a["href"].rstrip("/").split("/")[-1] for a in stands.find_all("a")}
            assert linked == set(document.get("text_seen_in")) and "not seen" not in stands.get_text()
        else:
            assert stands.get_text().startswith("Original not seen"), document.id


def test_headers_have_no_row_that_says_nothing_and_show_values_as_words(fixture_site):
    """No "Type: Document" (the breadcrumbs say it), no topics (the chips above the title say them); a
    language by its name and an enumerated value by its label, as the model (languages.csv, fields.csv) gives them."""
    from archive.content.model import SINGULAR_LABELS, field

    headers = {entity.id: _header(fixture_site.html(entity.url_path)) for entity in fixture_site.result.corpus.entities}
    for entity in fixture_site.result.corpus.entities:
        rows = headers[entity.id]
        assert "Type" not in rows and "Topics" not in rows, entity.id
        assert SINGULAR_LABELS[entity.type] not in {dd.get_text(strip=True) for dd in rows.values()}, entity.id
    from archive.content.kinds import LANGUAGES

    labelled = 0
    for entity in fixture_site.result.corpus.entities:
        rows = headers[entity.id]
        for name in ("language", "csl_type", "seen"):
            spec, value = field(entity.type, name), entity.get(name)
            if spec is None or value is None:
                continue
            shown = rows[spec.label].get_text(strip=True)
            expected = LANGUAGES[value][0] if spec.kind == "lang" else dict(spec.labels)[value]
            assert shown == expected != value, (entity.id, name, shown)
            labelled += 1
    assert labelled >= 4


def test_notes_sit_after_the_text_and_before_the_link_lists(fixture_site):
    soup = fixture_site.html("documents/doc-memo/")
    article = soup.select_one("article")
    order = [el for el in article.find_all(["h2", "div"]) if el.name == "h2" or "footnote" in (el.get("class") or [])]
    names = [el.get("id") or "notes-list" for el in order]
    notes = names.index("notes-list")
    assert names.index("discrepancies-in-the-source-article") < notes < names.index("related")
    assert "referenced-by" not in names or notes < names.index("referenced-by")


def test_the_discrepancy_section_names_the_article_it_discusses(fixture_site):
    """The article is what the claims cite (a claim says what the article says, with its locator)."""
    from archive.content import markup

    for entity in fixture_site.result.corpus.entities:
        items = entity.get("discrepancies") or []
        if not items:
            continue
        claimed = {i.source for d in items for c in markup.citations_in(d["claim"], 0)[0] for i in c.items}
        heading = fixture_site.html(entity.url_path).find(id="discrepancies-in-the-source-article")
        intro = heading.find_next_sibling("p")
        assert {a["href"].rstrip("/").split("/")[-1] for a in intro.find_all("a")} == claimed, entity.id


def test_the_documents_index_explains_supplied_titles_and_shows_original_titles(real_site):
    from archive.content.model import ENTITY_TYPES

    soup = real_site.html("documents/")
    intro = soup.select_one("article h1").find_next_sibling("p").get_text()
    assert ENTITY_TYPES["document"].index_note in intro and "[" in intro
    headings = [th.get_text(strip=True) for th in soup.select("article table th")]
    column = headings.index("Original title")
    rows = {tr.find("a")["href"].strip("/"): tr.find_all("td") for tr in soup.select("article table tbody tr")}
    documents = real_site.result.corpus.of_type("document")
    assert any(d.title.startswith("[") for d in documents) and any(d.get("title_original") for d in documents)
    for document in documents:
        cell = rows[document.id][column]
        assert cell.get_text(strip=True) == (document.get("title_original") or ""), document.id
        if document.get("title_original"):
            assert cell.find(attrs={"lang": True})["lang"] == "ja"


_KANA = re.compile("[\u3040-\u30ff]")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff]")


def _language_of(node) -> str | None:
    return next((el.get("lang") for el in node.parents if el.get("lang")), None)


def test_japanese_text_is_marked_japanese(real_site):
    """Every text in kana on an entity page, an index or the timeline is inside lang="ja"; text in Chinese
    characters alone inside ja or zh (a Chinese source's headline is zh), never the page's English. The cite
    box and the bibliography are left out: the citation step writes them."""
    from archive.content.model import FOLDERS
    from archive.pages.indexes import BIBLIOGRAPHY

    folders = set(FOLDERS.values())
    bibliography = real_site.site / BIBLIOGRAPHY.replace(".md", ".html")
    checked = 0
    for path in _pages(real_site.site):
        parts = path.relative_to(real_site.site).parts
        if path == bibliography or (parts[0] not in folders and parts[0] not in ("timeline", "changelog") and len(parts) > 1):
            continue
        article = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml").find("article")
        for box in article.select(".cite-box") if article else []:
            box.decompose()
        for text in article.find_all(string=_CJK) if article else []:
            lang = _language_of(text)
            assert lang == "ja" if _KANA.search(text) else lang in ("ja", "zh"), f"{path}: {text[:40]!r} in lang={lang}"
            checked += 1
    assert checked > 1000
    # A Chinese source's own headline is marked Chinese, not Japanese.
    chinese = [s for s in real_site.result.corpus.of_type("source") if s.get("language") == "zh" and s.get("title_original")]
    assert chinese
    for source in chinese:
        row = _header(real_site.html(source.url_path))["Original title"]
        assert row.find(attrs={"lang": True})["lang"] == "zh", source.id


def test_a_name_that_begins_with_the_is_not_given_a_second_article(real_site):
    """"the [[asahi-shimbun]]" links "The Asahi Shimbun", not "the The Asahi Shimbun"."""
    doubled = re.compile(r"\bthe\s+The\b")
    assert any(e.title.startswith("The ") for e in real_site.result.corpus.entities)
    offending = [p for p in _pages(real_site.site) if doubled.search(BeautifulSoup(p.read_text(encoding="utf-8"), "lxml").get_text(" "))]
    assert offending == []
