"""Atom feed of additions and corrections (feed.xml at the site root), written with feedgen.

Entries come from the generated pages' front matter (title, description, archive_type: all from the
model) and from a list of dated corrections. Output is deterministic: entries are ordered by date,
newest first, then by URL, and every timestamp comes from the data, never from the clock.

Dates: a page's entry is dated by its `last_revised` front-matter value (the per-page revision date
that the citation work adds from git) and, until a page has one, by `fallback` (the caller passes the
date of the commit being built). Corrections come from a YAML list (see `load_corrections`); the
changelog of corrections is the place they are recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from feedgen.feed import FeedGenerator

from . import frontmatter
from .model import SINGULAR_LABELS

FEED_PATH = "feed.xml"
MAX_ENTRIES = 200  # a feed is for what is new; the indexes list everything


@dataclass(frozen=True)
class Entry:
    url: str  # relative to the site root, e.g. documents/doc-memo/
    title: str
    summary: str
    updated: dt.datetime
    kind: str  # "addition" or "correction"


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


def page_entries(generated: Path, fallback: dt.datetime) -> list[Entry]:
    """One entry per entity page of the generated tree (pages whose front matter has archive_id)."""
    entries = []
    for path in sorted(generated.rglob("*.md")):
        rel = path.relative_to(generated).as_posix()
        meta = frontmatter.split(path.read_text(encoding="utf-8"), rel).data
        if not meta.get("archive_id"):
            continue  # generated indexes, home, timeline: not additions to the record
        revised = meta.get("last_revised")
        label = SINGULAR_LABELS.get(meta.get("archive_type"), "Page")
        entries.append(
            Entry(
                url=rel[: -len(".md")] + "/",
                title=f"{label}: {meta.get('title', meta['archive_id'])}",
                summary=str(meta.get("description", "")),
                updated=as_datetime(revised, rel) if revised else fallback,
                kind="addition",
            )
        )
    return entries


def load_corrections(path: Path) -> list[Entry]:
    """Corrections from a YAML list of {date, page (URL path, e.g. documents/x/), title, summary}."""
    if not path.is_file():
        return []
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(items, list):
        raise FeedError(f"{path}:1: expected a list of corrections")
    entries = []
    for n, item in enumerate(items, 1):
        missing = [k for k in ("date", "page", "title") if not (isinstance(item, dict) and item.get(k))]
        if missing:
            raise FeedError(f"{path}: correction {n} lacks {', '.join(missing)}")
        entries.append(
            Entry(
                url=str(item["page"]).lstrip("/"),
                title=f"Correction: {item['title']}",
                summary=str(item.get("summary", "")),
                updated=as_datetime(item["date"], f"{path}: correction {n}"),
                kind="correction",
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
        # A page's id is its permanent URL; a correction's id also names its date, so that a second
        # correction of the same page is a new entry.
        suffix = f"#correction-{item.updated.date().isoformat()}" if item.kind == "correction" else ""
        entry.id(base + item.url + suffix)
        entry.title(item.title)
        entry.link(href=base + item.url)
        entry.updated(item.updated)
        entry.category(term=item.kind)
        if item.summary:
            entry.summary(item.summary)
    return feed.atom_str(pretty=True)


def write(site_dir: Path, generated: Path, site_url: str, site_name: str, description: str,
          fallback: dt.datetime, corrections: Path | None = None) -> Path:
    entries = page_entries(generated, fallback) + (load_corrections(corrections) if corrections else [])
    target = site_dir / FEED_PATH
    target.write_bytes(build(entries, site_url, site_name, description))
    return target


def reference_date(repo_dir: Path) -> dt.datetime:
    """Date of the commit being built (stable for a given commit); outside git, SOURCE_DATE_EPOCH
    or, failing that, the modification time of mkdocs.yml."""
    import os
    import subprocess

    try:
        out = subprocess.run(["git", "-C", str(repo_dir), "log", "-1", "--format=%cI"],
                             capture_output=True, text=True, timeout=30).stdout.strip()
        if out:
            return dt.datetime.fromisoformat(out)
    except (OSError, subprocess.SubprocessError):
        pass
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int((repo_dir / "mkdocs.yml").stat().st_mtime)
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
