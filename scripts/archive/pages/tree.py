"""Generate the complete Markdown tree MkDocs renders, from the authored pages under docs/.

Authored files are only read. Output goes to a generated folder (build/docs by default), is
deterministic, and is written only where bytes changed, so `mkdocs serve` does not loop. What the
pages need from the build but MkDocs should not parse (cite boxes, head metadata, citation records,
the order of the whole-record page) comes back in memory with the tree (Generated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.citation import formats, records, versions
from archive.citation.versions import Release
from archive.content import graph, urls
from archive.content.errors import ContentErrors
from archive.content.model import ENTITY_TYPES, PLURAL_LABELS, TYPES
from archive.content.read import Corpus
from archive.content.validate import check
from archive.pages import feed, indexes, paging, topics, wholerecord
from archive.pages.entity import PageWriter
from archive.pages.paging import Limits
from archive.runner import Job, Serial

# Authored folders copied verbatim into the generated tree (stylesheets, scripts, images).
STATIC_FOLDERS = ("assets",)


@dataclass
class Generated:
    corpus: Corpus
    pages: dict[str, str]  # path in the tree -> Markdown
    revised: dict[str, str]  # id -> ISO date the page was last revised
    records: Job  # records.PageRecords, perhaps still being computed beside the build
    reading_order: list[wholerecord.Volume]  # the whole record's print pages, each with its page paths
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def page_records(self) -> records.PageRecords:
        return self.records.result()


def render_pages(corpus: Corpus, release: Release, runner=None, revised: dict[str, str] | None = None,
                 limits: Limits = Limits()) -> tuple[dict[str, str], list[wholerecord.Volume]]:
    """(relative path -> Markdown for every generated page, the whole record's volumes), for a valid corpus.
    `revised` (id -> ISO date) gives the bibliography its access dates."""
    runner = runner or Serial()
    by_type = {t: corpus.of_type(t) for t in TYPES}
    bibliography = runner.beside(indexes.bibliography, by_type["source"], revised or {})  # citeproc-js, on another CPU
    writer = PageWriter(corpus.by_id(), graph.build(corpus), limits)
    pages = {entity.md_path: writer.page(entity) for entity in corpus.entities}
    sizes = {path: len(text) for path, text in pages.items()}
    pages.update(writer.continued)
    ordered = {}
    for type_name in TYPES:
        if type_name != "source":
            pages.update(indexes.type_index(type_name, by_type[type_name], limits))
            ordered[type_name] = indexes.ordered(type_name, by_type[type_name])
    path, pages[path], ordered["source"] = bibliography.result()
    index = corpus.by_id()
    if formats.HOW_TO_CITE in index and by_type["document"]:
        example = index.get(formats.EXAMPLE_PAGE) or by_type["document"][0]
        item = formats.page_item(example, release, (revised or {}).get(example.id, release.built or "2000"))
        pages[index[formats.HOW_TO_CITE].md_path] += "\n" + formats.worked_example(example, item)
    pages.update(indexes.timeline(corpus.entities, limits))
    pages.update(topics.topics_page(corpus.entities, limits))
    path, pages[path] = indexes.home(by_type, release.site_name, release.description)
    reading = sorted(TYPES, key=lambda t: ENTITY_TYPES[t].print_order)
    order = [(PLURAL_LABELS[t], [e.md_path for e in ordered[t]]) for t in reading if ordered[t]]
    by_path = {e.md_path: e for e in corpus.entities}
    volumes = wholerecord.volumes(order, sizes, limits.volume, lambda run: paging.span(
        paging.mark(by_path[run[0]]), paging.mark(by_path[run[-1]])))
    pages.update(wholerecord.markdown(volumes))
    if len(volumes) > 1:  # each printed page links to the volume that holds it
        for volume in volumes:
            for _, paths in volume.sections:
                for page_path in paths:
                    pages[page_path] += wholerecord.volume_note(page_path, volume)
    return pages, volumes


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
        if path.name.startswith("."):  # not ours (build/docs/.gitkeep); MkDocs skips dotfiles too
            continue
        if path.is_file() and rel not in files:
            path.unlink()
            removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written, removed


def generate(docs: Path, out: Path, release: Release, runner=None, limits: Limits = Limits()) -> Generated:
    """Validate, then write the generated tree. Raises ContentErrors (and writes nothing) on any error.
    `limits`: how long a listing or a printed volume grows before it is split."""
    runner = runner or Serial()
    corpus, errors = check(docs)
    if errors:
        raise ContentErrors(errors)
    revised = versions.revision_dates(docs, corpus.entities, release.revised)
    # Beside the pages: the open data; and, yielding to everything else, the cite boxes and head
    # metadata, which MkDocs needs only once it has rendered every page's Markdown.
    tree_job = runner.beside(records.tree_files, corpus, release, revised)
    records_job = runner.beside(records.page_records, corpus, release, revised, later=True)
    pages, order = render_pages(corpus, release, runner, revised, limits)
    citable_pages, citable_files = tree_job.result()
    pages.update(citable_pages)
    errors = urls.check(corpus, docs, list(pages))
    if errors:
        raise ContentErrors(errors)
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    files.update(citable_files)
    files[feed.PATH] = _feed(corpus, release, revised)
    files.update(_static_files(docs))
    written, removed = write_tree(out, files)
    return Generated(corpus, pages, revised, records_job, order, written, removed)


def _feed(corpus: Corpus, release: Release, revised: dict[str, str]) -> bytes:
    entries = feed.page_entries(corpus.entities, revised) + feed.changelog_entries(corpus.changelog, corpus.by_id())
    return feed.atom(entries, release.canonical_base, release.site_name, release.description)
