"""The fixture corpus, built for real: footnotes, backlinks, timeline and indexes in the HTML."""

from __future__ import annotations

import pytest

from conftest import FIXTURE_DOCS

from archive.content.read import load


def test_footnotes_link_to_source_pages(fixture_site):
    page = fixture_site.html("documents/doc-memo/")
    notes = page.select("div.footnote li")
    assert len(notes) == 4  # two body citations and two in the discrepancy block
    first = notes[0].find("a")
    assert first["href"] == "../../sources/src-alpha/"
    assert first.get_text() == "Alpha report on the meeting"
    assert "para. 1" in notes[0].get_text()
    assert notes[0].find("a", href="https://alpha.example.org/report") is not None
    # A multi-source citation [@a; @b, section 2] is one note naming both sources.
    hrefs = [a["href"] for a in notes[1].find_all("a") if "sources/" in a["href"]]
    assert hrefs == ["../../sources/src-alpha/", "../../sources/src-beta/"]
    assert "section 2" in notes[1].get_text()
    refs = page.select("sup a.footnote-ref")
    assert [r.get_text() for r in refs] == ["1", "2", "3", "4"]


def test_source_page_lists_every_citing_page(fixture_site):
    cited = fixture_site.html("sources/src-beta/")
    section = cited.find("h2", id="cited-by").find_next("ul")
    targets = {a["href"] for a in section.find_all("a")}
    assert targets == {
        "../../documents/doc-memo/",
        "../../documents/doc-later/",
        "../../events/event-year/",
        "../../people/person-a/",
    }
    assert "2 citations" in section.get_text()  # doc-memo cites it twice


def test_backlinks_appear_on_both_ends(fixture_site):
    memo = fixture_site.html("documents/doc-memo/")
    related = memo.find("h2", id="related").find_next("ul")
    assert related.find("a", href="../../events/event-meeting/") is not None
    meeting = fixture_site.html("events/event-meeting/")
    referenced = meeting.find("h2", id="referenced-by").find_next("ul")
    assert referenced.find("a", href="../../documents/doc-memo/") is not None
    # The inline [[person-a|Mr Example]] link is a backlink on the person's page.
    person = fixture_site.html("people/person-a/")
    back = person.find("h2", id="referenced-by").find_next("ul")
    assert back.find("a", href="../../documents/doc-memo/") is not None
    assert memo.find("a", string="Mr Example")["href"] == "../../people/person-a/"


def test_timeline_lists_every_dated_entity_in_order(fixture_site):
    corpus = load(FIXTURE_DOCS)
    dated = {e.id for e in corpus.entities if e.type in ("document", "event")}
    page = fixture_site.html("timeline/")
    entries = page.select(".nt-timeline-item .nt-timeline-title a")
    ids = [a["id"] for a in entries]
    assert set(ids) == dated and len(ids) == len(dated)
    assert ids == ["event-year", "event-meeting", "doc-memo", "doc-later"]
    for a in entries:
        assert a["href"].startswith(("../documents/", "../events/"))
    assert [h.get_text(strip=True).rstrip("¶") for h in page.select("article h2")] == ["1988", "1989"]


def test_generated_indexes_list_every_page(fixture_site):
    corpus = load(FIXTURE_DOCS)
    folders = {"document": "documents", "event": "events", "person": "people", "organization": "organizations",
               "essay": "essays", "source": "sources"}
    for type_name, folder in folders.items():
        index = fixture_site.html(f"{folder}/")
        links = {a["href"].strip("./").split("/")[-1] for a in index.select("article a[href]")}
        for entity in corpus.of_type(type_name):
            assert entity.id in links, f"{folder}/ index does not list {entity.id}"


