"""What makes the pages citable: in the generated tree, the changelog and data pages, open data and
the redirects of renamed pages (tree_files); beside it, for each page, its cite box, head metadata and
revision date, and its downloadable citation records (page_records).

The per-page values stay in memory with the build (archive/site/build.py): MkDocs parses front matter
with pure-Python YAML, so a cite box in each page's front matter would cost more than rendering the
page, and the records are written into the site beside the pages rather than copied there one by one
from the generated tree. MkDocs needs them only once every page's Markdown is rendered, so they can be
computed while it renders.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from archive import linked
from archive.citation import csl, formats, opendata
from archive.citation.head import HeadWriter
from archive.citation.versions import Release
from archive.content import changelog, dates, urls
from archive.content.model import FOLDERS
from archive.content.read import Corpus


@dataclass
class PageRecords:
    extras: dict[str, dict[str, str]] = field(default_factory=dict)  # page path -> template values
    downloads: dict[str, str] = field(default_factory=dict)  # site path -> citation record


def _corrections(entries: list[changelog.Entry]) -> str:
    if not entries:
        return ""
    items = "".join(
        f'<li><time datetime="{dates.parse(e.date).iso()}">{dates.parse(e.date).human()}</time>, {html.escape(e.kind)}: '
        f"{html.escape(e.text)}</li>"
        for e in entries
    )
    return f'<div class="cite-corrections"><p>Recorded changes to this page:</p><ul>{items}</ul></div>\n'


def page_records(corpus: Corpus, release: Release, revised: dict[str, str], only=None,
                 citeproc: csl.Citeproc | None = None) -> PageRecords:
    """Every page's cite box, head metadata, revision date and citation records (`revised`: id -> ISO
    date); `only`: those of these entities alone (the live preview's pages whose inputs changed)."""
    out = PageRecords()
    entities = corpus.entities if only is None else only
    log = corpus.changelog
    corrections = changelog.by_page(log)
    index = corpus.by_id()
    items = {e.id: formats.page_item(e, release, revised[e.id]) for e in entities}
    documents = {e.id: d for e in entities if (d := formats.document_item(e, index))}
    # One citeproc-js run formats every page's item and every document's, each alone.
    styled = formats.formatted(list(items.values()), list(documents.values()), citeproc)
    heads = HeadWriter(index, release)
    for entity in entities:
        item = items[entity.id]
        records = formats.records(item)
        links = {"changelog": posixpath.relpath(changelog.PAGE[: -len(".md")], entity.url_path) + "/"}
        folder = f"{FOLDERS[entity.type]}/{entity.id}"
        for key, _, ext in formats.DOWNLOADS:
            out.downloads[f"{folder}/{entity.id}.{ext}"] = records[key]
            links[key] = f"{entity.id}.{ext}"  # beside the page's index.html
        document = ""
        if entity.id in documents:
            doc = documents[entity.id]
            name = f"{doc['id']}.json"
            out.downloads[f"{folder}/{name}"] = record = formats.csl_json(doc)
            document = formats.document_box(doc, {s: styled[s][doc["id"]] for s, _ in formats.FORMATTED}, record, name)
        box = formats.cite_box(item, {s: styled[s][entity.id] for s, _ in formats.FORMATTED}, records, links,
                               _corrections(corrections.get(entity.id, [])), document)
        day = dates.parse(revised[entity.id])
        out.extras[entity.md_path] = {"archive_head": heads.head(entity, item), "archive_cite": box,
                                      "last_revised": day.iso(), "last_revised_text": day.human()}
    out.extras["index.md"] = {"archive_head": heads.site_head(release.description, list(opendata.DISTRIBUTIONS))}
    return out


def tree_files(corpus: Corpus, release: Release, revised: dict[str, str], memo=None) -> tuple[dict[str, str], dict[str, bytes]]:
    """(generated Markdown pages, other generated files): the changelog and data pages, open data, redirects.
    `memo`: the live preview's (opendata.archive)."""
    index = corpus.by_id()
    log = corpus.changelog
    pages = {changelog.PAGE: changelog.page(log, index), f"{opendata.FOLDER}/index.md": opendata.data_page(release)}
    files = opendata.files(corpus, release, revised, memo)
    for old, new in urls.redirects(corpus).items():
        target = index[new.strip("/").split("/")[-1]]
        page = urls.redirect_page(old, new, target.title, release.canonical(target.url_path))
        files[old.lstrip("/") + "index.html"] = page.encode("utf-8")
    return pages, files


def write_downloads(records: dict[str, str], site_dir: Path, store: linked.Store | None = None) -> int:
    """Write the citation records (site path -> text) into the site; returns how many. Paths are the
    generator's own (folder/id/id.ext), never authored text. `store`: where a whole build links them
    from (archive/linked.py), keeping there only these; None: each written (the plain path)."""
    folders = set()
    for rel, text in records.items():
        target = site_dir / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        data = text.encode("utf-8")
        # A file of its own, never written through: the one there may be linked from a store.
        target.unlink(missing_ok=True)
        if store is None or not store.link(data, target):
            target.write_bytes(data)
    if store is not None:
        store.prune()
    return len(records)
