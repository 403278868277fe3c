"""Run LinkChecker (a real link checker) over a built site.

The site is served over HTTP by support.server, as a static host would serve it, and only URLs on
that server are checked: the build needs no network.

Anchors: LinkChecker's own AnchorCheck fetches and parses a page again for every distinct
`page#anchor` it meets (its cache is keyed by the whole URL), which on the real record is 6,000
fetches of 270 pages and most of the suite's time. So by default the crawl checks each URL once and
the PageAnchorCheck plugin (support/linkchecker/linkchecker/plugins/pageanchors.py) checks every
fragment of every link on each page LinkChecker has parsed, against its target page's anchors.
`anchorcheck=True` adds LinkChecker's own AnchorCheck (for the small fixture site, where it is cheap).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.server import served

PLUGINS_HOME = Path(__file__).resolve().parent / "linkchecker"  # $XDG_DATA_HOME: linkchecker/plugins/ below

CONFIG = """[checking]
threads=8
maxrequestspersecond=1000
[filtering]
checkextern=0
[PageAnchorCheck]
base={base}
"""


def check_links(site: Path, workdir: Path, *, anchorcheck: bool = False, start: tuple[str, ...] = ("",),
                recursion: int = -1) -> subprocess.CompletedProcess:
    """LinkChecker's result for every page reachable from the `start` pages (the home page; at most
    `recursion` links deep, -1: no limit); returncode 0 = no broken link or anchor."""
    config = workdir / "linkcheckerrc"
    with served(site) as base:
        config.write_text(CONFIG.format(base=base) + ("[AnchorCheck]\n" if anchorcheck else ""), encoding="utf-8")
        pattern = base.replace(".", "[.]")
        result = subprocess.run(
            [str(Path(sys.executable).with_name("linkchecker")), "-f", str(config), "--no-status",
             "-o", "text", "-r", str(recursion), "--ignore-url", f"^(?!{pattern})",
             # The whole-record page is checked, not followed: each of its thousands of in-page links
             # would make LinkChecker fetch and parse the whole page again (minutes even for a small
             # site). Its links are those of the pages it prints, which are followed; the print page's
             # own ids and links are checked with a parser in test_reading.py.
             "--no-follow-url", f"^{pattern}print_page/", *(base + path for path in start)],
            capture_output=True, text=True, timeout=1200, env={**os.environ, "XDG_DATA_HOME": str(PLUGINS_HOME)},
        )
    # LinkChecker only prints a warning to stdout for a plugin it cannot load, and then ignores its
    # section: without this, the anchors would go unchecked and the check would still pass.
    assert f"PageAnchorCheck enabled: fragments checked for links into {base}" in result.stderr, \
        result.stdout[-3000:] + result.stderr[-3000:]
    return result
