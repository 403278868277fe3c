"""The body syntax this archive adds to Markdown, and the raw-markup policy.

- Citations, Pandoc style: [@source-id], [@source-id, para. 4], [@a; @b, p. 3].
- Links by id: [[id]], [[id|text]], [[id#anchor|text]].
- Policy: no raw HTML in bodies, no link URLs other than http(s), mailto or relative.

Code (fenced blocks and `inline spans`) is left alone by every function here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Iterator

CITATION_RE = re.compile(r"\[(@[^\[\]]*)\](?!\()")
# When rendering, the space before a citation goes too: "text [@a]" becomes "text[^1]".
CITATION_WITH_SPACE_RE = re.compile(r"[ \t]*" + CITATION_RE.pattern)
# Matched against a stripped item. The locator runs to its last non-space character: a greedy `.*\S`
# finds that at once, where a lazy `.+?` retried the end of the item after every character.
_CITE_ITEM_RE = re.compile(r"^@([^\s,;\]]+)\s*(?:,\s*(.*\S))?\s*$")
WIKILINK_RE = re.compile(r"\[\[([^\[\]|#]*)(?:#([^\[\]|]*))?(?:\|([^\[\]]*))?\]\]")
HTML_TAG_RE = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^>]*>|<!--|<\?|<!\[CDATA\[")
_INLINE_LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REF_DEF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_AUTOLINK_RE = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_CODE_SPAN_RE = re.compile(r"(`+)(?:.+?)\1")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_QUOTES_RE = re.compile(r"^[>\s]*")
SAFE_SCHEMES = ("http", "https", "mailto")
MAX_LINE = 10000
MAX_NESTING = 16


@dataclass(frozen=True)
class CiteItem:
    source: str
    locator: str | None


@dataclass(frozen=True)
class Citation:
    items: tuple[CiteItem, ...]
    line: int
    raw: str


def body_lines(body: str, first_line: int) -> Iterator[tuple[int, str, bool]]:
    """(file line number, text, is_code) for each body line; fenced code blocks are marked as code."""
    fence = None
    for offset, text in enumerate(body.split("\n")):
        match = _FENCE_RE.match(text)
        if fence is None and match:
            fence = match.group(1)
            yield first_line + offset, text, True
        elif fence is not None:
            if text.strip().startswith(fence):
                fence = None
            yield first_line + offset, text, True
        else:
            yield first_line + offset, text, False


def map_prose(line: str, fn: Callable[[str], str]) -> str:
    """Apply fn to the parts of a line outside `code spans`."""
    if "`" not in line:  # most lines: no code span, no regex pass
        return fn(line)
    out, pos = [], 0
    for match in _CODE_SPAN_RE.finditer(line):
        out.append(fn(line[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(fn(line[pos:]))
    return "".join(out)


def prose(line: str) -> str:
    """The line with code spans removed."""
    return _CODE_SPAN_RE.sub("", line) if "`" in line else line


def parse_citation(inner: str) -> tuple[CiteItem, ...] | None:
    """Parse the inside of [...] that starts with '@'; None if it is not a well-formed citation."""
    items = []
    for part in inner.split(";"):
        match = _CITE_ITEM_RE.match(part.strip())
        if not match:
            return None
        items.append(CiteItem(*match.groups()))
    return tuple(items)


def citations_in(text: str, line: int) -> tuple[list[Citation], list[str]]:
    """Citations in a piece of prose, and the raw text of malformed ones."""
    found, bad = [], []
    if "[@" not in text:  # the cheap test first: most lines of a large corpus are checked many times
        return found, bad
    for match in CITATION_RE.finditer(prose(text)):
        items = parse_citation(match.group(1))
        if items is None:
            bad.append(match.group(0))
        else:
            found.append(Citation(items, line, match.group(0)))
    return found, bad


def unsafe_urls(text: str) -> list[str]:
    """Link targets in a line whose scheme is not allowed (javascript:, data:, vbscript:, ...)."""
    if "](" not in text and "]:" not in text and "<" not in text:  # no inline link, reference or autolink
        return []
    text = prose(text)
    targets = _INLINE_LINK_RE.findall(text) + _AUTOLINK_RE.findall(text)
    ref = _REF_DEF_RE.match(text)
    if ref:
        targets.append(ref.group(1))
    bad = []
    for target in targets:
        # Browsers ignore entities, control characters and whitespace inside a scheme.
        cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(target))
        scheme = _SCHEME_RE.match(cleaned)
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            bad.append(target)
    return bad


def raw_html(text: str) -> list[str]:
    """Raw HTML tags in a line of prose (outside code spans)."""
    if "<" not in text:
        return []
    return [m.group(0) for m in HTML_TAG_RE.finditer(prose(text))]


def nesting_depth(text: str) -> int:
    """How deeply a line is nested in blockquotes and lists."""
    stripped = text.lstrip()
    indent = (len(text) - len(stripped)) // 2
    if not stripped.startswith(">"):  # most lines: no regex pass
        return indent
    return indent + len(_QUOTES_RE.match(stripped).group(0).replace(" ", ""))
