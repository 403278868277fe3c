"""The page that prints the whole record (print_page/): every entity page's rendered content, in
reading order, on one page, for printing or saving as a PDF.

The generator writes an ordinary page holding a placeholder; the MkDocs hook collects each page's
content as MkDocs renders it, has body() assemble them while MkDocs fills the templates, and puts
the result in the placeholder after the build. Each page's
content is rendered once (by MkDocs, for its own page) and rewritten here with one pass over its
attributes: ids are prefixed with the page's anchor so they stay unique, links to printed pages
become links within this page, other relative links are re-based on print_page/, and headings
move two levels down under the section headings.

This replaces mkdocs-print-site-plugin, which loaded its script on every page of the site and cost
as much as a fifth of the build at 1,000 documents (its anchor rewriting runs many regular
expressions over every page).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from archive.pages.markdown import front_matter

URL = "print_page/"
SOURCE = "print_page.md"
TITLE = "The whole record"
PLACEHOLDER = '<div id="archive-whole-record"></div>'

_ATTRIBUTE = re.compile(r'(\s(?:id|href|src)=")([^"]*)"')
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")


class PrintPageError(Exception):
    pass


def markdown() -> tuple[str, str]:
    """(path, Markdown) of the generated page that the hook later fills."""
    text = (
        front_matter({"title": TITLE, "generated": True, "hide": ["toc"]})
        + f"# {TITLE}\n\n"
        "Every page of the archive on one page, in reading order (essays, then documents and events by date, "
        "people, organisations and the bibliography), to print or save as a PDF. Links between pages point "
        "within this page; each page ends with its address online.\n\n"
        f"{PLACEHOLDER}\n"
    )
    return SOURCE, text


def anchor(url: str) -> str:
    """The id of a printed page: its URL with slashes as hyphens (documents/x/ -> documents-x)."""
    return url.strip("/").replace("/", "-") or "home"


@dataclass
class Printed:
    url: str  # site-relative, as MkDocs gives it: "documents/x/"
    title: str
    html: str


def rewrite(page: Printed, anchors: dict[str, str]) -> str:
    """The page's content as a part of print_page/ (see the module docstring). `anchors`: URL without its
    slashes -> anchor, for every printed page."""
    own = anchors[page.url.strip("/")]
    base = page.url

    def attribute(match: re.Match) -> str:
        prefix, value = match.group(1), match.group(2)
        if prefix.endswith('id="'):
            return f'{prefix}{own}--{value}"'
        if value.startswith("#"):
            return f'{prefix}#{own}--{value[1:]}"'
        if not value or _SCHEME.match(value) or value.startswith("/"):
            return match.group(0)
        path, hash_, fragment = value.partition("#")
        target = posixpath.normpath(posixpath.join(base, path)) if path else base
        target = "" if target == "." else target.strip("/")
        if target in anchors:
            name = anchors[target]
            return f'{prefix}#{name}--{fragment}"' if fragment else f'{prefix}#{name}"'
        slash = "/" if path.endswith("/") and target else ""
        return f'{prefix}../{target}{slash}{hash_}{fragment}"'

    content = _ATTRIBUTE.sub(attribute, page.html)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", content)


def body(sections: list[tuple[str, list[Printed]]], site_url: str) -> str:
    """The HTML that replaces the placeholder: a table of contents, then every section and page."""
    anchors = {page.url.strip("/"): anchor(page.url) for _, pages in sections for page in pages}
    toc, parts = [], []
    for number, (title, pages) in enumerate(sections, 1):
        section_id = f"whole-record-{number}"
        toc.append(f'<li><a href="#{section_id}">{html.escape(title)}</a><ol>')
        toc.extend(f'<li><a href="#{anchors[p.url.strip("/")]}">{html.escape(p.title)}</a></li>' for p in pages)
        toc.append("</ol></li>")
        parts.append(f'<section class="whole-record-section" aria-labelledby="{section_id}">'
                     f'<h2 id="{section_id}">{html.escape(title)}</h2>')
        for page in pages:
            parts.append(f'<div class="whole-record-page" id="{anchors[page.url.strip("/")]}">{rewrite(page, anchors)}')
            if site_url:
                parts.append(f'<p class="whole-record-url">{html.escape(site_url.rstrip("/") + "/" + page.url)}</p>')
            parts.append("</div>")
        parts.append("</section>")
    contents = ('<nav class="whole-record-contents" aria-labelledby="whole-record-contents">'
                '<h2 id="whole-record-contents">Contents</h2><ol>' + "".join(toc) + "</ol></nav>")
    return contents + "".join(parts)


def fill(site_dir: Path, whole_record: str) -> None:
    """Put the whole record (body()) into the built print page; the placeholder must be there exactly once."""
    path = site_dir / URL / "index.html"
    try:
        page = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PrintPageError(f"{path}: the print page was not built ({exc.strerror})") from None
    if page.count(PLACEHOLDER) != 1:
        raise PrintPageError(f"{path}: expected the placeholder {PLACEHOLDER} exactly once")
    path.write_text(page.replace(PLACEHOLDER, whole_record), encoding="utf-8")
