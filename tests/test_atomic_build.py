"""A failed `build.py site` leaves the previous site/ exactly as it was, whatever fails."""

from __future__ import annotations

import pytest

import hashlib
from pathlib import Path

import yaml

from conftest import ROOT

from archive.cli import main
from archive.site import publish


def tree_hash(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def config(tmp_path: Path, nav: list, name: str) -> Path:
    """mkdocs.yml with another nav (MkDocs's INHERIT); theme and hook paths made absolute; CITATION.cff
    beside it, as in the repository."""
    (tmp_path / name).mkdir()
    (tmp_path / name / "CITATION.cff").write_bytes((ROOT / "CITATION.cff").read_bytes())
    path = tmp_path / name / "mkdocs.yml"
    path.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        + yaml.safe_dump({"nav": nav, "theme": {"custom_dir": str(ROOT / "docs" / "overrides")},
                          "hooks": [str(ROOT / "scripts" / "mkdocs_hooks.py")], "watch": []}),
        encoding="utf-8",
    )
    return path


def site_args(docs: Path, tmp_path: Path, config_file: Path) -> list[str]:
    return ["site", "--docs", str(docs), "--out", str(tmp_path / "generated"), "--site", str(tmp_path / "site"),
            "--config", str(config_file)]


@pytest.mark.slow
def test_content_error_and_mkdocs_failure_leave_site_untouched(corpus_copy, tmp_path, capsys):
    nav = publish.settings(ROOT / "mkdocs.yml")["nav"]
    good = config(tmp_path, nav, "good")
    assert main(site_args(corpus_copy, tmp_path, good)) == 0
    before = tree_hash(tmp_path / "site")
    assert "documents/doc-memo/index.html" in before and "pagefind/pagefind.js" in before

    # 1. A content error: nothing is generated or rendered.
    memo = corpus_copy / "documents" / "doc-memo.md"
    text = memo.read_text(encoding="utf-8")
    memo.write_text(text.replace('date: "1989-06-04"', 'date: "1989-02-30"'), encoding="utf-8")
    assert main(site_args(corpus_copy, tmp_path, good)) == 1
    assert "is not a real date" in capsys.readouterr().err
    assert tree_hash(tmp_path / "site") == before

    # 2. Valid content, but MkDocs fails (strict mode: the nav names a page that does not exist)
    #    after the generated tree has changed.
    memo.write_text(text.replace("The memo records", "The memo, revised, records"), encoding="utf-8")
    broken = config(tmp_path, nav + [{"Missing": "no-such-page.md"}], "broken")
    assert main(site_args(corpus_copy, tmp_path, broken)) == 1
    assert "mkdocs build failed" in capsys.readouterr().err
    assert tree_hash(tmp_path / "site") == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith((".site-staging-", ".site-old-"))]
    assert leftovers == []

    # And the same change with a working configuration is published.
    assert main(site_args(corpus_copy, tmp_path, good)) == 0
    assert tree_hash(tmp_path / "site") != before


def test_the_new_site_replaces_the_old_in_one_step(tmp_path, fixture_site):
    """On Linux the two folders are exchanged (renameat2), so site/ is never missing, even for a moment."""
    import os
    import sys

    from archive.site.publish import exchange

    new, site = tmp_path / "staging", tmp_path / "site"
    new.mkdir()
    site.mkdir()
    (new / "index.html").write_text("new")
    (site / "index.html").write_text("old")
    swapped = exchange(new, site)
    assert swapped == sys.platform.startswith("linux")  # CI and this project's machine: Linux, ext4
    assert (site / "index.html").read_text() == "new" and (new / "index.html").read_text() == "old"
    assert not exchange(tmp_path / "missing", site) and (site / "index.html").read_text() == "new"
    # The published folder is readable by others (mkdtemp's staging folder is private): the session's
    # build of the fixture corpus, published by the same code.
    mask = os.umask(0)
    os.umask(mask)
    assert fixture_site.site.stat().st_mode & 0o777 == 0o777 & ~mask
