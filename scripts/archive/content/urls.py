"""Permanent URLs: a committed manifest of every published URL, checked on every build, and redirects.

A page's URL comes from its type and id only. Once a URL is in the manifest (docs/urls.txt, next to
the content it describes) the build fails if that URL would stop working, unless the page that
replaced it lists the old id under `formerly:`, which generates a redirect page at the old URL.
`make urls` adds newly published URLs to the manifest; it never removes one.
"""

from __future__ import annotations

import html
import json
import posixpath
from pathlib import Path

from archive.content.errors import ContentError
from archive.content.model import FOLDERS, FORMERLY
from archive.content.read import Corpus, display_path

MANIFEST = "urls.txt"
HEADER = (
    "# Every URL this archive has published, one per line (paths from the site root).\n"
    "# The build fails if one of them would disappear: never delete a line. Renamed a page? Give the new page\n"
    "# `formerly: [old-id]` and the old URL redirects. Add new URLs with `make urls`.\n"
)


def url_of(md_path: str) -> str:
    """Site path of a generated Markdown page, as MkDocs publishes it (use_directory_urls)."""
    stem = md_path[: -len(".md")]
    if stem == "index":
        return "/"
    if stem.endswith("/index"):
        return "/" + stem[: -len("index")]
    return f"/{stem}/"


def redirects(corpus: Corpus) -> dict[str, str]:
    """Old URL -> URL of the page that replaced it, from every page's `formerly` list."""
    out = {}
    for entity in _placed(corpus):
        formerly = entity.get(FORMERLY)
        for old in formerly if isinstance(formerly, list) else []:
            out[f"/{FOLDERS[entity.type]}/{old}/"] = "/" + entity.url_path
    return out


def _placed(corpus: Corpus):
    """Entities whose URL is known (valid type and id); the others are validation errors already."""
    return [e for e in corpus.entities if e.type in FOLDERS and isinstance(e.id, str)]


def published(corpus: Corpus, pages) -> set[str]:
    """Every URL a build publishes: its pages (generated Markdown paths) and its redirects."""
    return {url_of(p) for p in pages} | set(redirects(corpus))


def read_manifest(docs: Path) -> list[tuple[int, str]] | None:
    """(line, URL) of every entry, or None when this docs tree has no manifest yet."""
    path = docs / MANIFEST
    if not path.is_file():
        return None
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append((number, line))
    return entries


def check(corpus: Corpus, docs: Path, pages: list[str] | None = None) -> list[ContentError]:
    """Errors for manifest URLs that would disappear.

    Without `pages` (the generated Markdown paths, known only after rendering) only URLs of content
    pages are checked, so `make check` stays fast; `generate` checks the rest."""
    entries = read_manifest(docs)
    if not entries:
        return []
    served = published(corpus, pages or []) | {"/" + e.url_path for e in _placed(corpus)}
    content_prefixes = tuple(f"/{folder}/" for folder in FOLDERS.values())
    shown = display_path(docs / MANIFEST, corpus.root.parent)
    errors = []
    for line, url in entries:
        if url in served:
            continue
        parts = url.strip("/").split("/")
        if url.startswith(content_prefixes) and len(parts) == 2 and (docs / parts[0] / f"{parts[1]}.md").is_file():
            continue  # the page is there but did not load: its own errors say why, no cascade
        if url.startswith(content_prefixes) and len(parts) == 2:
            fix = (
                f"if the page was renamed, add `formerly: [{parts[1]}]` to the front matter of the page that replaced it "
                f"(its old URL then redirects); if it was deleted, restore docs/{parts[0]}/{parts[1]}.md"
            )
        elif pages is None:
            continue  # a generated page: checked when the tree is generated
        else:
            fix = "restore the generated page that had this URL"
        errors.append(ContentError(shown, line, f"published URL {url} would disappear without a redirect: {fix}"))
    return errors


def update(docs: Path, urls: set[str]) -> list[str]:
    """Add `urls` to the manifest (creating it); returns the URLs added. Existing entries are kept."""
    entries = read_manifest(docs) or []
    known = {url for _, url in entries}
    added = sorted(urls - known)
    if added or not entries:
        (docs / MANIFEST).write_text(HEADER + "".join(f"{u}\n" for u in sorted(known | urls)), encoding="utf-8")
    return added


def redirect_page(old_url: str, new_url: str, title: str, canonical: str) -> str:
    """A static page at an old URL that sends readers (and search engines) to the new one. Its script
    keeps the #fragment of a citation of a section (the page's CSP allows it by its hash); without
    script, the refresh still reaches the page."""
    target = posixpath.relpath(new_url, old_url) + "/"
    t, c = html.escape(target), html.escape(title)
    script = f"location.replace({json.dumps(target)} + location.search + location.hash);"
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<script>{script}</script>\n"
        f"<title>Moved: {c}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{html.escape(canonical)}">\n'
        f'<meta http-equiv="refresh" content="0; url={t}">\n'
        f'</head>\n<body>\n<p>This page has moved to <a href="{t}">{c}</a>.</p>\n</body>\n</html>\n'
    )
