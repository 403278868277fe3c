"""Shared fixtures: the fixture corpus under tests/fixtures/corpus and the real record, each built once;
one browser. The helpers are in tests/support/."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from support.site import FIXTURE_DOCS, BuiltSite, build_corpus  # noqa: E402  (tests import these from here too)


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