def test_entity_header_from_model(fixture_site):
    memo = fixture_site.html("documents/doc-memo/")
    terms = [dt.get_text() for dt in memo.select(".entity-meta dt")]
    assert terms[:2] == ["Original title", "Date"] and "Type" not in terms  # the breadcrumbs name the type
    values = {dt.get_text(): dt.find_next("dd").get_text() for dt in memo.select(".entity-meta dt")}
    assert values["Date"] == "4 June 1989 (Heisei 1, 平成元年)"
    assert values["Original title"] == "会談についてのメモ"
    meeting = fixture_site.html("events/event-meeting/")
    values = {dt.get_text(): dt.find_next("dd").get_text() for dt in meeting.select(".entity-meta dt")}
    assert values["Date"] == "3–5 June 1989 (Heisei 1, 平成元年)"


def test_discrepancy_block(fixture_site):
    memo = fixture_site.html("documents/doc-memo/")
    block = memo.select_one("div.admonition.discrepancy")
    assert block.select_one(".admonition-title").get_text() == "Date of the memo"
    text = block.get_text()
    for label in ("The article says:", "Other sources say:", "Assessment:"):
        assert label in text


def test_generation_is_deterministic_and_leaves_authored_files_alone(fixture_site, tmp_path):
    from support.site import generate_tree

    before = {p: p.read_bytes() for p in FIXTURE_DOCS.rglob("*") if p.is_file()}
    again = generate_tree(FIXTURE_DOCS, tmp_path / "again")
    # The fixture site was built as `make site` builds (steps beside the build where it can fork): its
    # tree is the one a plain generation writes.
    assert set(again.pages) == set(fixture_site.result.pages)
    for rel, text in again.pages.items():
        assert (tmp_path / "again" / rel).read_bytes() == (fixture_site.generated / rel).read_bytes()
    assert {p: p.read_bytes() for p in FIXTURE_DOCS.rglob("*") if p.is_file()} == before
    # A second run into the same tree writes nothing.
    assert generate_tree(FIXTURE_DOCS, tmp_path / "again").written == []


def test_the_bibliography_lists_every_source(fixture_site):
    entries = fixture_site.html("sources/").select("article li")
    sources = sorted(p.stem for p in (FIXTURE_DOCS / "sources").glob("*.md"))
    assert sorted(a["href"].strip("/").split("/")[-1] for li in entries for a in li.select("a")
                  if a.get_text() == "Source page") == sources


@pytest.mark.parametrize("runner", ["Serial", "Parallel"])
def test_a_step_that_fails_fails_the_build_and_writes_nothing(tmp_path, monkeypatch, runner):
    """A step's error reaches the caller whether it ran in place or in a child; nothing is generated or published."""
    from conftest import build_corpus

    from archive import runner as runners
    from archive.pages import indexes

    def broken(sources, revised, citeproc=None):
        raise ValueError("citeproc could not format a source")

    monkeypatch.setattr(indexes, "bibliography", broken)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.html").write_text("previous site")
    with pytest.raises(ValueError, match="citeproc could not format a source"):
        build_corpus(FIXTURE_DOCS, tmp_path, runner=getattr(runners, runner)())
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["old.html"]
    assert not (tmp_path / "generated").exists()


def test_home_page_lists_the_documents_only_while_they_are_few(tmp_path):
    """Up to indexes.HOME_DOCUMENTS the home page lists every document; a release series gets a pointer instead."""
    from archive.pages import indexes
    from archive.content.model import TYPES
    from tools.synth import write_corpus

    write_corpus(tmp_path, documents=indexes.HOME_DOCUMENTS + 1, seed=3)
    corpus = load(tmp_path)
    by_type = {t: corpus.of_type(t) for t in TYPES}
    _, many = indexes.home(by_type, "N", "D")
    assert "documents/index.md" in many and not any(f"({d.md_path})" in many for d in by_type["document"])
    by_type["document"] = by_type["document"][: indexes.HOME_DOCUMENTS]
    _, few = indexes.home(by_type, "N", "D")
    assert all(f"({d.md_path})" in few for d in by_type["document"])
