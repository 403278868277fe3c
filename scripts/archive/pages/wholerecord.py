"""The page that prints the whole record (print_page/): every entity page's rendered content, in
reading order, on one page, for printing or saving as a PDF.

The generator writes an ordinary page holding a placeholder; the MkDocs hook collects each page's
content as MkDocs renders it, has body() assemble them while MkDocs fills the templates, and puts
the result in the placeholder after the build. Each page's
content is rendered once (by MkDocs, for its own page) and rewritten here with one pass over its
attributes: ids are prefixed with the page's anchor so they stay unique, links to printed pages
become links within this page, other relative links are re-based on print_page/, and headings
move two levels down under the section headings.

A record too long for one page (more generated Markdown than `Limits.volume`) is printed in
volumes, as FRUS prints its series: each volume holds a run of one type's pages in reading order
(documents by date, people by name), at print_page/volume-<n>/, and print_page/ becomes the list of
volumes. Each printed page links to its volume; links between pages of different volumes point to
the other volume.

This replaces mkdocs-print-site-plugin, which loaded its script on every page of the site and cost
as much as a fifth of the build at 1,000 documents (its anchor rewriting runs many regular
expressions over every page).
"""

from __future__ import annotations

import functools
import hashlib
import html
import posixpath
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from archive.pages.markdown import esc, front_matter, mark_languages, rel

URL = "print_page/"
SOURCE = "print_page.md"
TITLE = "The whole record"
PLACEHOLDER = '<div id="archive-whole-record"></div>'

_ATTRIBUTE = re.compile(r'(\s(?:id|href|src)=")([^"]*)"')
_HEADING = re.compile(r"<(/?)h([1-6])\b")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")


class PrintPageError(Exception):
    pass


_READING = ("in reading order (essays, then documents and events by date, the archival files, people, "
            "organisations and the bibliography), to print or save as a PDF")


@dataclass(frozen=True)
class Volume:
    """One printed page of the whole record: where it is, its title, and its (section title, [page paths])."""

    md_path: str
    title: str
    sections: list[tuple[str, list[str]]]

    @property
    def url(self) -> str:
        return self.md_path[: -len(".md")] + "/"


def volumes(order: list[tuple[str, list[str]]], sizes: dict[str, int], limit: int, label) -> list[Volume]:
    """The whole record cut into volumes of at most `limit` characters of Markdown (`sizes`: path ->
    length; a page longer than that is a volume of its own); one volume at print_page/ when it all fits.
    `label(paths)` names what a run of one section holds (dates, initial letters).

    Where a volume ends depends on the pages near the cut, not on every page before it: a volume
    ends before a page that is a landmark (_landmark: a property of the page alone), or before a page
    that would overflow it. Cutting at the limit alone lets one page growing by a few characters move
    every later cut, and often the number of volumes, and with them the volume named on every later
    page (the live preview remade hundreds of pages for a retitled document)."""
    if sum(sizes[p] for _, paths in order for p in paths) <= limit:
        return [Volume(SOURCE, TITLE, order)]
    runs: list[tuple[str, list[str]]] = []
    for title, paths in order:
        run, used = [], 0
        for path in paths:
            if run and (used + sizes[path] > limit or _landmark(path, sizes[path], limit)):
                runs.append((title, run))
                run, used = [], 0
            run.append(path)
            used += sizes[path]
        runs.append((title, run))
    return [Volume(f"{SOURCE[: -len('.md')]}/volume-{n}.md", f"{TITLE}, volume {n}: {title}, {label(run)}", [(title, run)])
            for n, (title, run) in enumerate(runs, 1)]


def _landmark(path: str, size: int, limit: int) -> bool:
    """Whether a volume ends before this page whatever comes before it: a chance in proportion to the
    page's length (one in every `limit` characters), drawn from a hash of its path."""
    return zlib.crc32(path.encode("utf-8")) * limit < size * 2**32


def markdown(printed: list[Volume]) -> dict[str, str]:
    """(path -> Markdown) of the print page, and of each volume, which the hook later fills."""
    if len(printed) == 1:
        return {SOURCE: (
            front_matter({"title": TITLE, "generated": True, "hide": ["toc"]})
            + f"# {TITLE}\n\n"
            f"Every page of the archive on one page, {_READING}. Links between pages point "
            "within this page; each page ends with its address online.\n\n"
            f"{PLACEHOLDER}\n"
        )}
    listing = "\n".join(f"{n}. [{mark_languages(esc(v.title.split(': ', 1)[1]))}]({rel(SOURCE, v.md_path)})" for n, v in enumerate(printed, 1))
    pages = {SOURCE: (
        front_matter({"title": TITLE, "generated": True})
        + f"# {TITLE}\n\n"
        f"Every page of the archive, {_READING}, in {len(printed)} volumes of a size a browser prints whole. "
        "Links between pages point within a volume or to the volume that holds the page; each page ends with "
        f"its address online.\n\n{listing}\n"
    )}
    for n, volume in enumerate(printed):
        around = [f"[The whole record: all volumes]({rel(volume.md_path, SOURCE)})"]
        if n:
            around.insert(0, f"[Previous volume]({rel(volume.md_path, printed[n - 1].md_path)})")
        if n + 1 < len(printed):
            around.append(f"[Next volume]({rel(volume.md_path, printed[n + 1].md_path)})")
        pages[volume.md_path] = (
            front_matter({"title": volume.title, "generated": True, "hide": ["toc"]})
            + f"# {mark_languages(esc(volume.title))}\n\n" + " · ".join(around) + f"\n\n{PLACEHOLDER}\n"
        )
    return pages


