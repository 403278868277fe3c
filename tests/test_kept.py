"""Citations kept between builds (archive/citation/kept.py): the same answers as citeproc-js gives,
taken from the cache without running it, and never a stale one."""

from __future__ import annotations

from archive.citation import csl
from archive.citation.kept import FILE, Kept

ITEMS = [
    {"id": "a", "type": "webpage", "title": "The first page", "URL": "https://example.org/a", "issued": {"date-parts": [[2020, 12, 23]]}},
    {"id": "b", "type": "article-magazine", "title": "A second", "container-title": "Asahi Shimbun"},
]
JOBS = [
    {"style": "chicago", "items": ITEMS},
    {"style": "apa", "items": ITEMS},
    {"style": "chicago", "items": ITEMS, "together": True},
    {"style": "chicago", "items": ITEMS, "notes": "first"},
    {"style": "chicago", "items": ITEMS, "notes": True},
]


def test_kept_answers_are_citeproc_js_answers_without_running_it(tmp_path):
    plain = csl.render(JOBS)
    with csl.Citeproc(Kept(tmp_path)) as first:
        assert first.render(JOBS) == plain
    with csl.Citeproc(Kept(tmp_path)) as second:
        assert second.render(JOBS) == plain
        assert second._process is None  # every answer came from the cache: citeproc-js never started


def test_a_changed_item_is_formatted_again_and_the_rest_kept(tmp_path):
    with csl.Citeproc(Kept(tmp_path)) as citeproc:
        citeproc.render(JOBS)
    changed = [dict(ITEMS[0], title="The first page, revised"), ITEMS[1]]
    jobs = [dict(job, items=changed) for job in JOBS]
    with csl.Citeproc(Kept(tmp_path)) as citeproc:
        assert citeproc.render(jobs) == csl.render(jobs)
        assert "Revised" in citeproc.render(jobs)[0]["entries"]["a"]


def test_an_unreadable_cache_is_started_afresh(tmp_path):
    (tmp_path / FILE).write_bytes(b"not a database at all, but something torn" * 100)
    with csl.Citeproc(Kept(tmp_path)) as citeproc:
        assert citeproc.render(JOBS[:1]) == csl.render(JOBS[:1])
    with csl.Citeproc(Kept(tmp_path)) as citeproc:
        assert citeproc.render(JOBS[:1]) == csl.render(JOBS[:1])
        assert citeproc._process is None


def test_an_item_formatted_again_under_its_id_shows_its_new_data():
    """citeproc-js's engine keeps the items of its last call: an edited page, formatted twice in a row
    by the same process (the live preview), must not show its old title."""
    with csl.Citeproc() as citeproc:
        for kind in ({}, {"notes": "first"}, {"notes": True}):
            for title in ("Added Person 1", "Added Person 1 (rev. 32)"):
                answer = citeproc.render([{"style": "chicago", "items": [dict(ITEMS[0], title=title)], **kind}])[0]
                text = answer["entries"]["a"] if "entries" in answer else answer["notes"]["a"]["first"]
                assert "(Rev. 32)" in text if "rev" in title else "(Rev" not in text, (kind, title, text)


def test_builds_in_several_processes_share_the_cache(tmp_path):
    """The forked steps of a build (and builds side by side) read and write one cache at once; none fails,
    and each gets citeproc-js's answers."""
    import multiprocessing

    items = [dict(ITEMS[0], id=f"p{n}", title=f"Page {n}") for n in range(60)]
    jobs = [{"style": style, "items": items} for style in ("chicago", "apa", "mla")]
    plain = csl.render(jobs)
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        answers = pool.map(_render_kept, [(str(tmp_path), jobs)] * 8)
    assert all(answer == plain for answer in answers)


def _render_kept(args):
    folder, jobs = args
    with csl.Citeproc(Kept(folder)) as citeproc:
        return citeproc.render(jobs)
