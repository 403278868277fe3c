"""Site search at any size: a Pagefind index, chunked so a reader downloads only what a query needs.

Material's own search ships one lunr index of every page (tens of MB at 10,000 documents) that
the browser downloads before the first result. Pagefind splits the index into small chunks and
fragments. Material's header search box stays; docs/overrides/assets/javascripts/search.js asks
Pagefind and renders the results (every one reachable, the true count), and a stub worker
(search-worker.js) keeps Material's own search quiet.

One index for both languages, without a language's rules: Pagefind's Japanese segmentation cut
English words into Japanese-looking pieces, and its segmenter and the browser's disagree on where
Japanese words end, so both gave hits on pages without the query. Here English words are matched by
prefix ('sanction' finds 'sanctions'; no stemming), and every Japanese or Chinese character is a word
of its own, so a Japanese query is an exact phrase of characters (search.js): a page matches when it
holds the query's characters in that order, wherever the words break.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from archive.pages.paging import LISTING
from archive.runner import BESIDE

BUNDLE = "pagefind"  # folder in site/ holding the index and Pagefind's own scripts
LANGUAGE = "und"  # BCP 47 "undetermined": Pagefind applies no stemmer and no segmenter
# Not indexed: permalinks, buttons, footnote back-links, the labels of a page's header ("Original
# title", "Published in") and what only screen readers hear ("(external site)"), so that result
# excerpts show what a page says, not its form; the header's values stay.
EXCLUDE = ".headerlink, .md-content__button, .footnote-backref, .entity-meta dt, .visually-hidden"
# Types of page that are the record itself, ranked above what is said about them (sources, essays):
# they carry the Pagefind filter rank:primary, whose results search.js lifts, above all for a query
# that names one of their topics (topic_word). Pagefind's own weights act on words, not on a
# whole page, and its scores saturate: a short press report with the word in its title scores as
# high as a long document about it.
PRIMARY = ("document", "event")
# Scripts written without spaces between words, and their punctuation (「」、。（）): each character
# becomes a word of its own (spaced), so that a Japanese query is a phrase of characters.
WIDE = ("\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff9f\U00020000-\U0002fa1f")
# Pagefind keeps a word with a quotation mark or apostrophe attached (sanctions”, Thatcher's) as a
# word of its own, which a query for the bare word also matches: being rare, it scored a press
# report's quoted headline five times the record's own pages. Set apart, it is the same word.
APART = re.compile(f"(?<=[{WIDE}])(?=\\S)|(?<=\\S)(?=[{WIDE}])|(?<=[‘“])(?=\\S)|(?<=\\S)(?=[’”])|(?<=\\w)(?='\\w)")
_SPECIAL = re.compile(f"[{WIDE}‘“’”']")  # a character APART sets apart, or one it looks at
TAG = re.compile(r"(<[^>]*>)")
# A listing's section on an entity page: its heading (classed LISTING) to the next section's heading or
# the end (without_listings). Like the listing pages (indexed()), it repeats other pages' titles: a hub's
# "Cited by", a file's documents, and a page's notes, each a source's title with a locator. Indexed, a
# source cited by thousands of documents matched every query that named one of them (the source's own
# page, which lists them, is what such a query should find), and these sections were most of what Pagefind
# read.
LISTING_HEADING = re.compile(rf'<h2[^>]*\bclass="{LISTING}"[^>]*>')
NEXT_SECTION = re.compile(r"<h2[\s>]")
TOPIC = "zqxtopic_"  # the beginning of a topic's word (topic_word)
SCRIPTS = (Path("assets/javascripts/search.js"), Path("assets/javascripts/search-worker.js"))  # ours


class SearchIndexFailed(Exception):
    pass


def indexed(meta: dict) -> bool:
    """Whether a page goes into the index. Generated listings (home, type indexes, timeline,
    bibliography, the whole-record page) stay out: they repeat every title in the archive, so they
    would match most queries and be the largest fragments a reader downloads (256 KB for the
    documents index at 10,000 documents, against about 3 KB for a document)."""
    return not meta.get("generated")


def _scratch() -> str | None:
    """A memory-backed folder for the pages Pagefind reads, where the machine has one: creating a
    file on disk costs an order of magnitude more than on tmpfs, and MkDocs waits for each one.
    None: the system's temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


class Indexer:
    """Pagefind over each indexed page's content, started as soon as MkDocs has turned every page's
    Markdown into HTML, so that it runs while MkDocs fills in the templates and writes the site.

    Each indexed page's content (the article, without header, navigation, cite box or footer) is
    written at its URL into a folder of its own as a minimal HTML page. Pagefind indexes that content
    and takes the title from its first <h1>: the index the finished pages gave (when they were indexed
    after the build, with data-pagefind-body on the article) without waiting for them or parsing their
    navigation.
    """

    def __init__(self):
        self.pages = Path(tempfile.mkdtemp(prefix="archive-search-", dir=_scratch()))
        self.process: subprocess.Popen | None = None

    def add(self, url: str, title: str, content: str, meta: dict) -> None:
        """A page's content as MkDocs rendered it, at its site-relative URL ("documents/x/"), with
        its front matter (the generated page's: its type and topics)."""
        target = self.pages / url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(index_page(title, content, meta.get("archive_type"), meta.get("tags") or ()), encoding="utf-8")

    def start(self, site: Path) -> None:
        """Index every added page into site/pagefind/, in the background."""
        cmd = [
            sys.executable, "-m", "pagefind", "--site", str(self.pages), "--output-path", str(site / BUNDLE),
            "--force-language", LANGUAGE, "--exclude-selectors", EXCLUDE, "--silent",
        ]
        nice = shutil.which("nice")  # below MkDocs, which it runs beside (archive/runner.py: BESIDE)
        if nice:
            cmd = [nice, "-n", str(BESIDE), *cmd]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait(self, site: Path) -> None:
        try:
            output, _ = self.process.communicate()
            if self.process.returncode != 0 or not (site / BUNDLE / "pagefind-entry.json").is_file():
                raise SearchIndexFailed(f"pagefind failed ({self.process.returncode}): {output.strip()[-2000:]}")
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop Pagefind if it still runs and remove the pages folder (after a failed build too)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.pages, ignore_errors=True)


