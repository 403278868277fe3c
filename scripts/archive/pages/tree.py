"""Generate the complete Markdown tree MkDocs renders, from the authored pages under docs/.

Authored files are only read. Output goes to a generated folder (build/docs by default), is
deterministic, and is written only where bytes changed, so `mkdocs serve` does not loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.content import changelog

from archive.citation import records

from archive.content import urls

from archive.citation import versions
from archive.content import graph as graph_mod
from archive.pages import indexes
from archive import runner
from archive.site import wholerecord
from archive.pages import topics
from archive.content.errors import ContentErrors
from archive.content.read import Corpus
from archive.content.model import TYPES
from archive.pages.entity import PageWriter
from archive.content.validate import check

# Authored folders copied verbatim into the generated tree (stylesheets, scripts, images).
STATIC_FOLDERS = ("assets",)

SITE = {
    "name": "Japan 1989 Diplomatic Records Archive",
    "description": (
        "A documentary archive of the diplomatic records from around 1989 that Japan's Ministry of Foreign "
        "Affairs released on 23 December 2020: the Shōwa funeral diplomacy, the enthronement, Japan–US and "
        "Japan–UK summitry, Tiananmen and Japan's opposition to joint sanctions, Asia-Pacific cooperation, "
        "Cambodia and the G7 Summit of the Arch and its Declaration on China. Every page cites its sources."
    ),
}


# Pages whose final Markdown is still being computed in a child process, by path in the generated
# tree: filled by generate(defer=True), emptied by the MkDocs hook (scripts/mkdocs_hooks.py), which
# takes each one's text when MkDocs reaches the page and writes it into the tree. `make site` defers
# the bibliography (citeproc, ~4 ms per source: 9 s at 10,000 documents) this way, so MkDocs starts
# rendering the other pages instead of waiting for it.
LATE: dict[str, runner.Job] = {}


@dataclass
class Result:
    corpus: Corpus
    pages: dict[str, str]
    written: list[str]
    removed: list[str]


def render_pages(corpus: Corpus, site: dict | None = None, late: dict | None = None) -> dict[str, str]:
    """Relative path -> Markdown for every generated page (assumes a valid corpus).

    With `late` (a dict), the bibliography is not waited for: its page is a placeholder with the final
    front matter, and its job goes into `late` under the page's path (see LATE)."""
    site = site or SITE
    by_type = {t: corpus.of_type(t) for t in TYPES}
    # citeproc, on another CPU; when late, after the cite boxes, which generation waits for.
    bibliography = runner.beside(indexes.bibliography, by_type["source"], nice=runner.NICE + (9 if late is not None else 0))
    index = corpus.by_id()
    links = graph_mod.build(corpus)
    writer = PageWriter(index, links, site)
    pages = {entity.md_path: writer.page(entity) for entity in corpus.entities}
    for type_name in TYPES:
        if type_name != "source":
            path, text = indexes.type_index(type_name, by_type[type_name])
            pages[path] = text
    if late is None:
        path, text = bibliography.result()
    else:
        path, text = indexes.BIBLIOGRAPHY, indexes.bibliography_placeholder()
        late[path] = bibliography
    pages[path] = text
    for path, text in (
        indexes.timeline(corpus.entities),
        indexes.home(by_type, site),
        topics.topics_page(corpus.entities),
        wholerecord.markdown(),
    ):
        pages[path] = text
    return pages


def take_late(path: str, out: Path) -> str:
    """The final text of a late page (waiting for it if need be), written into the generated tree."""
    text = LATE.pop(path).result()[1]
    (out / path).write_text(text, encoding="utf-8")
    return text


def abandon_late() -> None:
    """After a failed build: wait for the late pages' children, keep nothing."""
    jobs = list(LATE.values())
    LATE.clear()
    runner.settle(*jobs)


def _static_files(docs: Path) -> dict[str, bytes]:
    files = {}
    for folder in STATIC_FOLDERS:
        for path in sorted((docs / folder).rglob("*")) if (docs / folder).is_dir() else []:
            if path.is_file():
                files[path.relative_to(docs).as_posix()] = path.read_bytes()
    return files


def write_tree(out: Path, files: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """Make `out` hold exactly `files`: write changed ones, delete stale ones. Returns (written, removed)."""
    out.mkdir(parents=True, exist_ok=True)
    written, removed = [], []
    for rel, data in sorted(files.items()):
        target = out / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(rel)
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written, removed


def generate(docs: Path, out: Path, site: dict | None = None, release: versions.Release | None = None,
             defer: bool = False) -> Result:
    """Validate, then write the generated tree. Raises ContentErrors (and writes nothing) on any error.

    defer=True (only for a build that MkDocs runs next in this process, with the hook): late pages are
    written as placeholders and left in LATE for the hook."""
    corpus, errors = check(docs)
    if errors:
        raise ContentErrors(errors)
    site = site or SITE
    # Citable (issue 4): cite boxes, head metadata, records, open data, changelog, redirects; in a
    # child process while this one renders the pages (archive/runner.py).
    release = release or versions.current_release(site["name"])
    citable_job = runner.beside(records.build, corpus, docs, release, site["description"])
    LATE.clear()
    pages = render_pages(corpus, site, LATE if defer else None)
    citable_pages, citable_files = citable_job.result()
    pages.update(citable_pages)
    errors = urls.check(corpus, docs, list(pages))
    if errors:
        raise ContentErrors(errors)
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    files.update(citable_files)
    files.update(_static_files(docs))
    written, removed = write_tree(out, files)
    return Result(corpus, pages, written, removed)
