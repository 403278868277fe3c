"""LinkChecker plugin: every link with a fragment on a page must name an anchor (an id, or an <a name>)
of its target page, as LinkChecker's AnchorCheck requires, but each page is fetched and parsed once.

LinkChecker's AnchorCheck keys its cache by the whole URL, fragment included, so every distinct
`page#anchor` is fetched and parsed again: 6,000 fetches of 270 pages on the real record, nearly all
footnotes (`#fn:1`, `#fnref:1`) pointing into their own page. Here the crawl caches each URL once
(AnchorCheck off) and this plugin checks, on each page LinkChecker has already parsed, the fragments
of the links in it: against the page's own anchors, or those of the linked page (fetched once per run).
A missing anchor is a warning on the linking page, as AnchorCheck reports it on the target URL.

Loaded by LinkChecker from $XDG_DATA_HOME/linkchecker/plugins/ (tests/support/linkcheck.py sets it)
and enabled by the [PageAnchorCheck] section of its configuration (base= the served site's URL).
"""

import sys
import threading
import urllib.parse
import urllib.request

from linkcheck.htmlutil import htmlsoup
from linkcheck.plugins import _ContentPlugin as ContentPlugin

__all__ = ["PageAnchorCheck"]
ENABLED = "PageAnchorCheck enabled: fragments checked for links into"

_anchors = {}  # page URL (no fragment) -> its anchor names
_lock = threading.Lock()


def anchors_of(soup) -> set:
    """The names a fragment may point at, as LinkChecker's AnchorCheck finds them (linkparse.AnchorTags)."""
    found = {tag["id"] for tag in soup.find_all(id=True)}
    return found | {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}


def _fetched_anchors(url: str) -> set | None:
    with _lock:
        if url in _anchors:
            return _anchors[url]
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            if "html" not in response.headers.get("Content-Type", ""):
                names = None
            else:
                names = anchors_of(htmlsoup.make_soup(response.read()))
    except OSError:
        names = None  # the link itself is checked (and reported) by LinkChecker
    with _lock:
        _anchors[url] = names
    return names


class PageAnchorCheck(ContentPlugin):
    """Checks the fragments of the links on an HTML page against their target page's anchors."""

    def __init__(self, config):
        super().__init__(config)
        self.base = config["base"]  # only links into the checked site: the checker ignores the rest
        print(f"{ENABLED} {self.base}", file=sys.stderr)  # tests/support/linkcheck.py looks for this

    @classmethod
    def read_config(cls, configparser):
        return {"base": configparser.get(cls.__name__, "base")}

    def applies_to(self, url_data):
        return url_data.is_html() and not url_data.extern[0]

    def check(self, url_data):
        page = urllib.parse.urldefrag(url_data.url)[0]
        soup = url_data.get_soup()
        own = anchors_of(soup)
        with _lock:
            _anchors.setdefault(page, own)
        for tag in soup.find_all(["a", "area"], href=True):
            target, fragment = urllib.parse.urldefrag(urllib.parse.urljoin(page, tag["href"]))
            if not fragment or not target.startswith(self.base):
                continue
            names = own if target == page else _fetched_anchors(target)
            decoded = urllib.parse.unquote(fragment)
            if names is not None and decoded not in names:
                url_data.add_warning(f"Anchor `{fragment}' of link {tag['href']!r} not found on {target}.")