def index(pages: list, site: Path) -> None:
    """Index `pages` ((content, meta): wholerecord.Printed and the page's front matter) into site/pagefind/."""
    indexer = Indexer()
    try:
        for page, meta in pages:
            indexer.add(page.url, page.title, page.html, meta)
        indexer.start(site)
    except BaseException:
        indexer.stop()
        raise
    indexer.wait(site)


def spaced(content: str) -> str:
    """HTML with a space after and before each character of WIDE and each quotation mark or
    apostrophe attached to a word (APART), in text only, never inside a tag, and across tags as if
    they were not there. search.js takes the spaces out again in what it shows."""
    parts, last = [], ""  # the text's last character so far: tags do not part words (<span lang>)
    for part in TAG.split(content):
        if part and not part.startswith("<"):
            text = part
            if _SPECIAL.search(text) or _SPECIAL.match(last):  # else APART finds nothing to set apart
                part = APART.sub(" ", last + text)[len(last):]
            last = text[-1]
        parts.append(part)
    return "".join(parts)


def topic_word(topic: str) -> str:
    """The word that stands for a topic in the index: never typed by a reader, never the beginning
    of another topic's word (search.js makes the same from a query)."""
    plain = "".join(c for c in unicodedata.normalize("NFD", topic.lower()) if not unicodedata.combining(c))
    return TOPIC + re.sub(r"[\W_]+", "_", plain).strip("_") + "__"


def index_page(title: str, content: str, kind: str | None = None, topics=()) -> str:
    """The page Pagefind reads: the content, then the topics' names as the page's chips show them (a
    page is found by a topic it is tagged with, not by the notes that named it in a source's title);
    the title, which Pagefind indexes too (so spaced as the content is); the rank (PRIMARY) as a
    filter; the topics as words of their own (topic_word), in metadata that no result shows. (Not a
    filter: Pagefind writes a filter of many values in a different order from one build to the next.)"""
    meta = {"title": APART.sub(" ", title), "topics": " ".join(topic_word(t) for t in topics)}
    head = "".join(f'<meta data-pagefind-meta="{name}[content]" content="{html.escape(value)}">' for name, value in meta.items() if value)
    if kind in PRIMARY:
        head += '<meta data-pagefind-filter="rank[content]" content="primary">'
    chips = f"<p>{spaced(html.escape(', '.join(topics)))}</p>\n" if topics else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"{head}</head><body><div data-pagefind-body>\n{spaced(without_listings(content))}\n{chips}</div></body></html>\n"
    )


def without_listings(content: str) -> str:
    """A page's content without its listings' sections (LISTING_HEADING to NEXT_SECTION or the end). Found
    with str slices between searches: one lazy pattern to the next heading tried its lookahead at every
    character of every page, ten times as long."""
    if LISTING not in content:
        return content
    kept, at = [], 0
    while (heading := LISTING_HEADING.search(content, at)) is not None:
        kept.append(content[at:heading.start()])
        following = NEXT_SECTION.search(content, heading.end())
        at = following.start() if following else len(content)
    kept.append(content[at:])
    return "".join(kept)


def index_bytes(site: Path) -> int:
    """Total size of the search bundle on disk (what a host stores, not what a reader downloads)."""
    return sum(p.stat().st_size for p in (site / BUNDLE).rglob("*") if p.is_file())


def first_result_bytes(site: Path, results: int = 10) -> int:
    """Upper bound of the bytes a reader downloads from opening search to seeing the first results.

    Our scripts, Material's (empty) lunr stub, Pagefind's loader, worker, WebAssembly and metadata,
    the largest index chunk (a one-word query loads one chunk), the rank filter and the `results`
    largest fragments (one per result shown). Sizes on disk: HTTP compression by the host only
    makes it smaller.
    """
    bundle = site / BUNDLE
    language = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"][LANGUAGE]
    fixed = [site / path for path in SCRIPTS] + [site / "search" / "search_index.json"] + [
        bundle / name
        for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", f"pagefind.{language['hash']}.pf_meta",
                     f"wasm.{language['wasm'] or 'unknown'}.pagefind")  # no stemmer: the generic module
    ] + list((bundle / "filter").glob("*.pf_filter"))
    chunks = sorted((p.stat().st_size for p in (bundle / "index").glob("*.pf_index")), reverse=True)
    fragments = sorted((p.stat().st_size for p in (bundle / "fragment").glob("*.pf_fragment")), reverse=True)
    return sum(p.stat().st_size for p in fixed) + sum(chunks[:1]) + sum(fragments[:results])
