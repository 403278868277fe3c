"""Content-Security-Policy for the built site: the reader's browser may load only the site itself.

A static host cannot send headers we control, so the policy is a <meta http-equiv> tag. Material
writes a few inline scripts (its config, palette and scope snippets; they differ with page depth), so
after MkDocs has built the site we hash every distinct inline script and allow exactly those. With
instant navigation a page's scripts run under the policy of the first page loaded, so every page
carries the hashes of the whole site.

The tag goes right after <meta charset> (which must stay within the first 1024 bytes), or after <head>
in pages without one (e.g. redirect stubs); an HTML file with neither is an error, never a page
silently left without a policy.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

_INSERT_AFTER = (re.compile(r"<meta\s+charset=[^>]*>", re.I), re.compile(r"<head\b[^>]*>", re.I))
# Inline <script> elements (no src attribute) that a browser runs. Data blocks (Material's JSON
# config, each page's JSON-LD) are never executed, so script-src does not apply to them; hashing them
# made every page carry one hash per page of the site (77 KB per page at 1,000 documents: O(n²)).
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)([^>]*)>(.*?)</script>", re.S | re.I)
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


def script_hashes(pages: list[str]) -> list[str]:
    """Sorted CSP source expressions ('sha256-...') of every distinct inline script in `pages`."""
    hashes = set()
    for text in pages:
        for attributes, body in _INLINE_SCRIPT.findall(text):
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


def apply(site_dir: Path) -> str:
    """Put the policy into every HTML page of `site_dir`; returns the policy."""
    files = sorted(site_dir.rglob("*.html"))
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    text = policy(script_hashes(list(texts.values())))
    tag = meta_tag(text)
    for path, page in texts.items():
        # Replaced, not rewritten in place: the search indexer reads these pages meanwhile (search.py).
        temporary = path.with_name(f".{path.name}.csp")
        temporary.write_text(_insert(page, tag, path), encoding="utf-8")
        os.replace(temporary, path)
    return text


def _insert(page: str, tag: str, path: Path) -> str:
    for pattern in _INSERT_AFTER:
        found = pattern.search(page)
        if found:
            return page[: found.end()] + tag + page[found.end():]
    raise CspError(f"{path}: no <meta charset> or <head> to put the Content-Security-Policy after")
