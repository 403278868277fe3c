"""The one static server of the tests: a built site served on 127.0.0.1 from a thread, as a static
host (GitHub Pages) serves it. The browser tests, the link checker and the audit's reviewers all see
the same answers: a folder URL gives its index.html, text is gzipped when the client accepts it, a
missing path gives the site's 404.html with status 404."""

from __future__ import annotations

import contextlib
import gzip
import io
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


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
        # LinkChecker throttles to 10 requests/s unless the server answers with this header.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    not_found = "404.html"  # the host's page for a missing address, under the served folder

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / self.not_found
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


class _Server(ThreadingHTTPServer):
    # A browser opens several connections at once (Pagefind fetches its chunks side by side); with
    # the default backlog of 5 a busy machine drops the connections beyond it, and the browser waits
    # seconds before it tries again.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        """A browser that leaves a page mid-download (a redirect, a test moving on) closes the connection:
        not an error of the site. Anything else is printed, as the base class does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SiteServer:
    """A threaded http.server bound to 127.0.0.1 on a free port; the site directory is set later,
    because the site is built for the server's own URL."""

    def __init__(self, not_found: str = "404.html"):
        """`not_found`: the 404 page's path in the folder (GitHub Pages serves a project site's own,
        /REPO/404.html, for a missing address under /REPO/)."""
        self.directory: Path | None = None
        self.handler = type("Handler", (StaticSiteHandler,), {"not_found": not_found})
        self.httpd = _Server(("127.0.0.1", 0), self._handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _handler(self, *args, **kwargs):
        return self.handler(*args, directory=str(self.directory), **kwargs)

    def start(self, directory: Path) -> "SiteServer":
        self.directory = directory
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@contextlib.contextmanager
def served(site: Path):
    """Serve a built site for the duration of a `with` block; yields its base URL."""
    server = SiteServer().start(site)
    try:
        yield server.url
    finally:
        server.stop()
