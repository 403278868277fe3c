"""Everything that makes the pages citable, computed in one pass over the corpus: the cite box and head
metadata of every page, the downloadable citation records, open data, the changelog and data pages,
and the redirects of renamed pages.

Per-page HTML for the <head> and the cite box goes into one side file of the generated tree,
PAGE_EXTRAS, that the MkDocs hook scripts/mkdocs_citable.py hands to the templates. It is not put
in each page's front matter because MkDocs parses front matter with pure-Python YAML: measured, a
3.6 KB value costs 4 ms per page, 40 s for 10,000 pages, more than the rest of the build.
"""

from __future__ import annotations

import html
import json
import posixpath
from pathlib import Path

from archive.content import changelog

from archive.citation import formats

from archive.content import dates

from archive.citation import opendata

from archive.content import urls

from archive.citation import versions
from archive.content.read import Corpus
from archive.citation.head import HeadWriter
from archive.content.model import FOLDERS
from archive.citation.versions import Release

PAGE_EXTRAS = ".archive-page-extras.json"  # a dotfile: MkDocs does not publish it
# The downloadable citation records (three per page), in one side file that the hook writes out into the
# site beside each page while MkDocs renders (write_downloads): as files of the generated tree they
# were written there, then copied one by one into the site by MkDocs, a fifth of the build's overhead.
DOWNLOADS = ".archive-downloads.json"


def _corrections(entries: list[changelog.Entry]) -> str:
    if not entries:
        return ""
    items = "".join(
        f'<li><time datetime="{dates.parse(e.date).iso()}">{dates.parse(e.date).human()}</time>, {html.escape(e.kind)}: '
        f"{html.escape(e.text)}</li>"
        for e in entries
    )
    return f'<div class="cite-corrections"><p>Recorded changes to this page:</p><ul>{items}</ul></div>\n'


def build(corpus: Corpus, docs: Path, release: Release, description: str) -> tuple[dict[str, str], dict[str, bytes]]:
    """(generated Markdown pages, other generated files) for a valid corpus."""
    index = corpus.by_id()
    revised = versions.revision_dates(docs, corpus.entities, release.revised)
    log, _ = changelog.load(docs, corpus)
    corrections = changelog.by_page(log)
    items = {e.id: formats.page_item(e, release, revised[e.id]) for e in corpus.entities}
    styled = formats.formatted(list(items.values()))  # one citeproc run per style for every page
    heads = HeadWriter(index, release)

    files: dict[str, bytes] = {}
    downloads: dict[str, str] = {}  # site path -> record
    extras: dict[str, dict[str, str]] = {}
    for entity in corpus.entities:
        item = items[entity.id]
        records = formats.records(item)
        links = {"changelog": posixpath.relpath(changelog.PAGE[: -len(".md")], entity.url_path) + "/"}
        for key, _, ext in formats.DOWNLOADS:
            downloads[f"{FOLDERS[entity.type]}/{entity.id}/{entity.id}.{ext}"] = records[key]
            links[key] = f"{entity.id}.{ext}"  # beside the page's index.html
        box = formats.cite_box(item, {s: styled[s][entity.id] for s, _ in formats.FORMATTED}, records, links,
                            _corrections(corrections.get(entity.id, [])))
        extras[entity.md_path] = {"archive_head": heads.head(entity, item), "archive_cite": box}
    extras["index.md"] = {"archive_head": heads.site_head(description, list(opendata.DISTRIBUTIONS))}

    for old, new in urls.redirects(corpus).items():
        target = index[new.strip("/").split("/")[-1]]
        page = urls.redirect_page(old, new, target.title, release.canonical(target.url_path))
        files[old.lstrip("/") + "index.html"] = page.encode("utf-8")
    files.update(opendata.files(corpus, release, revised))
    files[PAGE_EXTRAS] = json.dumps(extras, ensure_ascii=False, sort_keys=True).encode("utf-8")
    files[DOWNLOADS] = json.dumps(downloads, ensure_ascii=False, sort_keys=True).encode("utf-8")
    pages = {
        changelog.PAGE: changelog.page(log, index),
        f"{opendata.FOLDER}/index.md": opendata.data_page(release),
    }
    return pages, files


def write_downloads(generated: Path, site_dir: Path) -> int:
    """Write the citation records of the generated tree's DOWNLOADS file into the site (no-op without
    one); returns how many. Paths are the generator's own (folder/id/id.ext), never authored text."""
    bundle = generated / DOWNLOADS
    if not bundle.is_file():
        return 0
    records = json.loads(bundle.read_text(encoding="utf-8"))
    folders = set()
    for rel, text in records.items():
        target = site_dir / rel
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(text.encode("utf-8"))
    return len(records)
