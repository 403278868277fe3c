"""Citation and link syntax, and the raw-markup policy, as plain functions."""

from __future__ import annotations

from archive.content import markup


def test_citation_forms():
    found, bad = markup.citations_in("As shown [@a] and [@b, para. 4] and [@c; @d, p. 3].", 7)
    assert bad == []
    assert [tuple((i.source, i.locator) for i in c.items) for c in found] == [
        (("a", None),),
        (("b", "para. 4"),),
        (("c", None), ("d", "p. 3")),
    ]
    assert all(c.line == 7 for c in found)


def test_citation_items_and_their_locators():
    cases = {
        "@a": (("a", None),),
        "@a, p. 3": (("a", "p. 3"),),
        " @a ,  paras. 2–6  ": (("a", "paras. 2–6"),),
        "@a, x\u00a0y\u3000": (("a", "x\u00a0y"),),  # Unicode spaces inside are kept, at the end dropped
        "@a, x\ty; @b": (("a", "x\ty"), ("b", None)),
        "@a,": None,
        "@a,   ": None,
        "@a, x\ny": None,  # a locator does not run over a line break
        "@a b": None,
        "a": None,
        "@a, x; junk": None,
    }
    for inner, expected in cases.items():
        items = markup.parse_citation(inner)
        assert (items and tuple((i.source, i.locator) for i in items)) == expected, inner


def test_malformed_citation_and_link_text_are_distinguished():
    found, bad = markup.citations_in("see [@a,, x; junk] and [@user](https://example.org)", 1)
    assert found == [] and bad == ["[@a,, x; junk]"]


def test_code_is_left_alone():
    assert markup.citations_in("`[@not-a-citation]` here", 1) == ([], [])
    lines = list(markup.body_lines("text\n```\n[@x] <script>\n```\nafter", 10))
    assert [(n, code) for n, _, code in lines] == [(10, False), (11, True), (12, True), (13, True), (14, False)]


def test_wikilinks():
    matches = [m.groups() for m in markup.WIKILINK_RE.finditer("[[a]] [[b|Text]] [[c#sec|More]]")]
    assert matches == [("a", None, None), ("b", None, "Text"), ("c", "sec", "More")]


def test_unsafe_urls():
    assert markup.unsafe_urls("[x](javascript:alert(1))")[0].startswith("javascript:")
    assert markup.unsafe_urls("[x](jav&#x61;script:alert)") != []
    assert markup.unsafe_urls("<data:text/html,hi>") == ["data:text/html,hi"]
    assert markup.unsafe_urls("[ok](https://example.org) [rel](../x/) [m](mailto:a@b.c)") == []
    assert markup.unsafe_urls("[ref]: vbscript:msgbox") == ["vbscript:msgbox"]


def test_raw_html():
    assert markup.raw_html("a <script>x</script> b") == ["<script>", "</script>"]
    assert markup.raw_html("an autolink <https://example.org> and `<b>code</b>`") == []
    assert markup.raw_html("a <!-- comment -->") == ["<!--"]


def test_print_page_rewrites_ids_and_links_of_a_page():
    from archive.pages.wholerecord import Printed, rewrite

    anchors = {"documents/a": "documents-a", "events/b": "events-b"}
    html = (
        '<h1 id="title">T</h1><p><a href="../../events/b/#when">b</a> <a href="#fn:1">1</a> '
        '<a href="../">index</a> <a href="../../">home</a> <a href="https://example.org/x">x</a> '
        '<a href="../../data/archive.json">data</a> <img src="../../assets/i.png"></p><h2 id="s">S</h2>'
    )
    out = rewrite(Printed("documents/a/", "A", html), anchors)
    assert out == (
        '<h3 id="documents-a--title">T</h3><p><a href="#events-b--when">b</a> <a href="#documents-a--fn:1">1</a> '
        '<a href="../documents/">index</a> <a href="../">home</a> <a href="https://example.org/x">x</a> '
        '<a href="../data/archive.json">data</a> <img src="../assets/i.png"></p><h4 id="documents-a--s">S</h4>'
    )


def test_links_between_generated_pages_are_posixpaths_relative_paths():
    """pages.markdown.rel is posixpath.relpath for every pair of the paths a generated tree holds."""
    import posixpath

    from archive.pages.markdown import rel

    paths = ["index.md", "timeline.md", "timeline/page-2.md", "documents/index.md", "documents/index/page-3.md",
             "documents/a.md", "documents/b.md", "organizations/mofa.md", "organizations/mofa/referenced-by-2.md",
             "print_page/volume-2.md", "tags.md", "sources/x.md", "changelog.md"]
    for here in paths:
        for there in paths:
            assert rel(here, there) == posixpath.relpath(there, posixpath.dirname(here) or "."), (here, there)
