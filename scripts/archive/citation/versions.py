"""What a citation names besides the page: the site (CITATION.cff), the release (version), the site's
addresses and the revision date.

CITATION.cff is the one place the site's name, description, editors, version and licence are written;
the pages, the MkDocs configuration (archive/site/build.py sets its site_name and site_description), the
metadata and the open data all read them from here. Addresses come from MkDocs's site_url. Deployed with
mike (extra.archive_versioned in mkdocs.yml), every release lives under <site_url><version>/ and the alias
<site_url>latest/ follows the newest; the canonical URL of a page is the alias, the "cite this version"
URL the fixed snapshot. Built locally, both are the one address the site is served from.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from archive.content.read import Entity

LATEST = "latest"


@dataclass(frozen=True)
class Identity:
    name: str
    description: str
    editors: str  # the corporate author of every page
    version: str
    license: str


def read_identity(cff: Path) -> Identity:
    data = yaml.safe_load(cff.read_text(encoding="utf-8"))
    return Identity(
        name=str(data["title"]),
        description=" ".join(str(data["abstract"]).split()),
        editors=str(data["authors"][0]["name"]),
        version=str(data["version"]),
        license=str(data["license"]),
    )


@dataclass(frozen=True)
class Release:
    site_name: str
    editors: str
    version: str
    canonical_base: str  # ends with "/"; a page's canonical URL is this + its path
    version_base: str  # ends with "/"; the fixed snapshot of this version
    revised: str | None = None  # ISO date used for every page instead of git/mtime (reproducible builds)
    description: str = ""
    built: str = ""  # ISO date of the build: the access date the citation records carry (see formats.py)

    def canonical(self, url_path: str) -> str:
        return self.canonical_base + url_path

    def fixed(self, url_path: str) -> str:
        return self.version_base + url_path


def for_site(identity: Identity, site_url: str, versioned: bool = False, source_date_epoch: str | None = None) -> Release:
    """The release being built. `source_date_epoch` (the reproducible-builds convention) fixes every
    page's revision date."""
    root = site_url if site_url.endswith("/") else site_url + "/"
    revised = None
    built = dt.datetime.now(dt.timezone.utc).date().isoformat()
    if source_date_epoch:
        revised = built = dt.datetime.fromtimestamp(int(source_date_epoch), dt.timezone.utc).date().isoformat()
    return Release(
        site_name=identity.name,
        editors=identity.editors,
        version=identity.version,
        canonical_base=root + (f"{LATEST}/" if versioned else ""),
        version_base=root + (f"{identity.version}/" if versioned else ""),
        revised=revised,
        description=identity.description,
        built=built,
    )


def git(args: list[str], cwd: Path) -> str | None:
    """Output of a git command, or None outside a repository or without git."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def revision_dates(docs: Path, entities: list[Entity], override: str | None = None) -> dict[str, str]:
    """id -> ISO date the authored file was last changed: its last commit, else (new or edited) its mtime.

    Two git calls for the whole corpus, not one per file, so 10,000 pages cost what 10 do.
    """
    if override:
        return {e.id: override for e in entities}
    docs = docs.resolve()
    top = git(["rev-parse", "--show-toplevel"], docs)
    # Paths as strings: the live preview asks for every page's date each round.
    committed: dict[str, str] = {}
    dirty: set[str] = set()
    if top:
        top_path = top.strip()
        log = git(["log", "--format=@%cs", "--name-only", "--no-renames", "--", "."], docs) or ""
        when = None
        for line in log.splitlines():
            if line.startswith("@"):
                when = line[1:]
            elif line and when:
                committed.setdefault(os.path.join(top_path, line), when)  # newest commit first
        status = git(["status", "--porcelain", "--untracked-files=all", "--", "."], docs) or ""
        dirty = {os.path.join(top_path, line[3:]) for line in status.splitlines() if len(line) > 3}
    out = {}
    for entity in entities:
        path = os.path.join(docs, entity.md_path)  # validation guarantees the authored file is <folder>/<id>.md
        if path in committed and path not in dirty:
            out[entity.id] = committed[path]
        else:
            try:
                mtime = os.stat(path).st_mtime
            except FileNotFoundError:
                mtime = 0
            out[entity.id] = dt.datetime.fromtimestamp(mtime, dt.timezone.utc).date().isoformat()
    return out
