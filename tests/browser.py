"""Test support for the browser tests: the built fixture site served on 127.0.0.1 and Debian's Chromium
driven by Playwright. Kept apart from test_browser.py so the fixtures read as what they are."""

from __future__ import annotations

import gzip
import io
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
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


class StaticSiteHandler(SimpleHTTPRequestHandler):
    """Serves site/ like a static host (GitHub Pages): text compressed with gzip when the browser
    accepts it, the site's 404.html for a missing path. Compression matters to Lighthouse's
    performance figures, which model a slow mobile network."""

    COMPRESSED = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = self.guess_type(str(path))
        # Like the host: the same URL gives gzip or plain bytes depending on the request, so caches
        # must be told (Vary), for either answer.
        self.varies = path.is_file() and kind.startswith(self.COMPRESSED)
        if not (self.varies and self._accepts_gzip()):
            return super().send_head()
        if path.name == "index.html" and not self.path.split("?")[0].endswith("/") and path.parent.is_dir():
            return super().send_head()  # let the base class redirect /dir to /dir/
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _accepts_gzip(self) -> bool:
        for coding in self.headers.get("Accept-Encoding", "").split(","):
            name, _, params = coding.partition(";")
            if name.strip().lower() in ("gzip", "*"):
                weight = params.replace(" ", "").lower().partition("q=")[2]
                return not weight or float(weight) > 0  # "gzip;q=0" refuses gzip
        return False

    def end_headers(self):
        if getattr(self, "varies", False):
            self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):  # quiet: pytest shows failures, not access logs
        pass


class SiteServer:
    """A threaded http.server bound to 127.0.0.1 on a free port; the site directory is set later,
    because the site is built for the server's own URL."""

    def __init__(self):
        self.directory: Path | None = None
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _handler(self, *args, **kwargs):
        return StaticSiteHandler(*args, directory=str(self.directory), **kwargs)

    def start(self, directory: Path) -> "SiteServer":
        self.directory = directory
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


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
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_context(browser, viewport=DESKTOP, **options):
    defaults = {"viewport": viewport, "color_scheme": "light", "service_workers": "block"}
    if viewport == PHONE:
        defaults.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    return browser.new_context(**{**defaults, **options})


