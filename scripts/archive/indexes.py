"""Generated pages: home, one index per type, bibliography and timeline."""

from __future__ import annotations

import json
from itertools import groupby

from . import csl, dates, printpage
from .loader import Entity
from .model import FOLDERS, PLURAL_LABELS
from .render import entity_date, esc, front_matter, link, sort_key

TIMELINE_TYPES = ("document", "event")


def _cell(text: object) -> str:
    return esc(text).replace("\n", " ")


def _short_date(entity: Entity) -> str:
    value = entity.get("date") or entity.get("start")
    if not value:
        return ""
    text = dates.parse(value).human()
    if entity.get("end"):
        text += " – " + dates.parse(entity.get("end")).human()
    return text


def dated(entities: list[Entity]) -> list[Entity]:
    return sorted((e for e in entities if e.get("date") or e.get("start")), key=sort_key)


def type_index(type_name: str, entities: list[Entity]) -> tuple[str, str]:
    """(path, markdown) of the index page of one type."""
    path = f"{FOLDERS[type_name]}/index.md"
    title = PLURAL_LABELS[type_name]
    if type_name in ("document", "event"):
        rows = ["| Date | Title | Summary |", "|---|---|---|"]
        ordered = sorted(entities, key=sort_key)
        rows += [f"| {_short_date(e)} | {link(path, e)} | {_cell(e.get('summary', ''))} |" for e in ordered]
    elif type_name == "essay":
        rows = ["| Essay | Summary |", "|---|---|"]
        ordered = sorted(entities, key=lambda e: (e.get("order", 999), e.title))
        rows += [f"| {link(path, e)} | {_cell(e.get('summary', ''))} |" for e in ordered]
    else:
        rows = ["| Name | Original script | Summary |", "|---|---|---|"]
        ordered = sorted(entities, key=lambda e: (e.title.lower(), e.id))
        rows += [
            f"| {link(path, e)} | {_cell(e.get('name_original') or e.get('title_original') or '')} | {_cell(e.get('summary', ''))} |"
            for e in ordered
        ]
    intro = f"{len(entities)} {title.lower()} in the archive."
    body = front_matter({"title": title, "generated": True}) + f"# {title}\n\n{intro}\n\n" + "\n".join(rows) + "\n"
    return path, body


BIBLIOGRAPHY = f"{FOLDERS['source']}/index.md"
_BIBLIOGRAPHY_META = {"title": "Bibliography", "generated": True}


def bibliography(sources: list[Entity]) -> tuple[str, str]:
    """Every source, formatted in Chicago notes-bibliography style by citeproc-py, with its page link."""
    formatted = csl.format_references([csl.source_item(s) for s in sources], "chicago")
    ordered = sorted(sources, key=lambda s: (formatted.get(s.id, "").lower(), s.id))
    lines = [f"- {formatted[s.id]} [{'Source page'}]({s.id}.md) ({esc(s.get('seen'))})" for s in ordered]
    body = (
        front_matter(_BIBLIOGRAPHY_META)
        + "# Bibliography\n\n"
        + f"Every source cited in the archive ({len(sources)}), formatted in Chicago notes-bibliography style. "
        + "The note after each entry says how the source was seen: *full-text*, *excerpt* or *link-only*.\n\n"
        + "\n".join(lines)
        + "\n"
    )
    return BIBLIOGRAPHY, body


def bibliography_placeholder() -> str:
    """The bibliography page while its entries are being formatted: the same front matter, no entries."""
    return front_matter(_BIBLIOGRAPHY_META) + "# Bibliography\n"


def timeline(entities: list[Entity]) -> tuple[str, str]:
    """Every dated document and event in date order, grouped by year, one neoteroi timeline per year."""
    path = "timeline.md"
    items = dated([e for e in entities if e.type in TIMELINE_TYPES])
    out = [
        front_matter({"title": "Timeline", "generated": True}),
        "# Timeline\n\n",
        f"{len(items)} dated documents and events in date order. Each entry links to its page.\n\n",
    ]
    for year, group in groupby(items, key=lambda e: dates.parse(e.get("date") or e.get("start")).year):
        entries = []
        for entity in group:
            entries.append(
                {
                    # attr_list gives the link an id, so every entry can be deep-linked as #<id>.
                    "title": f"{link(path, entity)}{{#{entity.id}}}",
                    "sub_title": f"{entity_date(entity)} · {PLURAL_LABELS[entity.type][:-1]}",
                    "content": esc(entity.get("summary", "")),
                    "key": entity.type,
                }
            )
        out.append(f"## {year}\n\n::timeline::\n{json.dumps(entries, ensure_ascii=False, indent=1)}\n::/timeline::\n\n")
    return path, "".join(out)


HOME_DOCUMENTS = 50  # the home page lists the documents up to this many


def home(by_type: dict[str, list[Entity]], site: dict) -> tuple[str, str]:
    path = "index.md"
    essays = sorted(by_type.get("essay", []), key=lambda e: (e.get("order", 999), e.title))
    counts = ", ".join(f"{len(by_type.get(t, []))} {PLURAL_LABELS[t].lower()}" for t in FOLDERS)
    out = [
        front_matter({"title": site["name"], "generated": True}),
        f"# {esc(site['name'])}\n\n",
        f"{esc(site['description'])}\n\n",
        f"The archive holds {counts}.\n\n",
    ]
    if essays:
        out.append("## Start here\n\n" + "\n".join(f"- {link(path, e)}: {esc(e.get('summary', ''))}" for e in essays) + "\n\n")
    docs = dated(by_type.get("document", []))
    if docs and len(docs) <= HOME_DOCUMENTS:
        out.append("## The documents\n\n" + "\n".join(f"- {_short_date(e)}: {link(path, e)}" for e in docs) + "\n\n")
    elif docs:  # a whole release series would make the first page a reader loads the largest one
        out.append(f"## The documents\n\n{len(docs):,} documents, listed by date in the [documents index]({FOLDERS['document']}/index.md) "
                   "and, with the events, on the [timeline](timeline.md).\n\n")
    out.append(
        "## Browse\n\n"
        + "\n".join(
            f"- [{PLURAL_LABELS[t]}]({FOLDERS[t]}/index.md)" for t in ("document", "event", "person", "organization")
        )
        + "\n- [Timeline](timeline.md)\n- [Bibliography](sources/index.md)\n- [Topics](tags.md)\n"
        + f"- [{printpage.TITLE}, on one page to print]({printpage.SOURCE})\n"
    )
    return path, "".join(out)
