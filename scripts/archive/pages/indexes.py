"""Generated pages: home, one index per type, bibliography and timeline. The indexes and the timeline
are split into pages of `Limits.listing` entries (pages/paging.py)."""

from __future__ import annotations

import html
import json
import re
from itertools import groupby

from markdown.extensions.toc import slugify

from archive.citation import csl
from archive.content import dates
from archive.content.model import (
    END, ENTITY_TYPES, FOLDERS, LANGUAGE, NUMBER, ORDER, ORIGINAL_NAMES, PLURAL_LABELS, SINGULAR_LABELS, SUMMARY, types_where,
)
from archive.content.read import Entity
from archive.pages import paging, wholerecord
from archive.pages.markdown import entity_date, esc, first_date, front_matter, link, mark_languages, rel, sort_key
from archive.pages.paging import Limits
from archive.site.mdext import EXTERNAL_NOTE

TIMELINE_TYPES = types_where(lambda t: t.timeline)


def _cell(text: object) -> str:
    return esc(text).replace("\n", " ")


def _short_date(entity: Entity) -> str:
    value = first_date(entity)
    if not value:
        return ""
    text = dates.parse(value).human()
    if entity.get(END):
        text += " – " + dates.parse(entity.get(END)).human()
    return text


def dated(entities: list[Entity]) -> list[Entity]:
    return sorted((e for e in entities if first_date(e)), key=sort_key)


_INDEX_SORT = {
    "date": sort_key,
    "order": lambda e: (e.get(ORDER, 999), e.title),
    "title": lambda e: (e.title.lower(), e.id),
    "number": lambda e: (str(e.get(NUMBER) or "~"), e.title.lower(), e.id),
}


def _index_cell(path: str, entity: Entity, column: str) -> str:
    if column == "title":
        return link(path, entity)
    if column == "when":
        return _short_date(entity)
    if column == "original":
        return _cell(next((entity.get(name) for name in ORIGINAL_NAMES if entity.get(name)), ""))
    value = entity.get(column)
    return "" if value is None else _cell(value)


def ordered(type_name: str, entities: list[Entity]) -> list[Entity]:
    """A type's pages in the order of its index (types.csv: index_sort)."""
    return sorted(entities, key=_INDEX_SORT[ENTITY_TYPES[type_name].index_sort])


def run_label(sort: str, run: list[Entity]) -> str:
    """What a run of entities in index order holds, for the page links: dates, initials or numbers."""
    if sort in ("date", "title"):
        return paging.run_span(run)
    if sort == "number":
        return paging.span(str(run[0].get(NUMBER) or ""), str(run[-1].get(NUMBER) or ""))
    return ""


def type_index(type_name: str, entities: list[Entity], limits: Limits = Limits(), memo=None) -> dict[str, str]:
    """Path -> Markdown of the index of one type, in pages: the columns and order its row in types.csv names.
    `memo`: paging.each's."""
    kind = ENTITY_TYPES[type_name]
    runs = paging.chunks(ordered(type_name, entities), limits.listing)
    pages = paging.pages_of(f"{kind.folder}/index.md", "page", f"the {kind.plural.lower()} index", runs,
                            lambda run: run_label(kind.index_sort, run))
    intro = f"{len(entities)} {kind.plural.lower()} in the archive." + (f" {esc(kind.index_note)}" if kind.index_note else "")

    def make(n: int, run: list[Entity]) -> str:
        path = pages.paths[n]
        rows = ["| " + " | ".join(h for h, _ in kind.index_columns) + " |", "|" + "---|" * len(kind.index_columns)]
        rows += [mark_languages("| " + " | ".join(_index_cell(path, e, c) for _, c in kind.index_columns) + " |", e.get(LANGUAGE))
                 for e in run]
        title = kind.plural if not n else f"{kind.plural}, page {n + 1}"
        return (front_matter({"title": title, "generated": True}) + f"# {title}\n\n{intro}\n\n" + pages.pager(n)
                + "\n".join(rows) + "\n\n" + pages.pager(n))

    return paging.each(pages, runs, make, lambda n, run: [intro, tuple(pages.labels), *run], memo)


BIBLIOGRAPHY = f"{FOLDERS['source']}/index.md"


_URL = re.compile(r"https?://[^\s<]+[^\s<.,;:)]")


def _linked(entry: str) -> str:
    """A formatted entry with its URL as a link (citeproc-js prints it as text; the text stays the same),
    marked as leaving the site as our Markdown extension marks every other such link (the list is raw
    HTML, which the extension does not see)."""
    return _URL.sub(lambda m: f'<a href="{m.group(0)}" class="external" rel="noopener external">{m.group(0)}'
                              f'<span class="visually-hidden"> {EXTERNAL_NOTE}</span></a>', entry)


def bibliography(sources: list[Entity], revised: dict[str, str], citeproc: csl.Citeproc | None = None,
                 ) -> tuple[str, str, list[Entity]]:
    """(path, Markdown, sources in its order): every source in one Chicago notes-bibliography list by
    citeproc-js, in the style's own order, with its page link. An undated online source is given the
    date its record was last revised (`revised`) as the date it was accessed."""
    by_id = {s.id: s for s in sources}
    entries = csl.format_together([csl.source_item(s, revised.get(s.id)) for s in sources], "chicago", citeproc)
    items = "\n".join(
        f'<li id="{html.escape(i)}"><span class="csl-entry">{_linked(entry)}</span> '
        f'<a class="bibliography-page" href="{html.escape(i)}/">Source page</a> ({html.escape(str(by_id[i].get("seen")))})</li>'
        for i, entry in entries
    )
    body = (
        front_matter({"title": "Bibliography", "generated": True})
        + "# Bibliography\n\n"
        + f"Every source cited in the archive ({len(sources)}), formatted in Chicago notes-bibliography style. "
        + "The note after each entry says how the source was seen: *full-text*, *excerpt* or *link-only*. "
        + "For a source without a date of publication, the access date is the day its record here was last revised.\n\n"
        + f'<ul class="bibliography">\n{items}\n</ul>\n'
    )
    return BIBLIOGRAPHY, body, [by_id[i] for i, _ in entries]


