"""What a citation names besides the page: the release (version), the site's addresses, the revision date.

The version has one source of truth, CITATION.cff's `version`. Addresses come from the same SITE_URL
that mkdocs.yml reads. Deployed with mike (SITE_VERSIONED=1, see .github/workflows/deploy.yml), every
release lives under <SITE_URL><version>/ and the alias <SITE_URL>latest/ follows the newest; the
canonical URL of a page is the alias, the "cite this version" URL the fixed snapshot. Built locally,
both are the one address the site is served from.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from archive.content.read import Entity

ROOT = Path(__file__).resolve().parents[3]
CITATION_CFF = ROOT / "CITATION.cff"
LOCAL_SITE_URL = "http://127.0.0.1:8000/"  # the default of site_url in mkdocs.yml
LATEST = "latest"
EDITORS = "Japan 1989 Diplomatic Records Archive editors"


@dataclass(frozen=True)
class Release:
    site_name: str
    editors: str  # the corporate author of every page
    version: str
    canonical_base: str  # ends with "/"; a page's canonical URL is this + its path
    version_base: str  # ends with "/"; the fixed snapshot of this version
    revised: str | None = None  # ISO date used for every page instead of git/mtime (reproducible builds)

    def canonical(self, url_path: str) -> str:
        return self.canonical_base + url_path

    def fixed(self, url_path: str) -> str:
        return self.version_base + url_path


def read_version(cff: Path = CITATION_CFF) -> str:
    data = yaml.safe_load(cff.read_text(encoding="utf-8"))
    return str(data["version"])


def current_release(site_name: str, env: dict | None = None, cff: Path = CITATION_CFF) -> Release:
    """The release being built, from CITATION.cff and the environment (SITE_URL, SITE_VERSIONED, SOURCE_DATE_EPOCH)."""
    env = os.environ if env is None else env
    version = read_version(cff)
    root = env.get("SITE_URL") or LOCAL_SITE_URL
    root = root if root.endswith("/") else root + "/"
    versioned = env.get("SITE_VERSIONED") == "1"
    revised = None
    if env.get("SOURCE_DATE_EPOCH"):
        revised = dt.datetime.fromtimestamp(int(env["SOURCE_DATE_EPOCH"]), dt.timezone.utc).date().isoformat()
    return Release(
        site_name=site_name,
        editors=EDITORS,
        version=version,
        canonical_base=root + (f"{LATEST}/" if versioned else ""),
        version_base=root + (f"{version}/" if versioned else ""),
        revised=revised,
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
    committed: dict[Path, str] = {}
    dirty: set[Path] = set()
    if top:
        top_path = Path(top.strip())
        log = git(["log", "--format=@%cs", "--name-only", "--no-renames", "--", "."], docs) or ""
        when = None
        for line in log.splitlines():
            if line.startswith("@"):
                when = line[1:]
            elif line and when:
                committed.setdefault(top_path / line, when)  # newest commit first
        status = git(["status", "--porcelain", "--untracked-files=all", "--", "."], docs) or ""
        dirty = {top_path / line[3:] for line in status.splitlines() if len(line) > 3}
    out = {}
    for entity in entities:
        path = docs / entity.md_path  # validation guarantees the authored file is <folder>/<id>.md
        if path in committed and path not in dirty:
            out[entity.id] = committed[path]
        else:
            mtime = path.stat().st_mtime if path.exists() else 0
            out[entity.id] = dt.datetime.fromtimestamp(mtime, dt.timezone.utc).date().isoformat()
    return out
