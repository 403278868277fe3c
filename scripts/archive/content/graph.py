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


def citations(entity: Entity, texts: list[tuple[int, str]] | None = None) -> list[markup.Citation]:
    """Every well-formed citation in a page's prose, in order (`texts`: its prose_texts, if at hand).
    Parsed once per page for the graph, the open data and the page itself: an Entity is never changed
    once read, and a large archive's pages hold hundreds of thousands of citations."""
    found = entity.parsed.get("citations")
    if found is None:
        found = entity.parsed["citations"] = [
            citation for line, text in (texts if texts is not None else prose_texts(entity))
            for citation in markup.citations_in(text, line)[0]
        ]
    return found


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
    cites = [item.source for citation in citations(entity, texts) for item in citation.items]
    return relations(entity), wikilinks(texts), cites


_LAST = ("last graph",)  # build()'s key in `kept` for the graph it made and its pages by path (no path is a tuple)


def build(corpus: Corpus, kept: dict | None = None) -> Graph:
    """`kept` (path -> (entity, what it points at)), kept by the caller between builds (the live
    preview): an unchanged page is not parsed again, and where few pages changed since the graph kept
    with them, that graph is updated (a new Graph; the old one is left as it was) instead of made
    again from every page. Both give the same graph (tests/test_graph.py)."""
    last = kept.get(_LAST) if kept is not None else None
    graph = _updated(corpus, kept, *last) if last is not None else None
    if graph is None:
        graph = _built(corpus, kept)
    if kept is not None:
        kept[_LAST] = (graph, {entity.path: entity for entity in corpus.entities})
    return graph


def _parts(entity: Entity, kept: dict | None) -> tuple:
    """(relations, cited source -> times, related (label, id), referenced ids, every id pointed at) of a page."""
    before = kept.get(entity.path) if kept is not None else None
    if before is not None and before[0] is entity:
        return before[1]
    pointed, links, cites = _points(entity)
    cited = Counter(cites)  # source -> how many times the page cites it
    related = [(spec.label, target) for spec, target in pointed]
    referenced = ({t for _, t in related} | set(links)) - {entity.id}
    points = {t for _, t in related} | set(links) | set(cites)
    parts = (pointed, cited, related, referenced, points)
    if kept is not None:
        kept[entity.path] = (entity, parts)
    return parts


def _built(corpus: Corpus, kept: dict | None) -> Graph:
    graph = Graph()
    for entity in corpus.entities:
        pointed, cited, related, referenced, points = _parts(entity, kept)
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


def _updated(corpus: Corpus, kept: dict, last: Graph, pages: dict[str, Entity]) -> Graph | None:
    """`last` (made from `pages`) with the pages changed since taken out and put in again; None where
    building afresh is as cheap (many changed) or a changed page's parts are not kept."""
    now = {entity.path: entity for entity in corpus.entities}
    gone = [entity for path, entity in pages.items() if now.get(path) is not entity]
    new = [entity for path, entity in now.items() if pages.get(path) is not entity]
    if not gone and not new:
        return last
    if len(gone) + len(new) > len(now) // 4 or any(kept.get(e.path, (None,))[0] is not e for e in gone):
        return None
    # The outer maps copied; an inner set or dict copied the first time it changes (last stays as it was).
    graph = Graph(related=dict(last.related), referenced_by=defaultdict(set, last.referenced_by),
                  cited_by=defaultdict(dict, last.cited_by), inverse=defaultdict(dict, last.inverse),
                  points_to=dict(last.points_to))
    copied: dict[int, set[str]] = {id(graph.referenced_by): set(), id(graph.cited_by): set()}

    def own(mapping: dict, key: str, kind):
        if key not in copied[id(mapping)]:
            copied[id(mapping)].add(key)
            mapping[key] = kind(mapping.get(key, ()))
        return mapping[key]

    inverse_targets: set[str] = set()
    pointing: dict[str, list] = {}  # the new pages' relations, by id
    for entity in gone:
        pointed, cited, _, referenced, _ = kept[entity.path][1]
        del graph.related[entity.id], graph.points_to[entity.id]
        inverse_targets.update(target for spec, target in pointed if spec.inverse)
        for target in referenced:
            own(graph.referenced_by, target, set).discard(entity.id)
        for source in cited:
            own(graph.cited_by, source, dict).pop(entity.id, None)
    for entity in new:
        pointed, cited, related, referenced, points = _parts(entity, kept)
        graph.related[entity.id], graph.points_to[entity.id], pointing[entity.id] = related, points, pointed
        inverse_targets.update(target for spec, target in pointed if spec.inverse)
        for target in referenced:
            own(graph.referenced_by, target, set).add(entity.id)
        for source, times in cited.items():
            own(graph.cited_by, source, dict)[entity.id] = times
    for mapping in (graph.referenced_by, graph.cited_by):  # what no page points at any more is not listed
        for key in [key for key in copied[id(mapping)] if not mapping[key]]:
            del mapping[key]
    # A target's inverse lists (and their headings) in the order _built gives: its pointers in corpus order.
    position = {entity.id: n for n, entity in enumerate(corpus.entities)}
    gone_ids = {entity.id for entity in gone}
    for target in inverse_targets:
        pointers = {i for ids in last.inverse.get(target, {}).values() for i in ids} - gone_ids
        pointers.update(i for i, pointed in pointing.items() if any(t == target and s.inverse for s, t in pointed))
        lists: dict[str, list[str]] = {}
        for ident in sorted(pointers, key=position.__getitem__):
            pointed = pointing[ident] if ident in pointing else kept[corpus.entities[position[ident]].path][1][0]
            for spec, t in pointed:
                if t == target and spec.inverse:
                    lists.setdefault(spec.inverse, []).append(ident)
        if lists:
            graph.inverse[target] = lists
        else:
            graph.inverse.pop(target, None)
    return graph
