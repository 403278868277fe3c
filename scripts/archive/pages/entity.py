"""One entity as the Markdown page MkDocs renders: header, body, discrepancies, links, notes.

A hub's lists of what points to it (a file's documents, what cites a source, what refers to the
Ministry) are split like every long listing (pages/paging.py): the first `Limits.listing` entries
on the page itself, the rest on pages of their own under its URL, which the writer keeps in
`continued`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from markdown.extensions.toc import slugify

from archive.content import dates, markup
from archive.content.graph import Graph, citations
from archive.content.kinds import Discrepancies
from archive.content.model import (
    DATE, EVENT_DATES, FILE, HOLDERS, LANGUAGE, PLURAL_LABELS, SINGULAR_LABELS, SUMMARY, TAGS, TEXT_SEEN_IN, field,
    fields_for,
)
from archive.content.read import Entity
from archive.pages import paging
from archive.pages.markdown import entity_date, esc, front_matter, link, mark_languages, rel, sort_key
from archive.pages.paging import Limits, listing_heading

# "the [[asahi-shimbun]]" where the page's title is "The Asahi Shimbun": the name keeps its own article.
_THE_BEFORE_LINK_RE = re.compile(r"\b[Tt]he (\[\[([^\[\]|#]*)(?:#[^\[\]|]*)?\]\])")
# Where Python-Markdown's footnotes extension puts the notes (its PLACE_MARKER): after the text they
# support, before the lists of links.
NOTES_MARKER = "///Footnotes Go Here///"


@dataclass(frozen=True)
class _HeaderDisplay:
    """The `kinds.Display` of one page: its escaping, and its links to other pages."""

    md_path: str
    index: dict[str, Entity]

    @staticmethod
    def esc(text: object) -> str:
        return esc(text)

    def link(self, target_id: str) -> str:
        return link(self.md_path, self.index[target_id])


def _mark(item) -> str:
    """An entry at the edge of a run, for the page links: (type, entity) pairs name their type."""
    if isinstance(item, tuple):
        return f"{PLURAL_LABELS[item[0]]}, {paging.mark(item[1])}"
    return paging.mark(item)


class PageWriter:
    """Renders pages against one corpus index and graph; numbering of notes is per page."""

    def __init__(self, index: dict[str, Entity], graph: Graph, limits: Limits = Limits(), memo=None):
        self.index = index
        self.graph = graph
        self.limits = limits
        self.memo = memo  # tree.Memo in the live preview: the later pages of a long list made again only when changed
        self.continued: dict[str, str] = {}  # path -> Markdown of the later pages of long lists
        self._details: dict[str, str] = {}  # source id -> its note detail, the same in every note
        self._cited: set[str] = set()

    # --- inline syntax -------------------------------------------------------------

    def _prose(self, text: str, page: Entity, notes: list[str]) -> str:
        def replace(segment: str) -> str:
            if "[[" in segment:
                segment = _THE_BEFORE_LINK_RE.sub(self._drop_doubled_article, segment)
            segment = markup.CITATION_WITH_SPACE_RE.sub(lambda m: self._cite(m, page, notes), segment)
            return markup.WIKILINK_RE.sub(lambda m: self._wikilink(m, page), segment)

        return markup.map_prose(text, replace)

    def _cite(self, match: re.Match, page: Entity, notes: list[str]) -> str:
        items = markup.parse_citation(match.group(1)) or ()
        parts = []
        for item in items:
            source = self.index[item.source]
            # Chicago's shortened note: a source cited again on the page is named by its title alone.
            note = link(page.md_path, source) + ("" if source.id in self._cited else self._source_detail(source))
            self._cited.add(source.id)
            if item.locator:
                note += f", {esc(item.locator)}"
            parts.append(note)
        notes.append("; ".join(parts) + ".")
        return f"[^{len(notes)}]"

    def _source_detail(self, source: Entity) -> str:
        detail = self._details.get(source.id)
        if detail is None:
            detail = self._details[source.id] = self._describe_source(source)
        return detail

    def _describe_source(self, source: Entity) -> str:
        text = _publication(source)
        if source.get("url"):
            text += f" ([online]({source.get('url')}))"
        return text

    def _drop_doubled_article(self, match: re.Match) -> str:
        target = self.index.get(match.group(2).strip())
        return match.group(1) if target is not None and target.title.startswith("The ") else match.group(0)

    def _wikilink(self, match: re.Match, page: Entity) -> str:
        target = self.index[match.group(1).strip()]
        anchor = f"#{match.group(2)}" if match.group(2) else ""
        text = match.group(3)
        label = self._prose(text, page, []) if text else esc(target.title)
        return f"[{label}]({rel(page.md_path, target.md_path)}{anchor})"

    # --- page parts ---------------------------------------------------------------

    def header(self, page: Entity, cited: int = 0) -> str:
        """The facts of the page in a short list: no row for the type (the breadcrumbs name it), none for
        what the tags or the link lists below already show; on a document, what the page stands on."""
        rows = []
        shown = _HeaderDisplay(page.md_path, self.index)
        for spec in fields_for(page.type):
            value = page.get(spec.name)
            if spec.name in HOLDERS and not value:
                value = self._held_as_file(page)
            if not spec.header or value in (None, "", []):
                continue
            if page.type == "event" and spec.name in EVENT_DATES:
                continue  # an event's date or span is shown once, below
            rows.append((spec.label, spec.form.header(value, shown, spec)))
            if spec.name == DATE and field(page.type, TEXT_SEEN_IN):
                rows.append(("Stands on", self._stands_on(page, cited)))
        when = entity_date(page)
        if page.type == "event" and when:
            rows.insert(0, ("Date", esc(when)))
        body = "\n\n".join(f"{label}\n:   {value}" for label, value in rows)
        return f'<div class="entity-meta" markdown>\n\n{body}\n\n</div>\n\n'

    def _held_as_file(self, page: Entity) -> str | None:
        """A document without a holder of its own is held where its archival file is, if that is known."""
        file = self.index.get(page.get(FILE) or "")
        return next((file.get(h) for h in HOLDERS if file is not None and file.get(h)), None)

    def _stands_on(self, page: Entity, cited: int) -> str:
        """Whether the page rests on the document's own text or only on what sources say of it."""
        texts = [link(page.md_path, self.index[i]) for i in page.get(TEXT_SEEN_IN) or []]
        if texts:
            return "Its own text, as published in " + _joined(texts)
        return "Original not seen: " + (f"the page rests on {cited} cited source{'s' * (cited != 1)}" if cited else "no source cited")

    def discrepancies(self, page: Entity, notes: list[str]) -> str:
        items = [item for spec in fields_for(page.type) if isinstance(spec.form, Discrepancies) for item in page.get(spec.name) or []]
        if not items:
            return ""
        out = ["## Discrepancies in the source article\n", self._articles(page, items)]
        for item in items:
            out.append(f'!!! discrepancy "{esc(item[Discrepancies.TOPIC]).replace(chr(34), "&quot;")}"\n')
            for key, label in Discrepancies.SAID:
                out.append(f"    **{label}:** {self._prose(item[key], page, notes)}\n")
        return "\n".join(out) + "\n"

    def _articles(self, page: Entity, items: list[dict]) -> str:
        """The article (or its versions) the discrepancies are about: the sources their claims cite."""
        names = {}  # source id -> its name, in the order the claims first cite them
        for item in items:
            for citation in markup.citations_in(item[Discrepancies.ARTICLE], 0)[0]:
                for source in (self.index[i.source] for i in citation.items if i.source not in names):
                    where = _published_in(source)
                    names[source.id] = link(page.md_path, source) + (f" ({where})" if where else "")
        return f"Errors of {_joined(list(names.values()))}, each set against what other sources say.\n" if names else ""

    def related(self, page: Entity) -> str:
        groups: dict[str, list[str]] = {}
        for label, target in self.graph.related.get(page.id, []):
            entry = link(page.md_path, self.index[target])
            if entry not in groups.setdefault(label, []):
                groups[label].append(entry)
        if not groups:
            return ""
        lines = [f"- **{esc(label)}:** {', '.join(entries)}" for label, entries in groups.items()]
        return "## Related\n\n" + "\n".join(lines) + "\n\n"

    def _listing(self, page: Entity, heading: str, items: list, render, shown=lambda item: item) -> str:
        """The section `heading` listing `items` (entities, or pairs ending with one): its first run here,
        the others on pages of their own. `render(path, run)` is the Markdown of a run on page `path`;
        `shown(item)`: what of an item its line shows besides the entity (for the memo)."""
        runs = paging.chunks(items, self.limits.listing)
        pages = paging.pages_of(page.md_path, slugify(heading, "-"), f"{heading}: {page.title}", runs,
                                lambda run: paging.span(_mark(run[0]), _mark(run[-1])))
        for n in range(1, len(runs)):
            if self.memo is None:
                self.continued[pages.paths[n]] = self._continued(page, heading, len(items), pages, n, runs[n], render)
            else:  # a page of a hub's list is the same while its run, the hub's title and the pager are
                inputs = [page.title, len(items), tuple(pages.labels), *map(shown, runs[n])]
                self.continued[pages.paths[n]] = self.memo(("listing", pages.paths[n]), inputs, self._continued,
                                                           page, heading, len(items), pages, n, runs[n], render)
        return listing_heading(heading) + pages.pager(0) + render(page.md_path, runs[0]) + "\n\n" + pages.pager(0)

    @staticmethod
    def _continued(page: Entity, heading: str, total: int, pages: paging.Pages, n: int, run: list, render) -> str:
        path, title = pages.paths[n], f"{page.title}: {heading}, page {n + 1}"
        return front_matter({"title": title, "generated": True}) + mark_languages(
            f"# {esc(title)}\n\n{esc(heading)}: {link(path, page)}, {total} in all.\n\n"
            + pages.pager(n) + render(path, run) + "\n\n" + pages.pager(n)
        ).rstrip("\n") + "\n"

    def inverse(self, page: Entity) -> str:
        """One list per field that points here and names its inverse in fields.csv (a file's documents)."""
        out = []
        for heading, ids in self.graph.inverse.get(page.id, {}).items():
            entries = sorted((self.index[i] for i in ids), key=sort_key)
            out.append(self._listing(page, heading, entries,
                                     lambda path, run: "\n".join(f"- {link(path, e)}" for e in run)))
        return "".join(out)

    def referenced_by(self, page: Entity) -> str:
        listed = {i for ids in self.graph.inverse.get(page.id, {}).values() for i in ids}
        referrers = [self.index[i] for i in self.graph.referenced_by.get(page.id, ()) if i not in listed]
        if not referrers:
            return ""
        order = {t: n for n, t in enumerate(PLURAL_LABELS)}
        items = sorted(((ref.type, ref) for ref in referrers), key=lambda item: (order[item[0]], sort_key(item[1])))

        def render(path: str, run: list[tuple[str, Entity]]) -> str:
            return "\n".join(f"- **{PLURAL_LABELS[t]}:** " + ", ".join(link(path, e) for _, e in group)
                             for t, group in groupby(run, key=lambda item: item[0]))

        return self._listing(page, "Referenced by", items, render)

    def cited_by(self, page: Entity) -> str:
        if page.type != "source":
            return ""
        citing = self.graph.cited_by.get(page.id, {})
        if not citing:
            return "## Cited by\n\nNo page cites this source yet.\n\n"

        def render(path: str, run: list[Entity]) -> str:
            return "\n".join(f"- {link(path, e)} ({SINGULAR_LABELS[e.type].lower()}, {citing[e.id]} "
                             f"citation{'s' * (citing[e.id] != 1)})" for e in run)

        return self._listing(page, "Cited by", sorted((self.index[i] for i in citing), key=sort_key), render,
                             lambda e: (e, citing[e.id]))

    def page(self, page: Entity, extra_meta: dict | None = None, after_header: str = "") -> str:
        notes: list[str] = []
        self._cited: set[str] = set()  # sources already given a full note on this page
        body_lines = []
        for _, text, is_code in markup.body_lines(page.body, page.body_line):
            body_lines.append(text if is_code else self._prose(text, page, notes))
        body = "\n".join(body_lines).strip("\n")
        discrepancies = self.discrepancies(page, notes)
        meta = {"title": page.title, "archive_id": page.id, "archive_type": page.type}
        # The authored file (docs/<folder>/<id>.md): the template's edit link points here, not at the
        # generated page MkDocs renders.
        meta["edit_path"] = page.path
        if page.get(SUMMARY):
            meta["description"] = page.get(SUMMARY)
        if page.get(TAGS):
            meta["tags"] = list(page.get(TAGS))
        meta.update(extra_meta or {})
        parts = [
            f"# {esc(page.title)}\n\n",
            self.header(page, len(self._cited_sources(page))),
            after_header,
            body + "\n\n",
            discrepancies,
        ]
        if notes:
            parts.append(listing_heading("Notes") + "\n".join(f"[^{n}]: {text}" for n, text in enumerate(notes, 1)) + f"\n\n{NOTES_MARKER}\n\n")
        parts += [self.inverse(page), self.related(page), self.referenced_by(page), self.cited_by(page)]
        return front_matter(meta) + mark_languages("".join(parts), page.get(LANGUAGE)).rstrip("\n") + "\n"

    @staticmethod
    def _cited_sources(page: Entity) -> set[str]:
        return {item.source for citation in citations(page) for item in citation.items}


def _published_in(source: Entity) -> str:
    return esc(source.get("container_title") or source.get("publisher") or "")


def _publication(source: Entity) -> str:
    """", where it was published, when": what a note adds to a source's title."""
    bits = [_published_in(source)]
    if source.get("issued"):
        bits.append(dates.parse(source.get("issued")).human())
    return "".join(f", {b}" for b in bits if b)


def _joined(items: list[str]) -> str:
    """A, B and C."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
