"""Run LinkChecker (a real link checker, with its AnchorCheck plugin) over a built site.

The site is served over HTTP from a thread, as a static host would serve it (a folder URL gives
its index.html), and only URLs on that server are checked: the build needs no network.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

CONFIG = """[checking]
threads=8
maxrequestspersecond=1000
[filtering]
checkextern=0
[AnchorCheck]
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        # LinkChecker throttles to 10 requests/s unless the server answers with this header.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(site: Path):
    """Serve a built site on 127.0.0.1 from a thread, as a static host would; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def check_links(site: Path, workdir: Path) -> subprocess.CompletedProcess:
    """LinkChecker's result for every page reachable from the home page; returncode 0 = no broken link or anchor."""
    config = workdir / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    with served(site) as base:
        return subprocess.run(
            [str(Path(sys.executable).with_name("linkchecker")), "-f", str(config), "--no-status",
             "-o", "text", "--ignore-url", f"^(?!{base.replace('.', '[.]')})",
             # The whole-record page is checked, not followed: each of its thousands of in-page links
             # would make LinkChecker fetch and parse the whole page again (minutes even for a small
             # site). Its links are those of the pages it prints, which are followed; the print page's
             # own ids and links are checked with a parser in test_reading.py.
             "--no-follow-url", f"^{base.replace('.', '[.]')}print_page/", base],
            capture_output=True, text=True, timeout=1200,
        )
