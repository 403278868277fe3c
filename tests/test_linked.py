"""The citation records a whole build links into the site from the store beside the build (archive/linked.py)
rather than writing them: the same bytes as the plain path writes, never a store file written through."""

from __future__ import annotations

import errno
import os

from archive import linked
from archive.citation.records import write_downloads


def _read(site, records):
    return {rel: (site / rel).read_text(encoding="utf-8") for rel in records}


def test_an_unchanged_record_is_linked_a_changed_one_stored_anew_and_the_unused_removed(tmp_path):
    store = tmp_path / "store"
    first = {"documents/a/a.bib": "@online{a}", "documents/b/b.ris": "TY  - ELEC\nTI  - B\n"}
    second = {"documents/a/a.bib": "@online{a}", "documents/b/b.ris": "TY  - ELEC\nTI  - B, retitled\n"}
    write_downloads(first, tmp_path / "site-1", linked.Store(store))
    write_downloads(second, tmp_path / "site-2", linked.Store(store))
    assert _read(tmp_path / "site-1", first) == first and _read(tmp_path / "site-2", second) == second
    assert os.path.samefile(tmp_path / "site-1/documents/a/a.bib", tmp_path / "site-2/documents/a/a.bib")
    assert not os.path.samefile(tmp_path / "site-1/documents/b/b.ris", tmp_path / "site-2/documents/b/b.ris")
    # The store holds the second build's records only; the first site keeps its own.
    assert sorted(p.suffix for p in store.iterdir()) == [".bib", ".ris"]
    assert all(any(os.path.samefile(p, tmp_path / "site-2" / rel) for rel in second) for p in store.iterdir())


def test_a_record_written_again_replaces_the_sites_file_and_leaves_the_stored_one(tmp_path):
    """The live preview writes a changed record into a site whose file is the store's (the plain path)."""
    store, site = tmp_path / "store", tmp_path / "site"
    write_downloads({"documents/a/a.bib": "@online{a, title={Old}}"}, site, linked.Store(store))
    write_downloads({"documents/a/a.bib": "@online{a, title={New}}"}, site)
    assert (site / "documents/a/a.bib").read_text(encoding="utf-8") == "@online{a, title={New}}"
    assert [p.read_text(encoding="utf-8") for p in store.iterdir()] == ["@online{a, title={Old}}"]


def test_where_no_link_can_be_made_each_record_is_written(tmp_path, monkeypatch):
    """A store on another filesystem than the site (mike builds into a temporary folder)."""
    calls = []

    def cross_device(source, target):
        calls.append(target)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(linked.os, "link", cross_device)
    records = {f"documents/{n}/{n}.bib": f"@online{{{n}}}" for n in "abc"}
    store = linked.Store(tmp_path / "store")
    assert write_downloads(records, tmp_path / "site", store) == 3
    assert _read(tmp_path / "site", records) == records
    assert len(calls) == 1 and not store.linking  # tried once, then written plainly
