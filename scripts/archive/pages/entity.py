"""One entity as the Markdown page MkDocs renders: header, body, discrepancies, links, notes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.content import dates, markup
from archive.content.graph import Graph
from archive.content.kinds import Discrepancies
from archive.content.model import EVENT_DATES, PLURAL_LABELS, SINGULAR_LABELS, SUMMARY, TAGS, fields_for
from archive.content.read import Entity
from archive.pages.markdown import entity_date, esc, front_matter, link, rel, sort_key


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


class PageWriter:
    """Renders pages against one corpus index and graph; numbering of notes is per page."""

    def __init__(self, index: dict[str, Entity], graph: Graph):
        self.index = index
        self.graph = graph
        self._details: dict[str, str] = {}  # source id -> its note detail, the same in every note
        self._sort_keys: dict[str, tuple] = {}

    def _sort_key(self, entity: Entity) -> tuple:
        key = self._sort_keys.get(entity.id)
        if key is None:
            key = self._sort_keys[entity.id] = sort_key(entity)
        return key

    # --- inline syntax -------------------------------------------------------------

    def _prose(self, text: str, page: Entity, notes: list[str]) -> str:
        def replace(segment: str) -> str:
            segment = markup.CITATION_WITH_SPACE_RE.sub(lambda m: self._cite(m, page, notes), segment)
            return markup.WIKILINK_RE.sub(lambda m: self._wikilink(m, page), segment)

        return markup.map_prose(text, replace)

    def _cite(self, match: re.Match, page: Entity, notes: list[str]) -> str:
        items = markup.parse_citation(match.group(1)) or ()
        parts = []
        for item in items:
            source = self.index[item.source]
            note = link(page.md_path, source) + self._source_detail(source)
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
        bits = [esc(source.get("container_title") or source.get("publisher") or "")]
        if source.get("issued"):
            bits.append(dates.parse(source.get("issued")).human())
        text = "".join(f", {b}" for b in bits if b)
        if source.get("url"):
            text += f" ([online]({source.get('url')}))"
        return text

    def _wikilink(self, match: re.Match, page: Entity) -> str:
        target = self.index[match.group(1).strip()]
        anchor = f"#{match.group(2)}" if match.group(2) else ""
        text = match.group(3)
        label = self._prose(text, page, []) if text else esc(target.title)
        return f"[{label}]({rel(page.md_path, target.md_path)}{anchor})"

    # --- page parts ---------------------------------------------------------------

    def header(self, page: Entity) -> str:
        rows = [("Type", SINGULAR_LABELS[page.type])]
        when = entity_date(page)
        shown = _HeaderDisplay(page.md_path, self.index)
        for spec in fields_for(page.type):
            value = page.get(spec.name)
            if not spec.header or value in (None, "", []):
                continue
            if page.type == "event" and spec.name in EVENT_DATES:
                continue  # an event's date or span is shown once, below
            rows.append((spec.label, spec.form.header(value, shown)))
        if page.type == "event" and when:
            rows.insert(1, ("Date", esc(when)))
        body = "\n\n".join(f"{label}\n:   {value}" for label, value in rows)
        return f'<div class="entity-meta" markdown>\n\n{body}\n\n</div>\n\n'

    def discrepancies(self, page: Entity, notes: list[str]) -> str:
        items = [item for spec in fields_for(page.type) if isinstance(spec.form, Discrepancies) for item in page.get(spec.name) or []]
        if not items:
            return ""
        out = ["## Discrepancies in the source article\n"]
        for item in items:
            out.append(f'!!! discrepancy "{esc(item[Discrepancies.TOPIC]).replace(chr(34), "&quot;")}"\n')
            for key, label in Discrepancies.SAID:
                out.append(f"    **{label}:** {self._prose(item[key], page, notes)}\n")
        return "\n".join(out) + "\n"

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

    def inverse(self, page: Entity) -> str:
        """One list per field that points here and names its inverse in fields.csv (a file's documents)."""
        out = []
        for heading, ids in self.graph.inverse.get(page.id, {}).items():
            entries = sorted((self.index[i] for i in ids), key=self._sort_key)
            out.append(f"## {esc(heading)}\n\n" + "\n".join(f"- {link(page.md_path, e)}" for e in entries) + "\n\n")
        return "".join(out)

    def referenced_by(self, page: Entity) -> str:
        listed = {i for ids in self.graph.inverse.get(page.id, {}).values() for i in ids}
        referrers = [self.index[i] for i in self.graph.referenced_by.get(page.id, ()) if i not in listed]
        if not referrers:
            return ""
        by_type: dict[str, list[Entity]] = {}
        for ref in sorted(referrers, key=self._sort_key):
            by_type.setdefault(ref.type, []).append(ref)
        lines = [
            f"- **{PLURAL_LABELS[t]}:** " + ", ".join(link(page.md_path, e) for e in by_type[t])
            for t in PLURAL_LABELS
            if t in by_type
        ]
        return "## Referenced by\n\n" + "\n".join(lines) + "\n\n"

    def cited_by(self, page: Entity) -> str:
        if page.type != "source":
            return ""
        citing = self.graph.cited_by.get(page.id, {})
        if not citing:
            return "## Cited by\n\nNo page cites this source yet.\n\n"
        lines = []
        for entity in sorted((self.index[i] for i in citing), key=self._sort_key):
            count = citing[entity.id]
            lines.append(f"- {link(page.md_path, entity)} ({SINGULAR_LABELS[entity.type].lower()}, {count} citation{'s' * (count != 1)})")
        return "## Cited by\n\n" + "\n".join(lines) + "\n\n"

    def page(self, page: Entity, extra_meta: dict | None = None, after_header: str = "") -> str:
        notes: list[str] = []
        body_lines = []
        for _, text, is_code in markup.body_lines(page.body, page.body_line):
            body_lines.append(text if is_code else self._prose(text, page, notes))
        body = "\n".join(body_lines).strip("\n")
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
            front_matter(meta),
            f"# {esc(page.title)}\n\n",
            self.header(page),
            after_header,
            body + "\n\n",
            self.discrepancies(page, notes),
            self.inverse(page),
            self.related(page),
            self.referenced_by(page),
            self.cited_by(page),
        ]
        if notes:
            parts.append("\n".join(f"[^{n}]: {text}" for n, text in enumerate(notes, 1)) + "\n")
        return "".join(parts).rstrip("\n") + "\n"
