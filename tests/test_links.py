"""After each build, LinkChecker finds no broken internal link or anchor in the site."""

from __future__ import annotations

import pytest

from conftest import build_corpus
from linkcheck import check_links

from tools.synth import write_corpus


def assert_no_broken_links(site, tmp_path):
    result = check_links(site, tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " 0 warnings found. 0 errors found" in result.stdout  # a missing anchor is a warning
    assert "links in" in result.stdout  # it really crawled


def test_fixture_site_has_no_broken_links(fixture_site, tmp_path):
    assert_no_broken_links(fixture_site.site, tmp_path)


def test_real_site_has_no_broken_links(real_site, tmp_path):
    assert_no_broken_links(real_site.site, tmp_path)


@pytest.mark.slow
def test_synthetic_site_with_the_real_config_has_no_broken_links(tmp_path):
    """A synthetic corpus in the real format, built with the real mkdocs.yml and its nav."""
    docs = tmp_path / "docs"
    write_corpus(docs, documents=20, seed=6)
    build_corpus(docs, tmp_path)  # the real mkdocs.yml and nav, not the fixture's
    assert_no_broken_links(tmp_path / "site", tmp_path)


def test_link_checker_catches_a_broken_anchor(fixture_site, tmp_path):
    """The check can fail: a copy of the site with one dangling anchor is reported."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(fixture_site.site, site)
    page = site / "documents" / "doc-memo" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('href="#fn:1"', 'href="#no-such-anchor"', 1), encoding="utf-8")
    result = check_links(site, tmp_path)
    assert result.returncode != 0
    assert "no-such-anchor" in result.stdout
