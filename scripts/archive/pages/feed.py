"""Atom feed of additions and corrections (feed.xml at the site root), written with feedgen from the model.

Entries: one per page of the record (its title, summary and type), dated by the page's revision date
(from git, archive/citation/versions.py); and one per entry of the dated changelog (docs/changelog.md:
corrections, additions, changes, removals). Output is deterministic: newest first, then by URL; every
timestamp comes from the data, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from archive.content import dates
from archive.content.changelog import Changelog
from archive.content.model import SINGULAR_LABELS
from archive.content.read import Entity

PATH = "feed.xml"
MAX_ENTRIES = 200  # a feed is for what is new; the indexes list everything


@dataclass(frozen=True)
class FeedEntry:
    url: str  # relative to the site root, e.g. documents/doc-memo/
    title: str
    summary: str
    updated: dt.datetime
    kind: str  # "page", or the changelog's kind: correction, addition, change, removal


class FeedError(Exception):
    pass


def _day(iso: str) -> dt.datetime:
    day = dates.parse(iso).first_day
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def page_entries(entities: list[Entity], revised: dict[str, str]) -> list[FeedEntry]:
    return [
        FeedEntry(url=e.url_path, title=f"{SINGULAR_LABELS[e.type]}: {e.title}", summary=str(e.get("summary", "")),
                  updated=_day(revised[e.id]), kind="page")
        for e in entities
    ]


def changelog_entries(log: Changelog, index: dict[str, Entity]) -> list[FeedEntry]:
    """An entry links to the first page it concerns, or to the changelog page."""
    out = []
    for item in log.entries:
        targets = [index[i].url_path for i in item.pages if i in index]
        version = f" (version {item.version})" if item.version else ""
        out.append(FeedEntry(url=targets[0] if targets else "changelog/", title=f"{item.kind.capitalize()}{version}: {item.text}",
                             summary=item.text, updated=_day(item.date), kind=item.kind))
    return out


def atom(entries: list[FeedEntry], site_url: str, site_name: str, description: str) -> bytes:
    """The Atom document. `site_url` must be absolute: Atom ids and links are absolute IRIs."""
    if not site_url.startswith(("http://", "https://")):
        raise FeedError(f"site_url {site_url!r} is not absolute; set SITE_URL")
    base = site_url if site_url.endswith("/") else site_url + "/"
    ordered = sorted(entries, key=lambda e: (-e.updated.timestamp(), e.kind, e.url, e.title))[:MAX_ENTRIES]
    feed = FeedGenerator()
    feed.id(base)
    feed.title(site_name)
    feed.subtitle(f"Additions and corrections. {description}")
    feed.link(href=base, rel="alternate")
    feed.link(href=base + PATH, rel="self")
    feed.language("en")
    feed.generator("archive/pages/feed.py (feedgen)")
    feed.updated(ordered[0].updated if ordered else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))
    for item in ordered:
        entry = feed.add_entry(order="append")
        # A page's id is its permanent URL; a changelog entry's id also names its kind and date.
        digest = hashlib.sha1(item.title.encode("utf-8")).hexdigest()[:8]
        suffix = f"#{item.kind}-{item.updated.date().isoformat()}-{digest}" if item.kind != "page" else ""
        entry.id(base + item.url + suffix)
        entry.title(item.title)
        entry.link(href=base + item.url)
        entry.updated(item.updated)
        entry.category(term=item.kind)
        if item.summary:
            entry.summary(item.summary)
    return feed.atom_str(pretty=True)
