"""The Markdown toolkit every generator uses: escaping, links between generated pages, front matter,
and the dates and order of dated pages."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import yaml

from archive.content import dates
from archive.content.kinds import writes_cjk
from archive.content.model import DATE, END, START
from archive.content.read import Entity

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|{}])")


def esc(text: object) -> str:
    """Plain text made safe for Markdown: no tag survives, no accidental emphasis or link."""
    return _esc(str(text))


@lru_cache(maxsize=1 << 16)  # the same titles are escaped for every link to them
def _esc(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def rel(from_md: str, to_md: str) -> str:
    """Relative link between two generated Markdown files (MkDocs turns these into URLs and checks them).
    posixpath.relpath's answer for the tree's own paths (relative, normalised: no '.', '..' or '//'),
    without its work of making both absolute, which a hub page's thousands of links would pay."""
    here, there = from_md.split("/")[:-1], to_md.split("/")
    shared = 0
    while shared < len(here) and shared < len(there) - 1 and here[shared] == there[shared]:
        shared += 1
    return "/".join([".."] * (len(here) - shared) + there[shared:])


def link(from_md: str, target: Entity, text: str | None = None) -> str:
    return f"[{esc(text if text is not None else target.title)}]({rel(from_md, target.md_path)})"


def first_date(entity: Entity):
    """The date a dated entity sorts by: its date, or the start of its span; None if undated."""
    return entity.get(DATE) or entity.get(START)


def entity_date(entity: Entity) -> str | None:
    """Human date of a dated entity (date or start/end), with its era; None if undated."""
    def parsed(name):
        value = entity.get(name)
        return dates.parse(value) if value else None

    if not first_date(entity):
        return None
    return dates.describe(parsed(DATE), parsed(START), parsed(END))


def sort_key(entity: Entity) -> tuple:
    """(date, title, id): the order of dated listings; worked out once per Entity (Entity.derived)."""
    key = entity.derived.get("sort key")
    if key is None:
        value = first_date(entity)
        key = entity.derived["sort key"] = (dates.parse(value).sort_key() if value else (9999, 0, 0),
                                            entity.title.lower(), entity.id)
    return key


def front_matter(values: dict) -> str:
    # libyaml's emitter where available: the pure-Python one is much slower.
    dumped = yaml.dump(values, Dumper=_Dumper, allow_unicode=True, sort_keys=True, width=10_000)
    return "---\n" + dumped + "---\n\n"


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# --- Text in Chinese characters, marked with its language (WCAG 3.1.2) -------------------------
# A run starts and ends with a CJK character (ideographs, kana, CJK punctuation and brackets, full-width
# forms) and may hold digits, Latin letters and the punctuation of Japanese dates and file numbers.
_CJK = "\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# Left alone: code spans, link targets, HTML tags and attribute lists, where a tag would break them.
_LANG_RUN = re.compile(rf"(`+).*?\1|\]\([^)]*\)|<[^>]*>|\{{[^}}]*\}}|([{_CJK}](?:[{_CJK}0-9A-Za-z()~\-・]*[{_CJK}])?)")
CJK_DEFAULT = "ja"  # text in Chinese characters on a page of no CJK language: the record's are from Japanese sources


def mark_languages(text: str, language: str | None = None) -> str:
    """Markdown with every run of Chinese characters in a <span lang>: Japanese where it has kana, else
    the page's language if that is written in them (a Chinese source's headline), else Japanese."""
    if text.isascii():
        return text
    han = language if writes_cjk(language) else CJK_DEFAULT
    out, pos = [], 0
    for match in _LANG_RUN.finditer(text):
        if match.group(2) is None:
            continue
        start, end = match.span(2)
        run = match.group(2)
        if run.count("(") > run.count(")") and text.startswith(")", end):
            end, run = end + 1, run + ")"  # a title ending in its own bracket: "(主として西側向け)"
        out += [text[pos:start], f'<span lang="{"ja" if _KANA.search(run) else han}">{run}</span>']
        pos = end
    out.append(text[pos:])
    return "".join(out)
