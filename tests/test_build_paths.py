"""The speed seams: `make site` runs steps beside the build in forked children (archive/runner.py) and
keeps for the next build the citations it formats (archive/citation/kept.py) and the state of its
generation (archive/pages/state.py); the plain serial path, formatting and generating everything
afresh, is the reference. All must give the same generated tree and site."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURE_DOCS, ROOT

from archive.content.model import FOLDERS
from archive.content.read import file_signature
from archive.pages import state
from archive.site.build import RECORDS


def _build(tmp_path, name: str, *flags: str, env=None, docs=FIXTURE_DOCS, out=None):
    """(generated tree, site, steps forked, parts generated afresh: None on the plain path)."""
    out, site = out or tmp_path / name / "generated", tmp_path / name / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    # A process of its own, as `make site` runs: no test server's thread in it, so Parallel really forks.
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "site", "--docs", str(docs),
                           "--out", str(out), "--site", str(site), *flags], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    forked = int(re.search(r"(\d+) step\(s\) run beside the build", done.stdout).group(1))
    afresh = re.search(r"(\d+) part\(s\) generated afresh", done.stdout)
    return out, site, forked, afresh and int(afresh.group(1))


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_forked_build_gives_the_serial_builds_tree_and_site(tmp_path):
    cache = str(tmp_path / "cache")
    serial_out, serial_site, none, _ = _build(tmp_path, "serial", "--serial", "--no-cache")
    serial = _files(serial_site)
    # A Node that fails: the second build must take every citation from what the first kept.
    no_node = tmp_path / "bin"
    no_node.mkdir()
    (no_node / "node").write_text("#!/bin/sh\necho 'node was run' >&2\nexit 1\n")
    (no_node / "node").chmod(0o755)
    without_node = {"PATH": f"{no_node}{os.pathsep}{os.environ['PATH']}"}
    for name, env in (("forked", None), ("from-the-cache", without_node)):
        forked_out, forked_site, forked, _ = _build(tmp_path, name, "--cache", cache, env=env)
        assert none == 0 and forked >= 4  # records, bibliography, citation files, whole record: each in a child
        assert _files(forked_out) == _files(serial_out)
        parallel = _files(forked_site)
        assert sorted(parallel) == sorted(serial)
        differ = [path for path in serial if parallel[path] != serial[path]]
        assert differ == []
        # The citation records are the store's files (archive/linked.py), from the first build on.
        records = [p for p in forked_site.rglob("*") if p.suffix in (".bib", ".ris")]
        assert records and all(p.stat().st_nlink > 1 for p in records)
    assert _stored(tmp_path / "cache") == _stored_for(forked_site)


@pytest.mark.slow
def test_a_build_from_the_last_builds_state_gives_the_plain_builds_tree_and_site_after_edits(tmp_path):
    docs, cache = tmp_path / "docs", str(tmp_path / "cache")
    shutil.copytree(FIXTURE_DOCS, docs)
    out = tmp_path / "generated"  # one tree, as `make site` has: the state is kept for these folders
    first = _build(tmp_path, "first", "--cache", cache, docs=docs, out=out)[3]
    assert (tmp_path / "cache" / state.FILE).is_file()
    assert _build(tmp_path, "unchanged", "--cache", cache, docs=docs, out=out)[3] == 0  # every part as kept
    memo, later = docs / "documents" / "doc-memo.md", docs / "documents" / "doc-later.md"
    _replace(memo, 'title: "Memo on the meeting"', 'title: "Memo on the second meeting"')
    _replace(docs / "changelog.md", '    text: "First release', '    pages: [doc-later]\n    text: "First release')
    (docs / "documents" / "doc-added.md").write_text(
        later.read_text(encoding="utf-8").replace("id: doc-later", "id: doc-added"), encoding="utf-8")
    os.utime(later, ns=(1, 1))  # another modification time, the same bytes
    next_day = {"SOURCE_DATE_EPOCH": "1700086400"}  # the build's date is not in the state's key: its parts are remade
    for name, edit in (("edited", None), ("page-deleted", lambda: (docs / "documents" / "doc-added.md").unlink())):
        if edit:
            edit()
        shutil.rmtree(out)  # as the benchmark does: the tree written whole again
        kept_out, kept_site, _, afresh = _build(tmp_path, name, "--cache", cache, docs=docs, out=out, env=next_day)
        plain_out, plain_site, _, plain = _build(tmp_path, name + "-plain", "--serial", "--no-cache", docs=docs, env=next_day)
        assert plain is None and 0 < afresh < first
        assert _files(kept_out) == _files(plain_out)
        kept, plain = _files(kept_site), _files(plain_site)
        assert sorted(kept) == sorted(plain)
        assert [path for path in plain if kept[path] != plain[path]] == []
        assert _stored(tmp_path / "cache") == _stored_for(kept_site)  # the records of the last build, no others


def _stored(cache):
    """The names of the records stored in `cache` (archive/linked.py)."""
    return {p.name for p in (cache / RECORDS).iterdir()}


def _stored_for(site):
    """The names the citation records of `site` (the files beside each page's HTML) are stored under."""
    return {hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest() + p.suffix
            for folder in set(FOLDERS.values()) for p in (site / folder).glob("*/*") if p.name != "index.html"}


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_kept_state_serves_only_its_own_key_and_only_files_whose_bytes_are_the_same(tmp_path):
    same, edited, gone = (tmp_path / name for name in ("same.md", "edited.md", "gone.md"))
    read = {"read": {}}
    for path in (same, edited, gone):
        path.write_text(path.stem, encoding="utf-8")
        read["read"][str(path)] = (file_signature(path), f"entity {path.stem}", [], hashlib.blake2b(path.read_bytes()).digest())
    cache = tmp_path / "cache"
    cache.mkdir()
    left, running = cache / f"{state.FILE}.999999999", cache / f"{state.FILE}.{os.getppid()}"  # a killed save's, a running one's
    left.write_bytes(b"half")
    running.write_bytes(b"half")
    state.save(cache, "key", {"memo": "as kept"}, read)
    assert not left.exists() and running.exists()
    os.utime(same, ns=(1, 1))  # another modification time, the same bytes
    edited.write_text("edited again", encoding="utf-8")
    gone.unlink()
    memo, restored = state.restore(cache, "key")
    assert memo == {"memo": "as kept"}
    assert list(restored["read"]) == [str(same)] and restored["read"][str(same)][:3] == (file_signature(same), "entity same", [])
    assert state.restore(cache, "another key") is None
    (cache / state.FILE).write_bytes(b"torn")
    assert state.restore(cache, "key") is None


def test_a_state_kept_the_day_before_gives_every_page_the_new_access_date(tmp_path):
    """The key leaves out the build's date: what shows it must be remade from the state, edited or not."""
    from dataclasses import replace

    from archive.pages.tree import Regenerator, generate
    from support.site import local_release

    days = [replace(local_release(), built=day) for day in ("2026-01-01", "2026-01-02")]
    yesterday = Regenerator(FIXTURE_DOCS, tmp_path / "kept", days[0])
    yesterday.generate().page_records  # noqa: B018 - the cite boxes, as a build collects them
    yesterday.close()
    # The state as a build restores it (state.restore): the same objects, through one pickle.
    kept_state = pickle.loads(pickle.dumps((yesterday.memo, yesterday.read)))
    today = Regenerator(FIXTURE_DOCS, tmp_path / "kept", days[1], kept_state=kept_state)
    kept = today.generate().page_records
    today.close()
    plain = generate(FIXTURE_DOCS, tmp_path / "plain", days[1]).page_records
    assert "2026" in "".join(plain.downloads.values())
    assert kept.extras == plain.extras and kept.downloads == plain.downloads
