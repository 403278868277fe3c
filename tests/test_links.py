"""After each build, LinkChecker finds no broken internal link or anchor in the site."""

from __future__ import annotations

import pytest

from conftest import build_corpus
from support.linkcheck import check_links

from tools.synth import write_corpus


def assert_no_broken_links(site, tmp_path, **options):
    result = check_links(site, tmp_path, **options)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " 0 warnings found. 0 errors found" in result.stdout  # a missing anchor is a warning
    assert "links in" in result.stdout  # it really crawled
    return result


def test_fixture_site_has_no_broken_links(fixture_site, tmp_path):
    assert_no_broken_links(fixture_site.site, tmp_path)


@pytest.mark.slow
def test_fixture_site_passes_linkcheckers_own_anchor_check(fixture_site, tmp_path):
    """Every page kind, with LinkChecker's AnchorCheck (a fetch per distinct page#anchor: affordable on
    the fixture site only) as well as the plugin: the two agree."""
    assert_no_broken_links(fixture_site.site, tmp_path, anchorcheck=True)


def test_real_site_has_no_broken_links(real_site, tmp_path):
    assert_no_broken_links(real_site.site, tmp_path)


@pytest.mark.slow
def test_synthetic_site_with_the_real_config_has_no_broken_links(tmp_path):
    """A synthetic corpus in the real format, built with the real mkdocs.yml and its nav."""
    docs = tmp_path / "docs"
    write_corpus(docs, documents=20, seed=6)
    build_corpus(docs, tmp_path)  # the real mkdocs.yml and nav, not the fixture's
    assert_no_broken_links(tmp_path / "site", tmp_path)


@pytest.fixture(scope="module")
def dangling(fixture_site, tmp_path_factory):
    """A copy of the fixture site whose memo has one link to an anchor that exists nowhere, and the
    events index one link to an anchor missing on the memo's page."""
    import shutil

    site = tmp_path_factory.mktemp("dangling") / "site"
    shutil.copytree(fixture_site.site, site)
    page = site / "documents" / "doc-memo" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert 'href="#fn:1"' in text
    page.write_text(text.replace('href="#fn:1"', 'href="#no-such-anchor"', 1), encoding="utf-8")
    index = site / "events" / "index.html"
    text = index.read_text(encoding="utf-8")
    assert "</article>" in text
    index.write_text(text.replace("</article>", '<a href="../documents/doc-memo/#no-such-section">x</a></article>', 1),
                     encoding="utf-8")
    return site


# The check can fail: both dangling anchors are reported, by the plugin (the real site's check) and by
# LinkChecker's AnchorCheck. Only the two pages and what they link to are checked (-r 1).
@pytest.mark.parametrize("anchorcheck", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["plugin", "anchorcheck"])
def test_link_checker_catches_a_broken_anchor(dangling, tmp_path, anchorcheck):
    result = check_links(dangling, tmp_path, anchorcheck=anchorcheck, start=("documents/doc-memo/", "events/"), recursion=1)
    assert result.returncode != 0
    for anchor in ("no-such-anchor", "no-such-section"):
        assert anchor in result.stdout
        if not anchorcheck:
            assert f"Anchor `{anchor}' of link" in result.stdout  # the plugin's report
