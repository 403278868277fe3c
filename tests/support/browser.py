"""Test support for the browser tests: Chromium driven by Playwright, and what a page did (requests,
errors) while a test used it. The site is served by support.server."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Which Chromium: ARCHIVE_BROWSER, the variable the Makefile's `browser` target installs by (it says why
# each). "debian": Debian's package, on this project's machines and under .ci/run; "playwright":
# Playwright's own build (None: Playwright launches the one it installed), on GitHub's runners.
BROWSERS = {"debian": "/usr/bin/chromium", "playwright": None}
CHROMIUM = BROWSERS["debian"]


def chromium(environ=os.environ) -> str | None:
    """The executable Playwright is to launch (None: its own build), as ARCHIVE_BROWSER names it."""
    choice = environ.get("ARCHIVE_BROWSER") or "debian"
    if choice not in BROWSERS:
        raise ValueError(f"ARCHIVE_BROWSER={choice!r}: use one of {', '.join(BROWSERS)}")
    path = BROWSERS[choice]
    if path is not None and not os.access(path, os.X_OK):
        raise FileNotFoundError(f"{path} (ARCHIVE_BROWSER={choice}) is missing: `make browser` installs it")
    return path
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# What a GitHub Pages-like static host does, and what the tests do: one repository URL (for the edit
# and repository links, which must not make the browser call the forge's API).
REPO_URL = "https://github.com/example/japan-1989-archive"


@dataclass
class Visit:
    """Everything a page did while a test used it: requests made and errors reported."""

    page: object
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # pages a test expects to be 404

    def console(self, msg):
        if msg.type != "error":
            return
        # The browser logs the 404 of a page that is meant to be missing; that one is expected.
        if msg.text.startswith("Failed to load resource") and msg.location.get("url") in self.missing:
            return
        self.errors.append(f"console error: {msg.text} ({msg.location.get('url')})")

    def goto(self, path: str, status: int = 200):
        if status == 404:
            self.missing.add(self.base + path)
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"
        # Material starts its components after load; let them settle (search index, palette).
        self.page.wait_for_load_state("networkidle")
        return response

    @property
    def outside(self) -> list[str]:
        """Requests to anything but the local test server (data: URLs never leave the page)."""
        return [u for u in self.requests if not u.startswith("data:") and urlsplit(u).hostname not in LOCAL_HOSTS]


def watch(page, base: str) -> Visit:
    visit = Visit(page, base)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", visit.console)
    page.on("pageerror", lambda exc: visit.errors.append(f"page error: {exc}"))
    return visit


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)


def new_context(browser, viewport=DESKTOP, **options):
    defaults = {"viewport": viewport, "color_scheme": "light", "service_workers": "block"}
    if viewport == PHONE:
        defaults.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    return browser.new_context(**{**defaults, **options})


