"""The live preview (archive/site/preview.py) after random series of edits equals a clean build, byte
for byte, and a content error leaves the last good preview in place."""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from support.cli import run_build_py
from support.editor import Editor
from support.site import local_release

from archive import runner
from archive.pages.paging import Limits
from archive.site.build import Build
from archive.site.preview import Preview

def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _differences(preview: Path, clean: Path) -> list[str]:
    ours, theirs = _tree(preview), _tree(clean)
    out = [f"only in the preview: {p}" for p in sorted(set(ours) - set(theirs))]
    out += [f"only in the clean build: {p}" for p in sorted(set(theirs) - set(ours))]
    for path in sorted(set(ours) & set(theirs)):
        if ours[path] != theirs[path]:
            out.append(f"differs: {path}")
            if path.endswith(".html"):  # the first lines that differ, tag by tag, for the failure message
                lines = [t.decode(errors="replace").replace("><", ">\n<").splitlines() for t in (ours[path], theirs[path])]
                out += [line for line in difflib.unified_diff(*lines, "preview", "clean", n=0, lineterm="")][2:12]
    return out


# A clean build with small limits (every listing paged, the whole record in volumes), in a process of
# its own as `make site` runs: build.py has no option for limits, which only tests change.
CLEAN_SPLIT = """
import sys
from pathlib import Path
from archive.pages.paging import Limits
from archive.runner import Serial
from support.site import build_corpus
docs, work, listing, volume = sys.argv[1:]
build_corpus(Path(docs), Path(work), limits=Limits(int(listing), int(volume)), runner=Serial())
"""


def _clean(docs: Path, work: Path, limits: Limits | None) -> None:
    if limits is None:
        made = run_build_py("site", "--docs", str(docs), "--out", str(work / "generated"), "--site", str(work / "site"))
    else:
        made = subprocess.run([sys.executable, "-c", CLEAN_SPLIT, str(docs), str(work), str(limits.listing), str(limits.volume)],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT / "tests")])})
    assert made.returncode == 0, made.stderr


@pytest.mark.slow
@pytest.mark.parametrize("seed, limits", [(1, None), (2, None), (3, Limits(listing=3, volume=20_000)), (7, None)],
                         ids=["seed-1", "seed-2", "seed-3-split", "seed-7-backdated"])
def test_preview_equals_clean_build_after_random_edits(corpus_copy, tmp_path, seed, limits, monkeypatch):
    """`limits`: small ones split every listing into pages and the whole record into volumes, as in a
    large archive, where a round renders and fills again only the volumes that changed. The clean build
    renders every page in one process: the rounds' pages rendered by a forked child (runner.halves) are
    compared with it."""
    split = []
    halves = runner.halves
    monkeypatch.setattr(runner, "halves", lambda fn, items, weight: split.append(len(items)) or halves(fn, items, weight))
    build = Build(docs=corpus_copy, out=tmp_path / "generated", release=local_release(), **({"limits": limits} if limits else {}))
    preview = Preview(build, ROOT / "mkdocs.yml", tmp_path / "preview")
    assert preview.update(), preview.errors
    editor = Editor(corpus_copy, seed)
    done = []
    for step in range(6):
        done.append(editor.edit())
        if step == 3:  # a content error: reported, and the last good preview stays as it was
            page = editor.rng.choice(editor.pages("documents"))
            good = page.read_text(encoding="utf-8")
            page.write_text(good.replace(" [@", " [[no-such-page]] [@", 1), encoding="utf-8")
            build.settle_search()  # the last round's search index, written beside it, done first
            before = _tree(preview.site_dir)
            assert not preview.update()
            shown = page.relative_to(corpus_copy.parent).as_posix()
            assert any(re.match(rf"{re.escape(shown)}:\d+: .*no-such-page", e) for e in preview.errors), preview.errors
            assert _tree(preview.site_dir) == before
            page.write_text(good, encoding="utf-8")
        # as the server runs a round: the edited pages first, then what no page shows
        assert preview.update(defer=True), (done, preview.errors)
        assert preview.update(), (done, preview.errors)
        if step % 2 == 0:  # a clean build costs seconds: every other edit (a stale page stays stale)
            continue
        build.settle_search()
        # `make site` in a process of its own: MkDocs keeps plugin instances per process, and a second
        # build in this one would reset the preview's (Material's tags plugin's state)
        clean = tmp_path / f"clean-{step}"
        _clean(corpus_copy, clean, limits)
        differences = _differences(preview.site_dir, clean / "site")
        assert not differences, "\n".join(done + differences)
        assert _tree(build.out) == _tree(clean / "generated"), done
    assert max(split) >= 2, split  # some round's pages were rendered in two processes


def test_status_is_not_settled_while_a_round_runs(tmp_path):
    """The status a browser and the preview bench poll: a round under way is not settled, even when the
    build it runs has nothing left to do yet (the rest of a round renders the printed volumes)."""
    import json

    from archive.content.errors import ContentError, ContentErrors

    seen = []

    class Idle:  # a build that never has anything pending; its round reads the status, then fails
        def settled(self):
            return True

        def pending(self):
            return False

        def regenerate(self, defer=False):
            seen.append(json.loads(preview.status())["settled"])
            raise ContentErrors([ContentError(str(tmp_path / "x.md"), 1, "a content error")])

    preview = Preview(Idle(), ROOT / "mkdocs.yml", tmp_path / "site")
    assert json.loads(preview.status())["settled"]
    assert not preview.update()
    assert seen == [False]
    assert json.loads(preview.status())["settled"]


def test_a_result_made_of_parts_keeps_its_parts_while_deferred():
    """tree.Memo: parts asked for inside a result's function (the open data's page by page) survive
    rounds that defer the result, so that the next round makes again only the changed parts."""
    from archive.pages.tree import Memo

    memo, made = Memo(), []

    def part(name):
        made.append(name)
        return name.upper()

    def whole(names):
        return [memo(("part", n), [n], part, n) for n in names]

    assert memo("tree-files", ["a", "b"], whole, ["a", "b"]) == ["A", "B"]
    memo.prune()
    memo.deferring = True  # a round that shows the edited pages first: the whole is kept as it was
    assert memo("tree-files", ["a", "c"], whole, ["a", "c"]) == ["A", "B"] and memo.pending
    memo.prune()
    memo.deferring = False
    made.clear()
    assert memo("tree-files", ["a", "c"], whole, ["a", "c"]) == ["A", "C"]
    assert made == ["c"]  # "a" was kept through the deferred round


def test_a_changed_revision_date_marks_only_its_own_page():
    """tree.Memo.changed_keys: the pages whose revision date changed since the last round (an edit on
    another day than the last commit, a commit), not every page because one date did."""
    from archive.pages.tree import Memo

    memo = Memo()
    assert memo.changed_keys("revised", {"a": "2020-12-23", "b": "2020-12-23"}) is None  # the first round
    assert memo.changed_keys("revised", {"a": "2020-12-23", "b": "2020-12-23"}) == set()
    assert memo.changed_keys("revised", {"a": "2026-12-07", "b": "2020-12-23", "c": "2026-12-07"}) == {"a", "c"}
    assert memo.changed_keys("revised", {"a": "2026-12-07"}) == {"b", "c"}  # gone
