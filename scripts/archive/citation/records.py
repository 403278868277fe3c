"""Everything that makes the pages citable, computed in one pass over the corpus: the cite box, head
metadata and revision date of every page, the downloadable citation records, open data, the changelog
and data pages, and the redirects of renamed pages.

The per-page HTML and the records stay in memory (Citable), with the build (archive/site/build.py):
MkDocs parses front matter with pure-Python YAML, so a cite box in each page's front matter would
cost more than rendering the page, and the records are written into the site beside the pages rather
than copied there one by one from the generated tree.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from archive.citation import formats, opendata, versions
from archive.citation.head import HeadWriter
from archive.citation.versions import Release
from archive.content import changelog, dates, urls
from archive.content.model import FOLDERS
from archive.content.read import Corpus


@dataclass
class Citable:
    pages: dict[str, str] = field(default_factory=dict)  # generated Markdown: the changelog and data pages
    files: dict[str, bytes] = field(default_factory=dict)  # other generated files: open data, redirects
    extras: dict[str, dict[str, str]] = field(default_factory=dict)  # page path -> template values
    downloads: dict[str, str] = field(default_factory=dict)  # site path -> citation record
    revised: dict[str, str] = field(default_factory=dict)  # id -> ISO date the page was last revised


def _corrections(entries: list[changelog.Entry]) -> str:
    if not entries:
        return ""
    items = "".join(
        f'<li><time datetime="{dates.parse(e.date).iso()}">{dates.parse(e.date).human()}</time>, {html.escape(e.kind)}: '
        f"{html.escape(e.text)}</li>"
        for e in entries
    )
    return f'<div class="cite-corrections"><p>Recorded changes to this page:</p><ul>{items}</ul></div>\n'


def build(corpus: Corpus, docs: Path, release: Release) -> Citable:
    """Everything citable of a valid corpus."""
    index = corpus.by_id()
    out = Citable(revised=versions.revision_dates(docs, corpus.entities, release.revised))
    log, _ = changelog.load(docs, corpus)
    corrections = changelog.by_page(log)
    items = {e.id: formats.page_item(e, release, out.revised[e.id]) for e in corpus.entities}
    styled = formats.formatted(list(items.values()))  # one citeproc run per style for every page
    heads = HeadWriter(index, release)
    for entity in corpus.entities:
        item = items[entity.id]
        records = formats.records(item)
        links = {"changelog": posixpath.relpath(changelog.PAGE[: -len(".md")], entity.url_path) + "/"}
        for key, _, ext in formats.DOWNLOADS:
            out.downloads[f"{FOLDERS[entity.type]}/{entity.id}/{entity.id}.{ext}"] = records[key]
            links[key] = f"{entity.id}.{ext}"  # beside the page's index.html
        box = formats.cite_box(item, {s: styled[s][entity.id] for s, _ in formats.FORMATTED}, records, links,
                               _corrections(corrections.get(entity.id, [])))
        revised = dates.parse(out.revised[entity.id])
        out.extras[entity.md_path] = {"archive_head": heads.head(entity, item), "archive_cite": box,
                                      "last_revised": revised.iso(), "last_revised_text": revised.human()}
    out.extras["index.md"] = {"archive_head": heads.site_head(release.description, list(opendata.DISTRIBUTIONS))}
    for old, new in urls.redirects(corpus).items():
        target = index[new.strip("/").split("/")[-1]]
        page = urls.redirect_page(old, new, target.title, release.canonical(target.url_path))
        out.files[old.lstrip("/") + "index.html"] = page.encode("utf-8")
    out.files.update(opendata.files(corpus, release, out.revised))
    out.pages[changelog.PAGE] = changelog.page(log, index)
    out.pages[f"{opendata.FOLDER}/index.md"] = opendata.data_page(release)
    return out


def write_downloads(records: dict[str, str], site_dir: Path) -> int:
    """Write the citation records (site path -> text) into the site; returns how many. Paths are the
    generator's own (folder/id/id.ext), never authored text."""
    folders = set()
    for rel, text in records.items():
        target = site_dir / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(text.encode("utf-8"))
    return len(records)
