"""The dated record of changes and corrections (errata), authored as docs/changelog.md.

Its front matter lists the entries, so they are validated like pages (`path:line: message`) and each
corrected page can show its own corrections; its body is the introduction.

    entries:
      - date: "2025-01-10"
        kind: correction          # correction | addition | change | removal
        version: "0.2.0"          # the release that carries it (optional)
        pages: [doc-memo]         # ids of the pages concerned (optional)
        text: "The memo is dated 4 June, not 5 June."
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive.content import dates, frontmatter, markup, schemas
from archive.content.errors import ContentError
from archive.content.kinds import DATE_PATTERN, MAX_TEXT, SLUG_PATTERN
from archive.content.read import Corpus, display_path, read_text

FILE = "changelog.md"
PAGE = "changelog.md"  # generated page, URL /changelog/
TITLE = "Changes and corrections"
KINDS = ("correction", "addition", "change", "removal")
_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "entries": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "kind", "text"],
                "additionalProperties": False,
                "properties": {
                    "date": {"type": "string", "pattern": DATE_PATTERN},
                    "kind": {"enum": list(KINDS)},
                    "version": {"type": "string", "minLength": 1},
                    "pages": {"type": "array", "items": {"type": "string", "pattern": SLUG_PATTERN}},
                    "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT},
                },
            },
        },
    },
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Entry:
    date: str
    kind: str
    text: str
    version: str | None
    pages: tuple[str, ...]


@dataclass
class Changelog:
    intro: str
    entries: list[Entry]


def load(docs: Path, corpus: Corpus) -> tuple[Changelog, list[ContentError]]:
    path = docs / FILE
    if not path.is_file():
        return Changelog("", []), []
    shown = display_path(path, docs.parent)
    text, errors = read_text(path, shown)
    if text is None:
        return Changelog("", []), errors
    parsed = frontmatter.split(text, shown)
    if parsed.errors:
        return Changelog("", []), parsed.errors
    known = corpus.by_id()
    for error in schemas.Checker(_SCHEMA).errors(parsed.data):
        where = tuple(error.absolute_path)
        line = next((parsed.lines[where[:n]] for n in range(len(where), -1, -1) if where[:n] in parsed.lines), 1)
        errors.append(ContentError(shown, line, f"{'.'.join(map(str, where)) or 'changelog'}: {error.message}"))
    for i, item in enumerate(parsed.data.get("entries") or []):
        for j, page in enumerate(item.get("pages") or [] if isinstance(item, dict) else []):
            if isinstance(page, str) and page not in known:
                errors.append(ContentError(shown, parsed.lines.get(("entries", i, "pages", j), 1), f"entries.{i}.pages: unknown id '{page}'"))
    for line, raw, is_code in markup.body_lines(parsed.body, parsed.body_line):
        for tag in markup.raw_html(raw):
            errors.append(ContentError(shown, line, f"raw HTML {tag[:40]!r} is not allowed: write Markdown"))
    if errors:
        return Changelog("", []), errors
    entries = [
        Entry(e["date"], e["kind"], e["text"], e.get("version"), tuple(e.get("pages") or ()))
        for e in parsed.data.get("entries") or []
    ]
    entries.sort(key=lambda e: dates.parse(e.date).sort_key(), reverse=True)
    return Changelog(parsed.body.strip(), entries), []


def page(log: Changelog, index: dict) -> str:
    from archive.pages.markdown import esc, front_matter, link, mark_languages  # here, not above: `make check` reads the log but renders nothing

    out = [f"# {TITLE}\n\n"]
    if log.intro:
        out.append(log.intro + "\n\n")
    if not log.entries:
        out.append("No changes or corrections have been recorded yet.\n")
    for entry in log.entries:
        when = dates.parse(entry.date)
        pages = ", ".join(link(PAGE, index[p]) for p in entry.pages)
        version = f" (version {esc(entry.version)})" if entry.version else ""
        out.append(
            f"- <time datetime=\"{when.iso()}\">{when.human()}</time>{version}, **{entry.kind}**: {esc(entry.text)}"
            + (f" Pages: {pages}." if pages else "")
            + "\n"
        )
    return front_matter({"title": TITLE, "generated": True}) + mark_languages("".join(out))


def by_page(log: Changelog) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for entry in log.entries:
        for page_id in entry.pages:
            out.setdefault(page_id, []).append(entry)
    return out