def timeline(entities: list[Entity], limits: Limits = Limits(), memo=None) -> dict[str, str]:
    """Path -> Markdown of the timeline's pages: every dated document and event in date order, grouped
    by year, one neoteroi timeline per year. `memo`: paging.each's."""
    items = dated([e for e in entities if e.type in TIMELINE_TYPES])
    runs = paging.chunks(items, limits.listing)
    pages = paging.pages_of("timeline.md", "page", "the timeline", runs, paging.run_span)

    def make(n: int, run: list[Entity]) -> str:
        path = pages.paths[n]
        title = "Timeline" if not n else f"Timeline, page {n + 1}"
        text = [
            front_matter({"title": title, "generated": True}),
            f"# {title}\n\n",
            f"{len(items)} dated documents and events in date order. Each entry links to its page.\n\n",
            _timeline_legend(),
            pages.pager(n),
        ]
        for year, group in groupby(run, key=lambda e: dates.parse(first_date(e)).year):
            entries = []
            for entity in group:
                entries.append(
                    {
                        # attr_list gives the link an id, so every entry can be deep-linked as #<id>.
                        "title": mark_languages(link(path, entity), entity.get(LANGUAGE)) + f"{{#{entity.id}}}",
                        "sub_title": mark_languages(f"{entity_date(entity)} · {SINGULAR_LABELS[entity.type]}"),
                        "content": mark_languages(esc(entity.get(SUMMARY, "")), entity.get(LANGUAGE)),
                        "key": entity.type,  # the dot's class: its colour, which the legend names
                    }
                )
            # `json`: neoteroi reads the block with json, not with pure-Python YAML (seconds on a long timeline)
            text.append(f"## {year}\n\n::timeline:: json\n{json.dumps(entries, ensure_ascii=False, indent=1)}\n::/timeline::\n\n")
        text.append(pages.pager(n))
        return "".join(text).rstrip("\n") + "\n"

    return paging.each(pages, runs, make, lambda n, run: [len(items), tuple(pages.labels), *run], memo)


def _timeline_legend() -> str:
    """What the colours of the dots mean: one swatch per type on the timeline (archive.css colours them)."""
    keys = "".join(f'<li><span class="timeline-key {t}"></span>{esc(PLURAL_LABELS[t])}</li>' for t in TIMELINE_TYPES)
    return f'<ul class="timeline-legend" aria-label="Key to the colours of the timeline">{keys}</ul>\n\n'


HOME_DOCUMENTS = 50  # the home page lists the documents up to this many


def _strands(path: str, essays: list[Entity]) -> str:
    """The first essay's sections as a contents list: the overview tells the release strand by strand."""
    if not essays:
        return ""
    first = essays[0]
    headings = [line[3:].strip() for line in first.body.splitlines() if line.startswith("## ")]
    if not headings:
        return ""
    target = rel(path, first.md_path)
    lines = [f"- [{esc(h)}]({target}#{slugify(h, '-')})" for h in headings]
    return f"## {esc(first.title)}\n\n" + "\n".join(lines) + "\n\n"


def home(by_type: dict[str, list[Entity]], name: str, description: str) -> tuple[str, str]:
    path = "index.md"
    essays = sorted(by_type.get("essay", []), key=_INDEX_SORT["order"])
    counts = ", ".join(f"{len(by_type.get(t, []))} {PLURAL_LABELS[t].lower()}" for t in FOLDERS)
    out = [
        front_matter({"title": name, "generated": True}),
        f"# {esc(name)}\n\n",
        f"{esc(description)}\n\n",
        f"The archive holds {counts}.\n\n",
    ]
    if essays:
        out.append("## Start here\n\n" + "\n".join(f"- {link(path, e)}: {esc(e.get(SUMMARY, ''))}" for e in essays) + "\n\n")
    out.append(_strands(path, essays))
    docs = dated(by_type.get("document", []))
    if docs and len(docs) <= HOME_DOCUMENTS:
        out.append("## The documents\n\n" + "\n".join(f"- {_short_date(e)}: {link(path, e)}" for e in docs) + "\n\n")
    elif docs:  # a whole release series would make the first page a reader loads the largest one
        out.append(f"## The documents\n\n{len(docs):,} documents, listed by date in the [documents index]({FOLDERS['document']}/index.md) "
                   "and, with the events, on the [timeline](timeline.md).\n\n")
    out.append(
        "## Browse\n\n"
        + "\n".join(
            f"- [{PLURAL_LABELS[t]}]({FOLDERS[t]}/index.md)" for t in types_where(lambda t: t.browse)
        )
        + "\n- [Timeline](timeline.md)\n- [Bibliography](sources/index.md)\n- [Topics](tags.md)\n"
        + f"- [{wholerecord.TITLE}, to print]({wholerecord.SOURCE})\n"
    )
    return path, "".join(out)
