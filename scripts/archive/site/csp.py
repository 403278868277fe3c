"""Content-Security-Policy for the built site: the reader's browser may load only the site itself.

A static host cannot send headers we control, so the policy is a <meta http-equiv> tag. Material
writes a few inline scripts (its palette and scope snippets; they differ with page depth), so we hash
every distinct inline script and allow exactly those. With instant navigation a page's scripts run
under the policy of the first page loaded, so every page carries the hashes of the whole site.

Policy puts the tag into each page as MkDocs writes it (the hook's on_post_page and, for the 404
page, on_post_template), with the hashes seen so far, those of the HTML files MkDocs copies as they
are (redirect stubs) included; finish() then rewrites only the pages written before the last new
script turned up (the first pages of each depth) and gives the copied files their tag. Reading and rewriting every page after the build cost more than
the rest of the policy work together. Steps after on_post_page may change a page's content, not add
scripts to it (the whole-record page only adds page contents, where raw scripts are refused).

The tag goes right after <meta charset> (which must stay within the first 1024 bytes), or after <head>
in pages without one (e.g. redirect stubs); an HTML file with neither is an error, never a page
silently left without a policy.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_INSERT_AFTER = (re.compile(r"<meta\s+charset=[^>]*>", re.I), re.compile(r"<head\b[^>]*>", re.I))
# Inline <script> elements (no src attribute) that a browser runs. Data blocks (Material's JSON
# config, each page's JSON-LD) are never executed, so script-src does not apply to them; hashing them
# made every page carry one hash per page of the site (77 KB per page at 1,000 documents: O(n²)).
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)([^>]*)>", re.I)  # the opening tag; the body ends at </script>
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JAVASCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module")


def runs(attributes: str) -> bool:
    """Whether a <script> with these attributes is executed (no type, a JavaScript type or a module)."""
    match = _TYPE.search(attributes)
    return (match.group(1).lower() if match else "") in _JAVASCRIPT_TYPES

# Everything from this origin; nothing from anywhere else. Inline style attributes are allowed:
# Material and the timeline set them, and CSS cannot run script.
BASE_DIRECTIVES = (
    ("default-src", "'self'"),
    ("img-src", "'self' data:"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)


class CspError(Exception):
    pass


def _inline_scripts(text: str):
    """(attributes, body) of each inline <script>. Tags are found with str.find, the regular expression
    only tried on the tag: scanning whole pages with one expression is what made this step slow. Lower-case
    tags only (what Material and our templates write; content cannot carry raw scripts): a script
    missed here is one the policy does not allow, so a miss blocks a script, never lets one through."""
    start = text.find("<script")
    while start != -1:
        found = _INLINE_SCRIPT.match(text, start)
        end = start + 7
        if found:
            end = text.find("</script>", found.end())
            if end == -1:
                return
            yield found.group(1), text[found.end():end]
        start = text.find("<script", end)


def script_hashes(pages: list[str]) -> list[str]:
    """Sorted CSP source expressions ('sha256-...') of every distinct inline script in `pages`."""
    hashes = set()
    for text in pages:
        for attributes, body in _inline_scripts(text):
            if not runs(attributes):
                continue
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return sorted(hashes)


def policy(hashes: list[str]) -> str:
    directives = [f"{name} {value}" for name, value in BASE_DIRECTIVES]
    directives.insert(1, "script-src 'self' " + " ".join(hashes) if hashes else "script-src 'self'")
    return "; ".join(directives)


def meta_tag(text: str) -> str:
    # Only & and " need escaping in a double-quoted attribute; the policy's single quotes stay readable.
    value = text.replace("&", "&amp;").replace('"', "&quot;")
    return f'<meta http-equiv="Content-Security-Policy" content="{value}">'


class Policy:
    def __init__(self):
        self._hashes: set[str] = set()
        self._tag = meta_tag(policy([]))
        self._written: dict[Path, str] = {}  # page -> the tag it was written with
        self._copied: set[Path] = set()  # the HTML files MkDocs copied as they are (seen())

    def seen(self, text: str, path: Path | None = None) -> None:
        """Allow the scripts of an HTML file that MkDocs copies as it is (at `path` in the site: it gets
        its tag in finish())."""
        if path is not None:
            self._copied.add(Path(path))
        found = script_hashes([text])
        if not self._hashes.issuperset(found):
            self._hashes.update(found)
            self._tag = meta_tag(policy(sorted(self._hashes)))

    def page(self, text: str, path: str | Path) -> str:
        """The page with the policy of every script seen so far, its own included."""
        self.seen(text)
        self._written[Path(path)] = self._tag
        return _insert(text, self._tag, path)

    def forget(self, path: Path) -> None:
        """A page removed from the site."""
        self._written.pop(Path(path), None)
        self._copied.discard(Path(path))

    def finish(self, site_dir: Path, known: bool = False) -> str:
        """Give every HTML file of `site_dir` the policy of the whole site; returns the policy. `known`:
        the site holds only the files this policy has seen (pages, and copied files seen with their
        path), as in the live preview's rounds, so it is not listed again."""
        files = sorted(set(self._written) | self._copied) if known else sorted(site_dir.rglob("*.html"))
        # Bytes, not text: reading text would turn the CRLF of a page's RIS record into LF, so a page
        # would differ by whether it was rewritten here (the live preview rewrites fewer than a build).
        unseen = {path: path.read_bytes().decode("utf-8") for path in files if path not in self._written}
        self._hashes.update(script_hashes(list(unseen.values())))
        text = policy(sorted(self._hashes))
        tag = meta_tag(text)
        for path in files:
            old = self._written.get(path)
            if old == tag:
                continue
            if old is None:
                page = _insert(unseen[path], tag, path)
            else:
                page = path.read_bytes().decode("utf-8").replace(old, tag, 1)
            path.write_bytes(page.encode("utf-8"))
            self._written[path] = tag
        return text


def apply(site_dir: Path) -> str:
    """Put the policy into every HTML page of an already built `site_dir`; returns the policy."""
    return Policy().finish(site_dir)


def _insert(page: str, tag: str, path: Path) -> str:
    for pattern in _INSERT_AFTER:
        found = pattern.search(page)
        if found:
            return page[: found.end()] + tag + page[found.end():]
    raise CspError(f"{path}: no <meta charset> or <head> to put the Content-Security-Policy after")
