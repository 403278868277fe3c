"""Permanent URLs: a published page cannot disappear without a redirect; `formerly` makes the redirect."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build_corpus
from support.site import generate_tree

from archive.content import urls
from archive.cli import main


def _run(capsys, *args) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _manifest_line(docs, url: str) -> int:
    lines = (docs / urls.MANIFEST).read_text().splitlines()
    return lines.index(url) + 1


def test_deleting_a_published_page_fails_check_and_site(corpus_copy, tmp_path, capsys):
    (corpus_copy / "documents" / "doc-later.md").unlink()
    line = _manifest_line(corpus_copy, "/documents/doc-later/")
    for command in ("check", "site"):
        code, output = _run(capsys, command, "--docs", str(corpus_copy), "--out", str(tmp_path / "gen"), "--site", str(tmp_path / "site"))
        assert code == 1
        assert f"docs/urls.txt:{line}: published URL /documents/doc-later/ would disappear without a redirect" in output
        assert "add `formerly: [doc-later]`" in output
        assert "Traceback" not in output
    assert not (tmp_path / "site").exists()


def _rename_doc_later(docs, formerly: bool):
    old = docs / "documents" / "doc-later.md"
    text = old.read_text().replace("id: doc-later", "id: doc-final" + ("\nformerly: [doc-later]" if formerly else ""))
    old.unlink()
    (docs / "documents" / "doc-final.md").write_text(text)


def test_renaming_without_formerly_fails(corpus_copy, capsys):
    _rename_doc_later(corpus_copy, formerly=False)
    code, output = _run(capsys, "check", "--docs", str(corpus_copy))
    assert code == 1
    assert re.search(r"docs/urls.txt:\d+: published URL /documents/doc-later/ would disappear", output)


def test_formerly_makes_a_redirect_and_passes(corpus_copy, tmp_path, capsys):
    _rename_doc_later(corpus_copy, formerly=True)
    code, output = _run(capsys, "check", "--docs", str(corpus_copy))
    assert code == 0, output
    site = build_corpus(corpus_copy, tmp_path)
    redirect = BeautifulSoup((site.site / "documents" / "doc-later" / "index.html").read_text(), "lxml")
    refresh = redirect.find("meta", attrs={"http-equiv": "refresh"})["content"]
    target = refresh.split("url=", 1)[1]
    assert (site.site / "documents" / "doc-later" / target / "index.html").resolve() == (site.site / "documents" / "doc-final" / "index.html")
    assert redirect.find("link", rel="canonical")["href"].endswith("/documents/doc-final/")
    assert redirect.find("a")["href"] == target
    # `make urls` adds the new URL and keeps the old one.
    code, output = _run(capsys, "urls", "--docs", str(corpus_copy), "--out", str(tmp_path / "gen2"))
    assert code == 0, output
    listed = (corpus_copy / urls.MANIFEST).read_text().splitlines()
    assert "/documents/doc-final/" in listed and "/documents/doc-later/" in listed


def test_generated_page_urls_are_protected_too(corpus_copy, tmp_path, capsys):
    with (corpus_copy / urls.MANIFEST).open("a") as handle:
        handle.write("/reading-room/\n")
    code, output = _run(capsys, "check", "--docs", str(corpus_copy))
    assert code == 0  # not a content page: known only once the tree is generated
    code, output = _run(capsys, "generate", "--docs", str(corpus_copy), "--out", str(tmp_path / "gen"))
    assert code == 1
    assert "published URL /reading-room/ would disappear without a redirect" in output


def test_manifest_may_list_pages_of_another_tree(tmp_path):
    """A docs tree's manifest is its own: the fixture's lists fixture pages, and checks pass on it."""
    assert urls.read_manifest(tmp_path) is None
    assert urls.check(None, tmp_path) == []  # no manifest: nothing to protect yet


@pytest.mark.parametrize("docs", [ROOT / "docs", ROOT / "tests" / "fixtures" / "corpus"], ids=["site", "fixture"])
def test_committed_manifest_lists_every_published_url(docs, tmp_path):
    result = generate_tree(docs, tmp_path / "gen")
    missing = urls.published(result.corpus, result.pages) - {u for _, u in urls.read_manifest(docs)}
    assert not missing, f"{docs / urls.MANIFEST} lacks {sorted(missing)}: run `make urls` and commit it"
