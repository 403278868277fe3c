"""Who points at whom: front-matter relations, inline [[id]] links and citations, both ways."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from archive.content import markup
from archive.content.model import Field, fields_for
from archive.content.read import Corpus, Entity


def prose_texts(entity: Entity) -> list[tuple[int, str]]:
    """Every (line, text) of prose on a page: body lines outside code, then the texts its fields hold."""
    texts = [(line, text) for line, text, is_code in markup.body_lines(entity.body, entity.body_line) if not is_code]
    for spec in fields_for(entity.type):
        texts.extend((entity.line(spec.name, *path), text) for path, text in spec.form.texts(entity.get(spec.name)))
    return texts


def relations(entity: Entity) -> list[tuple[Field, str]]:
    """(field, target id) for every id the front matter points at, in model order."""
    return [
        (spec, target)
        for spec in fields_for(entity.type)
        for _, target, _ in spec.form.targets(entity.get(spec.name), spec)
    ]


def wikilinks(texts: list[tuple[int, str]]) -> list[str]:
    """The ids of every [[id]] link in the given prose, in order."""
    return [m.group(1).strip() for _, text in texts for m in markup.WIKILINK_RE.finditer(markup.prose(text))]


@dataclass
class Graph:
    related: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    referenced_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    cited_by: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    # target id -> heading (the field's `inverse` in fields.csv) -> ids pointing at it through that field
    inverse: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(dict))
    # id -> every id its page points at: relations, links and citations
    points_to: dict[str, set[str]] = field(default_factory=dict)

    def neighbours(self, ident: str) -> list[str]:
        """Every id a page points at or is pointed at from, sorted: all a page's generated view of the
        others can show (titles, dates, backlinks), so the live preview redoes a page when one changes."""
        near = self.points_to.get(ident, set()) | self.referenced_by.get(ident, set()) | set(self.cited_by.get(ident, ()))
        near.discard(ident)
        return sorted(near)

    def pointing(self, ident: str) -> set[str]:
        """The ids of the pages that point at `ident` (relations, links, citations)."""
        return (self.referenced_by.get(ident, set()) | set(self.cited_by.get(ident, ()))) - {ident}

    def naming(self, ident: str) -> set[str]:
        """The ids whose named() holds `ident`: the pages pointing at it, and those pointing at these."""
        near = self.pointing(ident)
        for other in list(near):
            near |= self.pointing(other)
        near.discard(ident)
        return near

    def named(self, ident: str) -> list[str]:
        """The ids a page points at, and those they point at, sorted: all a page's own citation records
        and head metadata can show of others (a document's archive is the holder its file names)."""
        near = set(self.points_to.get(ident, ()))
        for target in list(near):
            near |= self.points_to.get(target, set())
        near.discard(ident)
        return sorted(near)


def _points(entity: Entity) -> tuple[list[tuple[Field, str]], list[str], list[str]]:
    """(relations, link targets, cited sources) of one page."""
    texts = prose_texts(entity)
    cites = []
    for line, text in texts:
        for citation in markup.citations_in(text, line)[0]:
            cites.extend(item.source for item in citation.items)
    return relations(entity), wikilinks(texts), cites


def build(corpus: Corpus, kept: dict | None = None) -> Graph:
    """`kept` (path -> (entity, what it points at)), kept by the caller between builds (the live
    preview): an unchanged page is not parsed again."""
    graph = Graph()
    for entity in corpus.entities:
        before = kept.get(entity.path) if kept is not None else None
        if before is not None and before[0] is entity:
            pointed, cited, related, referenced, points = before[1]
        else:
            pointed, links, cites = _points(entity)
            cited = Counter(cites)  # source -> how many times the page cites it
            related = [(spec.label, target) for spec, target in pointed]
            referenced = ({t for _, t in related} | set(links)) - {entity.id}
            points = {t for _, t in related} | set(links) | set(cites)
            if kept is not None:
                kept[entity.path] = (entity, (pointed, cited, related, referenced, points))
        graph.related[entity.id] = related
        for spec, target in pointed:
            if spec.inverse:
                graph.inverse[target].setdefault(spec.inverse, []).append(entity.id)
        for target in referenced:
            graph.referenced_by[target].add(entity.id)
        graph.points_to[entity.id] = points
        for source, times in cited.items():
            graph.cited_by[source][entity.id] = times
    return graph
