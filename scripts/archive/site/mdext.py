"""Our Markdown extension (`archive.mdext` in mkdocs.yml): small fixes to the HTML tree, made while
Markdown renders so that no post-build pass has to re-parse every page.

- neoteroi's timeline emits nested <div>s; screen readers should hear a list with a count, so the
  items container becomes an <ol> and each item an <li> (classes kept, so the CSS still applies).
- Links that leave the site are marked for the reader: class `external`, rel="noopener", and a
  visually hidden "(external site)" so the mark is not conveyed by an icon alone. MkDocs writes every
  internal link as a relative URL, so any absolute http(s) link is external.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

EXTERNAL_SCHEMES = ("http://", "https://")
EXTERNAL_NOTE = "(external site)"


def is_external(href: str | None) -> bool:
    return bool(href) and href.lower().startswith(EXTERNAL_SCHEMES)


def _has_class(element: etree.Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def timeline_as_list(root: etree.Element) -> None:
    for items in root.iter("div"):
        if not _has_class(items, "nt-timeline-items"):
            continue
        items.tag = "ol"
        for item in items:
            if item.tag == "div" and _has_class(item, "nt-timeline-item"):
                item.tag = "li"
        for decoration in items.iter("div"):
            if _has_class(decoration, "nt-timeline-dot"):
                decoration.set("aria-hidden", "true")


def mark_external_links(root: etree.Element) -> None:
    for anchor in root.iter("a"):
        if not is_external(anchor.get("href")) or _has_class(anchor, "external"):
            continue
        anchor.set("class", " ".join(filter(None, [anchor.get("class"), "external"])))
        rel = (anchor.get("rel") or "").split()
        anchor.set("rel", " ".join(rel + [r for r in ("noopener", "external") if r not in rel]))
        note = etree.SubElement(anchor, "span", {"class": "visually-hidden"})
        note.text = f" {EXTERNAL_NOTE}"


class _ReadingTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        timeline_as_list(root)
        mark_external_links(root)


class ArchiveExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        # Priority 1: after inline patterns (20) have made the <a> elements, before serialisation.
        md.treeprocessors.register(_ReadingTreeprocessor(md), "archive_reading", 1)


def makeExtension(**kwargs):  # noqa: N802 (Markdown's API)
    return ArchiveExtension(**kwargs)
