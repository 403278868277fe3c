"""Publish a release with mike, never over a published one: a cited version must not change.

The versions already published are read from the gh-pages branch itself (mike's versions.json), after
fetching it from the remote, not from `mike list`, whose failure (a configuration it cannot load, a
branch it cannot read) would look like "not published". Anything that cannot be read stops the deploy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from archive.citation.versions import read_identity
from archive.site import publish

BRANCH = "gh-pages"


class DeployRefused(Exception):
    pass


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def published(project: Path, remote: str) -> list[str]:
    """The versions on the remote's gh-pages branch (none if it has no such branch yet)."""
    heads = _git(["ls-remote", "--heads", remote, BRANCH], project)
    if heads.returncode != 0:
        raise DeployRefused(f"cannot read the remote {remote!r}: {heads.stderr.strip()}")
    if not heads.stdout.strip():
        return []
    fetched = _git(["fetch", "--quiet", remote, f"+{BRANCH}:{BRANCH}"], project)
    if fetched.returncode != 0:
        raise DeployRefused(f"cannot fetch {remote}/{BRANCH}: {fetched.stderr.strip()}")
    shown = _git(["show", f"{BRANCH}:versions.json"], project)
    try:
        return [str(v["version"]) for v in json.loads(shown.stdout)]
    except (ValueError, KeyError, TypeError):
        raise DeployRefused(f"{remote}/{BRANCH} has no readable versions.json: {shown.stderr.strip()}") from None


def deploy(config_file: Path, remote: str = "origin", push: bool = False) -> str:
    """Deploy CITATION.cff's version beside mkdocs.yml under /<version>/ with the alias latest; returns it."""
    project = config_file.parent
    version = read_identity(project / "CITATION.cff").version
    cited = (yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8")).get("preferred-citation") or {}).get("version")
    if cited is not None and str(cited) != version:
        raise DeployRefused(f"CITATION.cff gives version {version} and, under preferred-citation, {cited}: make them the same")
    site_url = str(publish.settings(config_file).get("site_url") or "")
    if urlsplit(site_url).hostname in (None, "localhost", "127.0.0.1", "::1"):
        raise DeployRefused(f"site_url is {site_url!r}, a local address: every citation and canonical link would "
                            "point there; set SITE_URL to the address the site is published at")
    if version in published(project, remote):
        raise DeployRefused(f"version {version} is already published on {remote}/{BRANCH}; "
                            "bump the version in CITATION.cff (and record the change in docs/changelog.md)")
    (project / "build" / "docs").mkdir(parents=True, exist_ok=True)  # MkDocs requires it; the hook fills it
    mike = [str(Path(sys.executable).with_name("mike"))]  # the mike of this environment, beside its MkDocs
    options = ["--config-file", str(config_file), "--remote", remote, *(["--push"] if push else [])]
    for step in (["deploy", *options, "--update-aliases", version, "latest"], ["set-default", *options, "latest"]):
        done = subprocess.run(mike + step, cwd=project, capture_output=True, text=True)
        if done.returncode != 0:
            raise DeployRefused(f"mike {step[0]} failed: {done.stderr.strip()[-2000:]}")
    return version
