"""Publish a release with mike, never over a published one: a cited version must not change.

The versions already published are read from the gh-pages branch itself (mike's versions.json), after
fetching it from the remote, not from `mike list`, whose failure (a configuration it cannot load, a
branch it cannot read) would look like "not published". Anything that cannot be read stops the deploy.

mike writes each version's folder, versions.json and the root index.html (a redirect to latest/); the
host serves only the branch root's 404.html for a missing address, so after mike the deploy commits
latest/404.html there too. Its links are absolute (MkDocs gives the 404 page base_url from site_url, which
mike points at latest/), so it works at any depth, and its script sends an unversioned address
(/REPO/documents/<id>/) on to the same page under latest/ when that page exists
(docs/overrides/partials/unversioned.html).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from archive.citation.versions import LATEST, read_identity
from archive.site import build, publish

BRANCH = "gh-pages"
NOT_FOUND = "404.html"  # the page the host serves for any missing address under the branch root


class DeployRefused(Exception):
    pass


def _git(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)


def _checked(args: list[str], cwd: Path, env: dict | None = None) -> str:
    done = _git(args, cwd, env)
    if done.returncode != 0:
        raise DeployRefused(f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def root_not_found(project: Path) -> bool:
    """Commit latest/404.html of the local gh-pages branch as the branch root's 404.html (with git's
    plumbing, in a private index: the working tree and its index stay as they are). False if unchanged."""
    page = _checked(["rev-parse", f"{BRANCH}:{LATEST}/{NOT_FOUND}"], project)
    current = _git(["rev-parse", f"{BRANCH}:{NOT_FOUND}"], project).stdout.strip()
    if page == current:
        return False
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _checked(["read-tree", BRANCH], project, env)
        _checked(["update-index", "--add", "--cacheinfo", f"100644,{page},{NOT_FOUND}"], project, env)
        tree = _checked(["write-tree"], project, env)
    commit = _checked(["commit-tree", tree, "-p", BRANCH, "-m", f"{NOT_FOUND} at the root: the {LATEST} version's"], project)
    _checked(["update-ref", f"refs/heads/{BRANCH}", commit], project)
    return True


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
    settings = publish.settings(config_file)
    site_url = str(settings.get("site_url") or "")
    if publish.local_address(site_url):
        raise DeployRefused(f"site_url is {site_url!r}, a local address: every citation and canonical link would "
                            "point there; set SITE_URL to the address the site is published at")
    if not build.versioned(settings):
        raise DeployRefused("extra.archive_versioned is off: pages would cite the branch root, not their version's "
                            "folder; set SITE_VERSIONED=1 (as the deploy workflow does)")
    if version in published(project, remote):
        raise DeployRefused(f"version {version} is already published on {remote}/{BRANCH}; "
                            "bump the version in CITATION.cff (and record the change in docs/changelog.md)")
    (project / "build" / "docs").mkdir(parents=True, exist_ok=True)  # MkDocs requires it; the hook fills it
    mike = [str(Path(sys.executable).with_name("mike"))]  # the mike of this environment, beside its MkDocs
    options = ["--config-file", str(config_file), "--remote", remote]
    for step in (["deploy", *options, "--update-aliases", version, LATEST], ["set-default", *options, LATEST]):
        done = subprocess.run(mike + step, cwd=project, capture_output=True, text=True)
        if done.returncode != 0:
            raise DeployRefused(f"mike {step[0]} failed: {done.stderr.strip()[-2000:]}")
    root_not_found(project)
    if push:  # one push of mike's commits and the root 404 page together
        _checked(["push", remote, f"{BRANCH}:{BRANCH}"], project)
    return version
