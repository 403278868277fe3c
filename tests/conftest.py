"""Shared fixtures: the small fixture corpus under tests/fixtures/corpus, generated and built once."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from archive.pages.tree import Result, generate  # noqa: E402
from archive.site.publish import publish  # noqa: E402

FIXTURE_DOCS = ROOT / "tests" / "fixtures" / "corpus"
# The fixture has pages for every entry of mkdocs.yml's nav, so it builds with the real navigation.
FIXTURE_NAV = None


@dataclass
class BuiltSite:
    docs: Path  # authored pages
    generated: Path  # generated Markdown tree
    site: Path  # rendered HTML
    result: Result

    def html(self, url_path: str) -> BeautifulSoup:
        """Parsed HTML of a page, by its URL path (e.g. 'documents/doc-memo/')."""
        file = self.site / url_path / "index.html" if not url_path.endswith(".html") else self.site / url_path
        return BeautifulSoup(file.read_text(encoding="utf-8"), "lxml")


def build_corpus(docs: Path, workdir: Path, nav=None, release=None, **overrides) -> BuiltSite:
    """Generate and build a docs tree with the real mkdocs.yml (optionally another nav); a `release`
    (archive.versioning.Release) also sets MkDocs's site_url; other keywords override mkdocs.yml
    settings (e.g. site_url, repo_url)."""
    generated, site = workdir / "generated", workdir / "site"
    result = generate(docs, generated, release=release, defer=True)  # as `make site` does
    overrides = {**({"site_url": release.canonical_base} if release else {}), **overrides}
    previous = os.environ.get("ARCHIVE_DOCS")
    os.environ["ARCHIVE_DOCS"] = str(docs)  # authored pages of this build (the hook reads its changelog)
    try:
        publish(ROOT / "mkdocs.yml", generated, site, **({"nav": nav} if nav else {}), **overrides)
    finally:
        if previous is None:
            os.environ.pop("ARCHIVE_DOCS", None)
        else:
            os.environ["ARCHIVE_DOCS"] = previous
    return BuiltSite(docs, generated, site, result)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> BuiltSite:
    return build_corpus(FIXTURE_DOCS, tmp_path_factory.mktemp("fixture-build"))


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the fixture corpus, for tests that break it on purpose."""
    target = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, target)
    return target


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> BuiltSite:
    """The real record under docs/, built as `make site` builds it."""
    return build_corpus(ROOT / "docs", tmp_path_factory.mktemp("real-build"))


@pytest.fixture(scope="session")
def served_fixture_site(tmp_path_factory):
    """The fixture corpus built for the server's own URL, with a repository URL, and served (the browser
    tests, and the edit links): `.url`, and `.built`, its BuiltSite."""
    from support.browser import REPO_URL
    from support.server import SiteServer

    server = SiteServer()
    server.built = build_corpus(FIXTURE_DOCS, tmp_path_factory.mktemp("served-build"), site_url=server.url,
                                repo_url=REPO_URL)
    server.start(server.built.site)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test (Playwright's sync API allows one instance per process)."""
    from playwright.sync_api import sync_playwright

    from support.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(items):
    """`make test-fast` leaves out what drives a browser or builds the real record (tests say the rest)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
        if "real_site" in names:
            item.add_marker(pytest.mark.slow)
