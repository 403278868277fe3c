"""What Zotero's "Save to Zotero" makes of a page's <head>: the rules of its Embedded Metadata translator
and of the RDF import it hands the tags to (zotero/translators, `Embedded Metadata.js` and `RDF.js`),
restated for the tags a page can carry. Zotero's translation-server is in no package registry, so the
tests read a page as these two translators do: which tag decides the item type, the creators, the
title, the website, the date, the URL, the language, the rights and Extra; then the fields the item
type has, since Zotero drops the others.

    python tests/support/zotero.py SITE_DIR   prints, per page type, what Zotero would save
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

# Embedded Metadata.js `_prefixes` (a <link rel="schema.X"> may add one)
PREFIXES = {
    "bib": "http://purl.org/net/biblio#", "bibo": "http://purl.org/ontology/bibo/",
    "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
    "prism": "http://prismstandard.org/namespaces/1.2/basic/", "foaf": "http://xmlns.com/foaf/0.1/",
    "z": "http://www.zotero.org/namespaces/export#", "eprints": "http://purl.org/eprint/terms/",
    "og": "http://ogp.me/ns#", "article": "http://ogp.me/ns/article#", "book": "http://ogp.me/ns/book#",
    "so": "http://schema.org/",
}
DC, DCT, OG, ARTICLE, SO, Z = (PREFIXES[k] for k in ("dc", "dcterms", "og", "article", "so", "z"))
# Zotero's item types (ZU.itemTypeExists), for a dc:type or z:itemType taken as a type name
ITEM_TYPES = {
    "artwork", "audioRecording", "bill", "blogPost", "book", "bookSection", "case", "computerProgram",
    "conferencePaper", "dataset", "dictionaryEntry", "document", "email", "encyclopediaArticle", "film",
    "forumPost", "hearing", "instantMessage", "interview", "journalArticle", "letter", "magazineArticle",
    "manuscript", "map", "newspaperArticle", "note", "patent", "podcast", "preprint", "presentation",
    "radioBroadcast", "report", "standard", "statute", "thesis", "tvBroadcast", "videoRecording", "webpage",
}
# RDF.js detectType: dc:type values that are not type names (lower-cased, spaces removed)
DC_TYPES = {"book": "book", "report": "report", "thesis": "thesis", "article": "journalArticle",
            "journalarticle": "journalArticle", "newsitem": "newspaperArticle", "webpage": "webpage",
            "homepage": "webpage", "dataset": "journalArticle", "workingpaper": "report"}
DC_GUESSES = {"event": "presentation", "text": "journalArticle", "image": "artwork", "software": "computerProgram"}
OG_TYPES = {"website": "webpage", "book": "book", "video.movie": "videoRecording", "video.other": "videoRecording"}
# Highwire tags that decide the type (Embedded Metadata.js init)
HW_TYPES = {"citation_journal_title": "journalArticle", "citation_technical_report_institution": "report",
            "citation_conference_title": "conferencePaper", "citation_conference": "conferencePaper",
            "citation_book_title": "bookSection", "citation_inbook_title": "bookSection",
            "citation_dissertation_institution": "thesis"}
# The fields (by their base names) that the types seen here keep; Zotero drops the others.
COMMON = {"title", "creators", "abstractNote", "date", "url", "accessDate", "language", "rights", "extra", "shortTitle"}
FIELDS = {
    "webpage": COMMON | {"publicationTitle", "websiteType"},  # publicationTitle is stored as websiteTitle
    "journalArticle": COMMON | {"publicationTitle", "journalAbbreviation", "volume", "issue", "pages"},
    "document": COMMON | {"publisher"},
    "presentation": COMMON | {"presentationType", "place"},
    "newspaperArticle": COMMON | {"publicationTitle", "place", "edition", "section"},
    "blogPost": COMMON | {"publicationTitle", "websiteType"},
}


def clean_author(name: str) -> dict:
    """ZU.cleanAuthor for a one-field name: the last word is the family name, the rest the given name."""
    if "," in name:
        last, first = [p.strip() for p in name.split(",", 1)]
        return {"lastName": last, "firstName": first}
    words = name.split()
    return {"lastName": words[-1], "firstName": " ".join(words[:-1])} if len(words) > 1 else {"lastName": name, "fieldMode": 1}


def _statements(head) -> tuple[dict[str, list[str]], str | None, str | None]:
    prefixes = dict(PREFIXES)
    for link in head.find_all("link", rel=True):
        for rel in link["rel"]:
            m = re.match(r"^schema\.([a-zA-Z]+)", rel)
            if m:
                prefixes[m.group(1).lower()] = link["href"]
    statements: dict[str, list[str]] = {}
    hw_type = hw_guess = None
    for meta in head.find_all("meta"):
        tags, value = meta.get("name") or meta.get("property"), meta.get("content")
        if not tags or not value:
            continue
        for tag in tags.split():
            parts = re.split(r"[.:_]", tag)
            prefix, length = None, 0
            if len(parts) > 2 and parts[1].lower() in prefixes:
                prefix, length = parts[1].lower(), len(parts[0]) + len(parts[1]) + 1
            if not prefix or prefix not in prefixes:
                prefix, length = parts[0].lower(), len(parts[0])
            if prefix in prefixes:
                prop = tag[length + 1:]
                statements.setdefault(prefixes[prefix] + prop[:1].lower() + prop[1:], []).append(value)
                continue
            short = tag[tag.rfind("citation_"):] if "citation_" in tag else tag
            if short in HW_TYPES:
                hw_type = HW_TYPES[short]
            elif short in ("citation_title", "citation_series_title"):
                hw_guess = hw_guess or "journalArticle"
            elif short == "citation_isbn":
                hw_guess = "book"
    return statements, hw_type, hw_guess


def _first(statements: dict, *props: str) -> str | None:
    for prop in props:
        if statements.get(prop):
            return statements[prop][0]
    return None


def _detect(st: dict, default: str) -> str:
    t: dict[str, str] = {}
    z = _first(st, Z + "itemType", Z + "type")
    if z in ITEM_TYPES:
        t["zotero"] = z
    dc = _first(st, DC + "type", DCT + "type")
    if dc:
        if dc in ITEM_TYPES:
            t["dc"] = dc
        elif dc.lower().replace(" ", "") in DC_TYPES:
            t["dc"] = DC_TYPES[dc.lower().replace(" ", "")]
        elif dc.lower().replace(" ", "") in DC_GUESSES:
            t["dcGuess"] = DC_GUESSES[dc.lower().replace(" ", "")]
    og = _first(st, OG + "type")
    if og in OG_TYPES:
        t["og"] = OG_TYPES[og]
    elif og == "article":
        t["ogGuess"] = "journalArticle"
    for key in ("zotero", "og", "dc"):
        if key in t:
            return t[key]
    return default or t.get("ogGuess") or t.get("dcGuess")


def _meta(head, name: str) -> str | None:
    """getContentText: the first <meta name> ending in `name`."""
    for meta in head.find_all("meta", attrs={"name": True}):
        if meta["name"].endswith(name) and meta.get("content", "").strip():
            return " ".join(meta["content"].split())
    return None


def saved_item(html: str) -> dict:
    """The item Zotero's Embedded Metadata translator saves from a page."""
    soup = BeautifulSoup(html, "lxml")
    head = soup.head
    st, hw_type, hw_guess = _statements(head)
    item_type = hw_type or _detect(st, hw_guess or "webpage") if st else (hw_type or hw_guess)
    item: dict = {"itemType": item_type}
    # RDF.js importItem
    item["title"] = _first(st, DC + "title", DCT + "title", OG + "title", SO + "headline")
    creators = st.get(SO + "author") or st.get(SO + "creator") or st.get(DC + "creator") or st.get(DCT + "creator") \
        or st.get(DC + "contributor") or st.get(DCT + "contributor") or []
    item["creators"] = [clean_author(c) for c in creators]
    item["publicationTitle"] = _first(st, DC + "source", DCT + "source")
    site = _first(st, OG + "site_name")
    if site and not item["publicationTitle"] and item_type in ("blogPost", "webpage", "newspaperArticle"):
        item["publicationTitle"] = site
    item["journalAbbreviation"] = _first(st, DCT + "alternative")
    item["rights"] = _first(st, DC + "rights", DCT + "rights", SO + "license")
    item["date"] = _first(st, OG + "published_time", ARTICLE + "published_time", DC + "date.issued",
                          DCT + "date.issued", DCT + "issued", DC + "date", DCT + "date", DCT + "dateSubmitted",
                          SO + "datePublished")
    item["url"] = _first(st, OG + "url", SO + "url")
    item["abstractNote"] = _first(st, OG + "description", DCT + "abstract", SO + "description")
    item["language"] = _first(st, DC + "language", DCT + "language", SO + "inLanguage")
    item["extra"] = _first(st, Z + "extra")
    item["edition"] = _first(st, SO + "version")
    # Embedded Metadata.js addHighwireMetadata: Highwire values override
    for tag, field in (("citation_title", "title"), ("citation_publication_date", "date"), ("citation_date", "date"),
                       ("citation_journal_title", "publicationTitle"), ("citation_publisher", "publisher"),
                       ("citation_public_url", "url"), ("citation_language", "language"),
                       ("citation_abstract", "abstractNote")):
        value = _meta(head, tag)
        if value:
            item[field] = value
    authors = [m["content"] for m in head.find_all("meta", attrs={"name": re.compile("citation_authors?$")})]
    if authors:
        item["creators"] = [clean_author(a) for group in authors for a in group.split(";") if a.strip()]
    item["date"] = item["date"] or _meta(head, "citation_online_date")
    item["url"] = item["url"] or _meta(head, "citation_abstract_html_url")
    # addLowQualityMetadata
    if not item["creators"]:
        item["creators"] = [clean_author(m["content"]) for m in head.find_all("meta", attrs={"name": re.compile("^author$", re.I)})]
    item["abstractNote"] = item["abstractNote"] or _meta(head, "description")
    if not item["url"]:
        canonical = head.find("link", rel="canonical")
        item["url"] = canonical["href"] if canonical else None
    item["language"] = item["language"] or (soup.html.get("lang") if soup.html else None)
    if not item["date"]:
        time = soup.find("time", datetime=True)
        item["date"] = time["datetime"] if time else None
    item["accessDate"] = "CURRENT_TIMESTAMP"
    keep = FIELDS.get(item_type, COMMON | {"publicationTitle"})
    return {k: v for k, v in item.items() if k == "itemType" or (k in keep and v not in (None, "", []))}


PAGE_TYPES = ("documents", "events", "people", "organizations", "sources", "essays", "files")


def sample_pages(site: Path) -> dict[str, Path]:
    """One page of each type (the first in name order), and the home page."""
    out = {"home": site / "index.html"}
    for folder in PAGE_TYPES:
        pages = sorted(p for p in (site / folder).glob("*/index.html"))
        if pages:
            out[folder] = pages[0]
    return out


if __name__ == "__main__":
    for kind, page in sample_pages(Path(sys.argv[1])).items():
        print(f"{kind} ({page.parent.name}):")
        for key, value in saved_item(page.read_text(encoding="utf-8")).items():
            print(f"    {key}: {value}")