def volume_note(page_path: str, volume: Volume) -> str:
    """The line on a printed page that links to its volume."""
    return f"\n[Print: {mark_languages(esc(volume.title))}]({rel(page_path, volume.md_path)}){{ .whole-record-volume }}\n"


def anchor(url: str) -> str:
    """The id of a printed page: its URL with slashes as hyphens (documents/x/ -> documents-x)."""
    return url.strip("/").replace("/", "-") or "home"


@dataclass
class Printed:
    url: str  # site-relative, as MkDocs gives it: "documents/x/"
    title: str
    html: str


def rewrite(page: Printed, anchors: dict[str, str], elsewhere=None, up: str = "../", used: set | None = None) -> str:
    """The page's content as a part of a print page (see the module docstring). `anchors`: URL without its
    slashes -> anchor, for every page printed on it; `elsewhere`: the same -> `<volume>/#<anchor>` (relative
    to it) for pages printed in other volumes; `up`: from the print page to the site's root. `used`: a set
    this fills with the pages the content links to (URLs without their slashes)."""
    own = anchors[page.url.strip("/")]
    base = page.url
    elsewhere = elsewhere or {}

    def attribute(match: re.Match) -> str:
        prefix, value = match.group(1), match.group(2)
        if prefix.endswith('id="'):
            return f'{prefix}{own}--{value}"'
        if value.startswith("#"):
            return f'{prefix}#{own}--{value[1:]}"'
        if not value or _SCHEME.match(value) or value.startswith("/"):
            return match.group(0)
        path, hash_, fragment = value.partition("#")
        target = _target(base, path)
        if used is not None:
            used.add(target)
        if target in anchors or target in elsewhere:
            name = f"#{anchors[target]}" if target in anchors else elsewhere[target]
            return f'{prefix}{name}--{fragment}"' if fragment else f'{prefix}{name}"'
        slash = "/" if path.endswith("/") and target else ""
        return f'{prefix}{up}{target}{slash}{hash_}{fragment}"'

    content = _ATTRIBUTE.sub(attribute, page.html)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", content)


@functools.lru_cache(maxsize=65536)
def _target(base: str, path: str) -> str:
    """The site-relative URL, without its slashes, of a link `path` on the page at `base` (the same
    links recur on thousands of pages)."""
    target = posixpath.normpath(posixpath.join(base, path)) if path else base
    return "" if target == "." else target.strip("/")


def _rewritten(page: Printed, anchors: dict[str, str], elsewhere: _Elsewhere, up: str, kept: dict | None) -> str:
    """rewrite(), or what it gave last time: kept while the page's content, its volume and the volume of
    every page it links to are as they were (bodies())."""
    if kept is None:
        return rewrite(page, anchors, elsewhere, up)
    where = elsewhere.where
    last = kept.get(page.url)
    if last is not None and (last[0] is page.html or last[0] == page.html) and all(where.get(t) == v for t, v in last[2]):
        return last[1]
    used = {page.url.strip("/")}
    text = rewrite(page, anchors, elsewhere, up, used)
    kept[page.url] = (page.html, text, tuple((t, where.get(t)) for t in used), None)  # None: not digested yet
    return text


class _Elsewhere:
    """The pages printed in other volumes than `here`: URL without its slashes -> `<volume>/#<anchor>`.
    `where`: every printed page's URL without its slashes -> the URL of its volume."""

    def __init__(self, volume_of: dict[str, Volume], here: Volume, where: dict[str, str]):
        self.volume_of, self.here, self.where = volume_of, here, where

    def __contains__(self, target: str) -> bool:
        return self.volume_of.get(target, self.here) is not self.here

    def __getitem__(self, target: str) -> str:
        return f"{_between(self.volume_of[target].url, self.here.url)}/#{anchor(target)}"


@functools.lru_cache(maxsize=None)  # pairs of volumes: their number squared at most
def _between(there: str, here: str) -> str:
    return posixpath.relpath(there, here)


