"""One build of the site, from the authored pages to the published folder, and the state it keeps
while MkDocs renders: the generated result, the search indexer, the Content-Security-Policy, the
pages' rendered content for the whole-record page, and the citation records being written.

scripts/mkdocs_hooks.py hands MkDocs's events to the Build of the run under way: the one a caller in
this process attached (`make site`, `make serve`, the tests), or one made from mkdocs.yml when MkDocs
runs on its own (`mike deploy`). The settings come from mkdocs.yml (site_url, docs_dir, site_dir,
extra.archive_versioned) and from CITATION.cff beside it (the site's name, description and version).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape

from archive.citation import records, versions
from archive.citation.versions import Release
from archive.pages import topics, wholerecord
from archive.pages.paging import Limits
from archive.pages.tree import Generated, generate
from archive.runner import Job, Parallel, Serial, settle
from archive.site import csp, publish, search
from archive.site.mdext import ArchiveExtension

CITATION_CFF = "CITATION.cff"  # beside mkdocs.yml
SOURCE = "docs"  # the authored pages, beside mkdocs.yml


def versioned(config: dict) -> bool:
    """Whether mkdocs.yml (publish.settings()) builds a release published under /<version>/ with mike."""
    return str((config.get("extra") or {}).get("archive_versioned", "")).lower() in ("1", "true", "yes")


def release_of(config: dict) -> Release:
    """The release mkdocs.yml (publish.settings()) builds: its site_url and extra.archive_versioned,
    CITATION.cff beside it, and SOURCE_DATE_EPOCH (the reproducible-builds convention) for the
    revision dates."""
    identity = versions.read_identity(Path(config["config_file_path"]).parent / CITATION_CFF)
    return versions.for_site(identity, config.get("site_url") or "", versioned(config), os.environ.get("SOURCE_DATE_EPOCH"))


LOCAL_ONLY = ("site_url is {url}, a local address: a site built so would name it in every canonical link, "
              "citation, sitemap entry and feed link. For a preview run `make serve` (or `make site`, which "
              "builds site/ for local reading); to publish set SITE_URL to the public address, e.g. "
              "`SITE_URL=https://owner.github.io/repo/ mkdocs build`, or deploy with `python scripts/build.py "
              "deploy` (README, Deploying)")


class BuildError(Exception):
    """A step of the build failed; the message says which and why."""


@dataclass
class _Rendering:
    """What one MkDocs run collects; `mkdocs serve` starts a new one for every rebuild."""

    indexer: search.Indexer = field(default_factory=search.Indexer)
    policy: csp.Policy = field(default_factory=csp.Policy)
    printed: dict[str, wholerecord.Printed] = field(default_factory=dict)  # src_uri -> rendered content
    downloads: Job | None = None
    whole_record: Job | None = None
    topic_links: dict[str, str] = field(default_factory=dict)  # topic -> URL where its listing starts


@dataclass
class Build:
    docs: Path  # authored pages
    out: Path  # the generated Markdown tree, MkDocs's docs_dir
    release: Release
    runner: Serial = field(default_factory=Parallel)
    serving: bool = False  # under `mkdocs serve`: regenerate before every rebuild
    publishing: bool = False  # MkDocs on its own (`mkdocs build`, `mike deploy`): a local site_url is refused
    limits: Limits = field(default_factory=Limits)  # how long listings and printed volumes grow before they split
    generated: Generated | None = None
    _run: _Rendering | None = None

    @classmethod
    def from_config(cls, config_file: Path, docs: Path | None = None, out: Path | None = None, **options) -> "Build":
        """The build mkdocs.yml describes, as written: plugins may change MkDocs's configuration (mike
        puts latest/ into site_url). `docs` and `out` default to docs/ beside it and its docs_dir."""
        settings = publish.settings(config_file)
        root = Path(config_file).parent
        out = out or root / settings.get("docs_dir", "docs")
        return cls(docs=(docs or root / SOURCE).resolve(), out=out.resolve(), release=release_of(settings), **options)

    def generate(self) -> Generated:
        """Check and generate (raises ContentErrors, writing nothing, on bad content)."""
        self.generated = generate(self.docs, self.out, self.release, self.runner, self.limits)
        return self.generated

    def publish(self, config_file: Path, site_dir: Path, **overrides) -> None:
        """MkDocs over the generated tree into a staging folder, swapped into site_dir (publish.py)."""
        publish.publish(config_file, self.out, site_dir, build=self, **overrides)

    # --- MkDocs's events, in the order MkDocs runs them (scripts/mkdocs_hooks.py) ----------------

    @property
    def local(self) -> bool:
        """Built for this machine only (a preview): its addresses are local."""
        return publish.local_address(self.release.canonical_base)

    def on_config(self, config):
        if self.publishing and self.local:
            raise BuildError(LOCAL_ONLY.format(url=self.release.canonical_base))
        config.markdown_extensions.append(ArchiveExtension())
        config["site_name"] = self.release.site_name
        config["site_description"] = self.release.description
        extra = config["extra"]
        if self.release.version_base == self.release.canonical_base:
            # Not published with mike: no versions.json to show in Material's selector (nor to request).
            extra.pop("version", None)
        else:  # the outdated notice and the unversioned-address redirect (docs/overrides/partials/)
            # mike's plugin joins the alias to site_url without a final slash; the 404 page's base_url is
            # that path, and Material finds versions.json beside the version's folder only with the slash.
            if config["site_url"] and not config["site_url"].endswith("/"):
                config["site_url"] += "/"
            extra["archive_version"] = self.release.version
            extra["archive_latest"] = urlsplit(self.release.canonical_base).path
        return config

    def on_pre_build(self, config) -> None:
        self._run = _Rendering()
        if self.generated is None or self.serving:
            self.generate()

    def on_page_markdown(self, markdown, page):
        page.meta["search"] = {"exclude": True}  # Material's lunr index stays empty: search is Pagefind's
        # MkDocs's Jinja does not autoescape and Material writes the description into an attribute
        # as it is: a summary with a quote would end the attribute. Markup is escaped once, never twice.
        if isinstance(page.meta.get("description"), str):
            page.meta["description"] = escape(page.meta["description"])
        return markdown

    def on_page_content(self, html, page):
        self._run.printed[page.file.src_uri] = wholerecord.Printed(page.url, page.title or "", html)
        if search.indexed(page.meta):
            self._run.indexer.add(page.url, page.title or "", html, page.meta)
        return html

    def on_env(self, files, config) -> None:
        """Every page's Markdown is rendered, the templates are next: index for search, assemble the whole
        record and write the citation records into the site meanwhile."""
        run = self._run
        extras, newest = self.generated.page_records.extras, max(self.generated.revised.values(), default=None)
        for file in files.documentation_pages():  # the sitemap's lastmod, rendered next: the page's last revision
            if file.page is not None:  # (a generated listing: the newest revision of the record)
                file.page.update_date = extras.get(file.src_uri, {}).get("last_revised") or newest or file.page.update_date
        for file in files:  # HTML that MkDocs copies as it is (redirect stubs): its scripts are allowed too
            if file.src_uri.endswith(".html") and not file.is_documentation_page() and file.abs_src_path:
                run.policy.seen(Path(file.abs_src_path).read_text(encoding="utf-8"))
        run.topic_links = topics.links(self.generated.corpus.entities, self.limits)
        run.whole_record = self.runner.beside(wholerecord.bodies, self.generated.reading_order, run.printed,
                                              config["site_url"] or "")
        run.indexer.start(Path(config["site_dir"]))
        run.downloads = self.runner.beside(records.write_downloads, self.generated.page_records.downloads,
                                           Path(config["site_dir"]))

    def on_page_context(self, context, page):
        page.meta.update(self.generated.page_records.extras.get(page.file.src_uri, {}))
        if page.meta.get("tags"):  # the chips link to our Topics pages, which Material's plugin does not know
            context["tags"] = [topics.Chip(name, self._run.topic_links[name]) for name in page.meta["tags"]]
        return context

    def with_policy(self, output: str, path: Path) -> str:
        try:
            return self._run.policy.page(output, path)
        except csp.CspError as exc:
            raise BuildError(str(exc)) from None

    def on_post_build(self, config) -> None:
        site = Path(config["site_dir"])
        run = self._run
        try:
            run.downloads.result()
            wholerecord.fill(site, run.whole_record.result())
            run.policy.finish(site)  # last: it sees every page's final HTML
            run.indexer.wait(site)
        except (wholerecord.PrintPageError, csp.CspError, search.SearchIndexFailed) as exc:
            raise BuildError(str(exc)) from None

    def on_build_error(self) -> None:
        """Stop what runs beside the failed build before its caller removes the site."""
        if self._run is not None:
            self._run.indexer.stop()
            settle(self._run.downloads, self._run.whole_record)
