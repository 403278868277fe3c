"""Building a corpus for a test as `make site` builds it: the Build (scripts/archive/site/build.py)
with the real mkdocs.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from archive.citation import versions
from archive.pages.tree import Generated, generate
from archive.runner import Parallel
from archive.site.build import Build

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DOCS = ROOT / "tests" / "fixtures" / "corpus"
LOCAL_SITE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml's site_url when SITE_URL is not set


def local_release(cff: Path = ROOT / "CITATION.cff") -> versions.Release:
    """The release a local build makes: CITATION.cff, served at mkdocs.yml's default address."""
    return versions.for_site(versions.read_identity(cff), LOCAL_SITE_URL)


def generate_tree(docs: Path, out: Path, release: versions.Release | None = None) -> Generated:
    return generate(docs, out, release or local_release())


@dataclass
class BuiltSite:
    docs: Path  # authored pages
    generated: Path  # generated Markdown tree
    site: Path  # rendered HTML
    result: Generated

    def html(self, url_path: str) -> BeautifulSoup:
        """Parsed HTML of a page, by its URL path (e.g. 'documents/doc-memo/')."""
        file = self.site / url_path / "index.html" if not url_path.endswith(".html") else self.site / url_path
        return BeautifulSoup(file.read_text(encoding="utf-8"), "lxml")


def build_corpus(docs: Path, workdir: Path, nav=None, release=None, runner=None, limits=None, **overrides) -> BuiltSite:
    """Generate and build a docs tree with the real mkdocs.yml (optionally another nav), as `make site`
    does; a `release` (archive.citation.versions.Release) also sets MkDocs's site_url; other keywords
    override mkdocs.yml settings (e.g. repo_url); `limits` (archive.pages.paging.Limits) forces long
    listings and the whole record to split on a small corpus."""
    generated, site = workdir / "generated", workdir / "site"
    build = Build(docs=docs, out=generated, release=release or local_release(), runner=runner or Parallel(),
                  **({"limits": limits} if limits else {}))
    result = build.generate()
    overrides = {**({"site_url": release.canonical_base} if release else {}), **overrides}
    build.publish(ROOT / "mkdocs.yml", site, **({"nav": nav} if nav else {}), **overrides)
    return BuiltSite(docs, generated, site, result)


def mkdocs_project(root: Path, docs: Path = FIXTURE_DOCS, version: str | None = None) -> Path:
    """A project folder as a MkDocs user has it: mkdocs.yml (the real one, inherited), docs/ (a copy of
    `docs`), CITATION.cff (at `version` if given) and the generated tree's empty folder; returns its
    mkdocs.yml. MkDocs run there on its own makes its Build from these (scripts/mkdocs_hooks.py)."""
    import shutil

    import yaml

    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(docs, root / "docs", dirs_exist_ok=True)
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    if version:
        cff = cff.replace(f"version: {versions.read_identity(ROOT / 'CITATION.cff').version}", f"version: {version}")
    (root / "CITATION.cff").write_text(cff, encoding="utf-8")
    (root / "build" / "docs").mkdir(parents=True, exist_ok=True)
    config = root / "mkdocs.yml"
    config.write_text(yaml.safe_dump({
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": "build/docs",
        "theme": {"name": "material", "custom_dir": str(ROOT / "docs" / "overrides")},
        "hooks": [str(ROOT / "scripts" / "mkdocs_hooks.py")],
        "watch": [],
        "nav": [{"Home": "index.md"}],
    }))
    return config