def bodies(printed: list[Volume], content: dict[str, Printed], site_url: str, kept: dict | None = None,
           only: set[str] | None = None) -> dict[str, str]:
    """Volume URL -> the HTML that replaces its placeholder; `content`: page path -> its rendered content.
    `kept`: the live preview's pages as rewritten last time (a dict this fills), reused where a page's
    content, its volume and the volumes of the pages it links to are as they were; `only`: the URLs of
    the volumes to make (default: all)."""
    return {volume.url: body(sections, site_url, elsewhere, _up(volume), kept)
            for volume, sections, elsewhere in _volumes(printed, content, kept, only)}


def marks(printed: list[Volume], content: dict[str, Printed], site_url: str, kept: dict,
          only: set[str] | None = None) -> dict[str, tuple]:
    """Volume URL -> what its body is made of (each page's address, title and a digest of its rewritten
    content), for the live preview to tell which volumes changed without making them (`kept`, `only`:
    as for bodies())."""
    out = {}
    for volume, sections, elsewhere in _volumes(printed, content, kept, only):
        anchors, up = _anchors(sections), _up(volume)
        out[volume.url] = (site_url, tuple((title, tuple((page.url, page.title, _digest(page, anchors, elsewhere, up, kept))
                                                          for page in pages)) for title, pages in sections))
    return out


def _up(volume: Volume) -> str:
    """From the volume's page to the site's root."""
    return "../" * volume.url.count("/")


def _volumes(printed: list[Volume], content: dict[str, Printed], kept: dict | None, only: set[str] | None):
    """(volume, its sections with their pages' content, the pages printed elsewhere) for every volume
    (`only`: for those of these URLs); forgets what `kept` holds of pages no longer printed."""
    volume_of = {content[p].url.strip("/"): v for v in printed for _, paths in v.sections for p in paths if p in content}
    where = {url: volume.url for url, volume in volume_of.items()}
    if kept is not None:
        for url in [u for u in kept if u.strip("/") not in where]:
            del kept[url]
    for volume in printed if only is None else (v for v in printed if v.url in only):
        yield volume, [(title, [content[p] for p in paths if p in content]) for title, paths in volume.sections], \
            _Elsewhere(volume_of, volume, where)


def _anchors(sections: list[tuple[str, list[Printed]]]) -> dict[str, str]:
    return {page.url.strip("/"): anchor(page.url) for _, pages in sections for page in pages}


def _digest(page: Printed, anchors: dict[str, str], elsewhere: _Elsewhere, up: str, kept: dict) -> bytes:
    """A digest of the page as rewritten (_rewritten), made once per rewriting."""
    _rewritten(page, anchors, elsewhere, up, kept)
    text, _, digest = kept[page.url][1:]
    if digest is None:
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        kept[page.url] = (*kept[page.url][:3], digest)
    return digest


def body(sections: list[tuple[str, list[Printed]]], site_url: str, elsewhere=None,
         up: str = "../", kept: dict | None = None) -> str:
    """The HTML that replaces the placeholder: a table of contents, then every section and page."""
    anchors = _anchors(sections)
    toc, parts = [], []
    for number, (title, pages) in enumerate(sections, 1):
        section_id = f"whole-record-{number}"
        toc.append(f'<li><a href="#{section_id}">{html.escape(title)}</a><ol>')
        toc.extend(f'<li><a href="#{anchors[p.url.strip("/")]}">{html.escape(p.title)}</a></li>' for p in pages)
        toc.append("</ol></li>")
        parts.append(f'<section class="whole-record-section" aria-labelledby="{section_id}">'
                     f'<h2 id="{section_id}">{html.escape(title)}</h2>')
        for page in pages:
            parts.append(f'<div class="whole-record-page" id="{anchors[page.url.strip("/")]}">{_rewritten(page, anchors, elsewhere, up, kept)}')
            if site_url:
                parts.append(f'<p class="whole-record-url">{html.escape(site_url.rstrip("/") + "/" + page.url)}</p>')
            parts.append("</div>")
        parts.append("</section>")
    contents = ('<nav class="whole-record-contents" aria-labelledby="whole-record-contents">'
                '<h2 id="whole-record-contents">Contents</h2><ol>' + "".join(toc) + "</ol></nav>")
    return contents + "".join(parts)


def fill(site_dir: Path, whole_record: dict[str, str]) -> None:
    """Put each volume (bodies()) into its built print page; the placeholder must be there exactly once."""
    for url, content in whole_record.items():
        path = site_dir / url / "index.html"
        try:
            page = path.read_bytes().decode("utf-8")  # as it is: text mode would turn CRLF into LF
        except OSError as exc:
            raise PrintPageError(f"{path}: the print page was not built ({exc.strerror})") from None
        if page.count(PLACEHOLDER) != 1:
            raise PrintPageError(f"{path}: expected the placeholder {PLACEHOLDER} exactly once")
        path.write_bytes(page.replace(PLACEHOLDER, content).encode("utf-8"))
