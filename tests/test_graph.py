"""The graph the live preview updates from round to round (graph.build with what it kept) is the graph
built afresh from every page, after any series of edits, and the graph it was updated from is left as
it was (the memo compares this round's with the last round's)."""

from __future__ import annotations

import copy

import pytest
from support.editor import Editor

from archive.content import graph
from archive.content.validate import check


def _shape(links: graph.Graph) -> tuple:
    """Everything of a graph, with the order of each target's inverse lists and headings (the order its
    page lists them in)."""
    inverse = {target: [(heading, list(ids)) for heading, ids in lists.items()] for target, lists in links.inverse.items()}
    return (links.related, {t: set(ids) for t, ids in links.referenced_by.items()}, dict(links.cited_by), inverse,
            links.points_to)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_an_updated_graph_is_the_graph_built_afresh(corpus_copy, seed, monkeypatch):
    updated = []
    update = graph._updated
    monkeypatch.setattr(graph, "_updated", lambda *args: updated.append(update(*args)) or updated[-1])
    read, kept = {}, {}
    corpus, errors = check(corpus_copy, read)
    assert not errors
    last = graph.build(corpus, kept)
    editor = Editor(corpus_copy, seed)
    done = []
    for _ in range(12):
        done.append(editor.edit())
        corpus, errors = check(corpus_copy, read)
        assert not errors, (done, errors)
        before = copy.deepcopy(_shape(last))
        links = graph.build(corpus, kept)
        assert _shape(links) == _shape(graph.build(corpus)), done
        assert _shape(last) == before, done  # the last round's graph, as it was
        last = links
    assert any(u is not None for u in updated), done  # the update, not only the fallback, was compared
