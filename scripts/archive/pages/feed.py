"""Atom feed of additions and corrections (feed.xml at the site root), written with feedgen.

Entries: one per entity page of the generated tree (title, description and type come from its front
matter, i.e. from the model), dated by the page's revision date that the citation work records in the
generated data/archive.json (`revised`, from git); and one per entry of the dated changelog
(docs/changelog.md: corrections, additions, changes, removals). Output is deterministic: newest first,
then by URL; every timestamp comes from the data (or, for a page without a revision date, from the
commit being built), never from the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from feedgen.feed import FeedGenerator

from archive.content import dates

from archive.content import frontmatter
from archive.content.model import SINGULAR_LABELS

FEED_PATH = "feed.xml"
MAX_ENTRIES = 200  # a feed is for what is new; the indexes list everything


@dataclass(frozen=True)
class Entry:
    url: str  # relative to the site root, e.g. documents/doc-memo/
    title: str
    summary: str
    updated: dt.datetime
    kind: str  # "page", or the changelog's kind: correction, addition, change, removal


class FeedError(Exception):
    pass


def as_datetime(value: object, where: str) -> dt.datetime:
    """A date or datetime (ISO 8601 string or YAML date) as an aware datetime; dates at 00:00 UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise FeedError(f"{where}: {value!r} is not an ISO 8601 date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def revision_dates(generated: Path) -> dict[str, str]:
    """id -> revision date, from the generated open data (data/archive.json), if the build has it."""
    data = generated / "data" / "archive.json"
    if not data.is_file():
        return {}
    return {e["id"]: e["revised"] for e in json.loads(data.read_text(encoding="utf-8")).get("entities", []) if e.get("revised")}


def page_entries(generated: Path, fallback: dt.datetime) -> list[Entry]:
    """One entry per entity page of the generated tree (pages whose front matter has archive_id)."""
    revisions = revision_dates(generated)
    entries = []
    for path in sorted(generated.rglob("*.md")):
        rel = path.relative_to(generated).as_posix()
        meta = frontmatter.split(path.read_text(encoding="utf-8"), rel).data
        if not meta.get("archive_id"):
            continue  # generated indexes, home, timeline: not additions to the record
        revised = revisions.get(meta["archive_id"]) or meta.get("last_revised")
        label = SINGULAR_LABELS.get(meta.get("archive_type"), "Page")
        entries.append(
            Entry(
                url=rel[: -len(".md")] + "/",
                title=f"{label}: {meta.get('title', meta['archive_id'])}",
                summary=str(meta.get("description", "")),
                updated=as_datetime(revised, rel) if revised else fallback,
                kind="page",
            )
        )
    return entries


def changelog_entries(changelog: Path, generated: Path) -> list[Entry]:
    """Entries of the dated changelog (its front matter's `entries`: date, kind, text, optional pages
    and version; validated by archive/changelog.py before anything is built). An entry links to the
    first page it concerns, or to the changelog page."""
    if not changelog.is_file():
        return []
    data = frontmatter.split(changelog.read_text(encoding="utf-8"), str(changelog)).data
    pages = {p.stem: p.relative_to(generated).as_posix()[: -len(".md")] + "/" for p in generated.glob("*/*.md")}
    entries = []
    for n, item in enumerate(data.get("entries") or [], 1):
        if not isinstance(item, dict) or not all(item.get(k) for k in ("date", "kind", "text")):
            raise FeedError(f"{changelog}: changelog entry {n} lacks date, kind or text")
        targets = [pages[i] for i in item.get("pages") or [] if i in pages]
        version = f" (version {item['version']})" if item.get("version") else ""
        entries.append(
            Entry(
                url=targets[0] if targets else "changelog/",
                title=f"{str(item['kind']).capitalize()}{version}: {item['text']}",
                summary=str(item["text"]),
                updated=as_datetime(dates.parse(item["date"]).first_day, f"{changelog}: entry {n}"),
                kind=str(item["kind"]),
            )
        )
    return entries


def build(entries: list[Entry], site_url: str, site_name: str, description: str) -> bytes:
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
    feed.link(href=base + FEED_PATH, rel="self")
    feed.language("en")
    feed.generator("archive/feed.py (feedgen)")
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


def render(generated: Path, site_url: str, site_name: str, description: str,
           fallback: dt.datetime, changelog: Path | None = None) -> bytes:
    """The feed of a generated tree and its changelog."""
    entries = page_entries(generated, fallback) + (changelog_entries(changelog, generated) if changelog else [])
    return build(entries, site_url, site_name, description)


def reference_date(config_file: Path) -> dt.datetime:
    """Date of the commit being built (stable for a given commit); outside git, SOURCE_DATE_EPOCH
    or, failing that, the modification time of the MkDocs configuration file."""
    import os

    from archive.citation.versions import git

    out = (git(["log", "-1", "--format=%cI"], config_file.parent) or "").strip()
    if out:
        return dt.datetime.fromisoformat(out)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(config_file.stat().st_mtime)
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
