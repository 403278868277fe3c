"""Who points at whom: front-matter relations, inline [[id]] links and citations, both ways."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from archive.content import markup
from archive.content.read import Corpus, Entity
from archive.content.model import fields_for


def prose_texts(entity: Entity) -> list[tuple[int, str]]:
    """Every (line, text) of prose on a page: body lines outside code, then discrepancy texts."""
    texts = [(line, text) for line, text, is_code in markup.body_lines(entity.body, entity.body_line) if not is_code]
    for i, item in enumerate(entity.get("discrepancies") or []):
        for key in ("topic", "claim", "evidence", "verdict"):
            if isinstance(item.get(key), str):
                texts.append((entity.line("discrepancies", i, key), item[key]))
    return texts


def relations(entity: Entity) -> list[tuple[str, str]]:
    """(field label, target id) for every front-matter relation, in model order."""
    out = []
    for spec in fields_for(entity.type):
        value = entity.get(spec.name)
        if spec.kind == "ref" and isinstance(value, str):
            out.append((spec.label, value))
        elif spec.kind == "refs" and isinstance(value, list):
            out.extend((spec.label, target) for target in value if isinstance(target, str))
    for role in entity.get("roles") or []:
        if isinstance(role, dict) and isinstance(role.get("org"), str):
            out.append(("Roles", role["org"]))
    return out


@dataclass
class Graph:
    related: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    referenced_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    cited_by: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    links: dict[str, list[str]] = field(default_factory=dict)
    citations: dict[str, list[str]] = field(default_factory=dict)
    # target id -> heading (the field's `inverse` in fields.csv) -> ids pointing at it through that field
    inverse: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(dict))


def build(corpus: Corpus) -> Graph:
    graph = Graph()
    for entity in corpus.entities:
        graph.related[entity.id] = relations(entity)
        for spec in fields_for(entity.type):
            if spec.inverse and spec.kind == "ref" and isinstance(entity.get(spec.name), str):
                graph.inverse[entity.get(spec.name)].setdefault(spec.inverse, []).append(entity.id)
        links, cites = [], []
        for line, text in prose_texts(entity):
            plain = markup.prose(text)
            links.extend(m.group(1).strip() for m in markup.WIKILINK_RE.finditer(plain))
            for citation in markup.citations_in(text, line)[0]:
                cites.extend(item.source for item in citation.items)
        graph.links[entity.id] = links
        graph.citations[entity.id] = cites
        for target in {t for _, t in graph.related[entity.id]} | set(links):
            if target != entity.id:
                graph.referenced_by[target].add(entity.id)
        for source in cites:
            graph.cited_by[source][entity.id] = graph.cited_by[source].get(entity.id, 0) + 1
    return graph
