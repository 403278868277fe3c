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
import shutil
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape

from archive import linked
from archive.citation import records, versions
from archive.citation.kept import Kept
from archive.citation.versions import Release
from archive.pages import state, topics, wholerecord
from archive.pages.paging import Limits
from archive.pages.tree import Generated, Regenerator, generate
from archive.runner import LATER, Job, Parallel, Serial, settle
from archive.site import csp, publish, search
from archive.site.mdext import ArchiveExtension

CITATION_CFF = "CITATION.cff"  # beside mkdocs.yml
SOURCE = "docs"  # the authored pages, beside mkdocs.yml
CACHE = "build/cache"  # beside mkdocs.yml: what one build keeps for the next (citation/kept.py, pages/state.py)
RECORDS = "records"  # in CACHE: the citation records a build linked into the site (archive/linked.py)


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

    indexer: search.Indexer | None = None  # the live preview's, indexing beside its rounds
    policy: csp.Policy = field(default_factory=csp.Policy)
    printed: dict[str, wholerecord.Printed] = field(default_factory=dict)  # src_uri -> rendered content
    searchable: dict[str, dict] = field(default_factory=dict)  # the pages for the search index: their meta
    order: list[str] = field(default_factory=list)  # the pages in MkDocs's order
    downloads: Job | None = None
    whole_record: Job | None = None
    volumes: dict[str, str] | None = None  # a preview round's printed volumes to fill: URL -> body (pages_to_render)
    marks: dict[str, tuple] | None = None  # what those are made of (wholerecord.marks), kept as filled
    search: Job | None = None


@dataclass
class Build:
    docs: Path  # authored pages
    out: Path  # the generated Markdown tree, MkDocs's docs_dir
    release: Release
    runner: Serial = field(default_factory=Parallel)
    serving: bool = False  # under `mkdocs serve`: regenerate before every rebuild
    publishing: bool = False  # MkDocs on its own (`mkdocs build`, `mike deploy`): a local site_url is refused
    limits: Limits = field(default_factory=Limits)  # how long listings and printed volumes grow before they split
    cache: Path | None = None  # citations and generation's state kept between builds; None: the plain path
    # Whether the generation's state is kept too: not by a release's build (versioned, as the deploy's),
    # whose state is keyed by a version that is published once, so no later build could start from it.
    keeps_state: bool = True
    generated: Generated | None = None
    _run: _Rendering | None = None
    # The live preview (archive/site/preview.py): regenerates through a Memo, and after its first
    # build updates the site page by page instead of writing it whole.
    _regenerator: Regenerator | None = None
    _incremental: bool = False
    _downloads: dict[str, str] = field(default_factory=dict)  # the citation records in the site
    _rewritten: dict = field(default_factory=dict)  # the preview's printed pages, kept (wholerecord.bodies)
    _carrying: tuple | None = None  # (Regenerator, key) of a build whose state is to be kept (pages/state.py)
    _saving: Job | None = None  # that state being written
    _filled: dict[str, tuple] = field(default_factory=dict)  # the preview's volumes: URL -> what the site's is made of (wholerecord.marks)
    _reindex: threading.Thread | None = None
    _reindex_stop: threading.Event = field(default_factory=threading.Event)  # set: the running reindex gives up
    _reindex_lock: threading.Lock = field(default_factory=threading.Lock)  # between its check of that and Pagefind's start
    _print_stale: bool = False  # a deferring round changed pages the whole record prints
    _deferring: bool = False

    @classmethod
    def from_config(cls, config_file: Path, docs: Path | None = None, out: Path | None = None, **options) -> "Build":
        """The build mkdocs.yml describes, as written: plugins may change MkDocs's configuration (mike
        puts latest/ into site_url). `docs` and `out` default to docs/ beside it and its docs_dir."""
        settings = publish.settings(config_file)
        root = Path(config_file).parent
        out = out or root / settings.get("docs_dir", "docs")
        options.setdefault("cache", root / CACHE)
        options.setdefault("keeps_state", not versioned(settings))
        return cls(docs=(docs or root / SOURCE).resolve(), out=out.resolve(), release=release_of(settings), **options)

    def generate(self) -> Generated:
        """Check and generate (raises ContentErrors, writing nothing, on bad content). With a cache, from
        the state the last build kept (pages/state.py), which this one keeps in turn (`keeps_state`),
        beside the build."""
        if self.cache is None:  # the plain path
            self.generated = generate(self.docs, self.out, self.release, self.runner, self.limits, None)
            return self.generated
        key = state.key(self.release, self.limits, self.docs, self.out)
        regenerator = Regenerator(self.docs, self.out, self.release, self.limits, self._kept(), self.runner,
                                  state.restore(self.cache, key))
        try:
            self.generated = regenerator.generate(end=False)
        finally:
            regenerator.close()
        self._carrying = (regenerator, key)
        return self.generated

    def _keep_state(self) -> None:
        """Once the steps beside the pages are collected (the memo then holds what they computed): end
        the generation's round and keep its state for the next build, beside this one, if it changed."""
        regenerator, key = self._carrying
        self._carrying = None
        regenerator.end()
        if regenerator.changed and self.keeps_state:
            try:
                self._saving = self.runner.beside(state.save, self.cache, key, regenerator.memo, regenerator.read,
                                                  nice=LATER)
            except OSError as exc:  # no fork (memory): the build goes on, the next one generates afresh
                _not_kept(self.cache, exc)

    def _saved(self) -> None:
        """Wait for the state being kept; say so if it could not be (it costs the next build time only)."""
        job, self._saving = self._saving, None
        if job is not None:
            try:
                job.result()
            except Exception as exc:  # noqa: BLE001 - a cache: reported, never the build's failure
                _not_kept(self.cache, exc)

    def finish(self) -> None:
        """After `build.py site` or `urls`: wait for the generation's state being kept. Where MkDocs did not
        get as far as keeping it (`urls`, or a build that failed early), nothing is kept: waiting for the
        cite boxes that it needs would only delay the command."""
        self._carrying = None
        self._saved()

    def _kept(self) -> Kept | None:
        return Kept(self.cache) if self.cache is not None else None

    def regenerate(self, defer: bool = False) -> Generated:
        """The live preview's generate(): the same tree, recomputing only what the edits changed;
        `defer`: what no page shows (the open data, the whole record, the search index) waits for
        the next call without it (`pending()`)."""
        if self._regenerator is None:
            self._regenerator = Regenerator(self.docs, self.out, self.release, self.limits, self._kept())
            self.serving, self.runner = True, Serial()  # no forks beside the live-reload server's threads
        # The last round's search index is out of date now, and its Python half would slow this round:
        # each of this round's many file operations waits for the interpreter lock it holds.
        self.settle_search(stop=True)
        self._deferring = defer
        self.generated = self._regenerator.generate(defer)
        return self.generated

    def warm_citations(self) -> None:
        """Have the live preview's citeproc-js ready for its first round (Citeproc.warm); a failure
        here is reported by the round that needs it."""
        try:
            self._regenerator.citeproc.warm()
        except Exception:  # noqa: BLE001 - e.g. no Node: the round that formats a citation says so
            pass

    def pending(self) -> bool:
        """Whether a deferring round left something out of date."""
        return self._regenerator is not None and (self._regenerator.memo.pending or self._print_stale)

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
        """Only at a whole build: the live preview's rounds do not run MkDocs's build (preview.py)."""
        self.settle_search(stop=True)
        self._run = _Rendering()
        self._downloads, self._incremental = {}, False
        if self.generated is None or (self.serving and self._regenerator is None):
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
        if not search.indexed(page.meta):
            self._run.searchable.pop(page.file.src_uri, None)
        else:  # indexed beside the templates (on_env), or by the live preview beside its rounds (_search_beside)
            self._run.searchable[page.file.src_uri] = page.meta
        return html

    def on_env(self, files, config) -> None:
        """Every page's Markdown is rendered, the templates are next: index for search, assemble the whole
        record and write the citation records into the site meanwhile."""
        run = self._run
        run.order = [file.src_uri for file in files.documentation_pages()]
        extras, newest = self.generated.page_records.extras, max(self.generated.revised.values(), default=None)
        if self._carrying is not None:
            self._keep_state()
        for file in files.documentation_pages():  # the sitemap's lastmod, rendered next: the page's last revision
            if file.page is not None:  # (a generated listing: the newest revision of the record)
                file.page.update_date = extras.get(file.src_uri, {}).get("last_revised") or newest or file.page.update_date
        for file in files:  # HTML that MkDocs copies as it is (redirect stubs): its scripts are allowed too
            if file.src_uri.endswith(".html") and not file.is_documentation_page() and file.abs_src_path:
                run.policy.seen(Path(file.abs_src_path).read_text(encoding="utf-8"), Path(file.abs_dest_path))
        if not self._incremental:
            run.whole_record = self.runner.beside(wholerecord.bodies, self.generated.reading_order, run.printed,
                                                  config["site_url"] or "", self._rewritten if self._regenerator else None)
        else:  # a preview round: the volumes pages_to_render chose
            run.whole_record = Job(run.volumes) if run.volumes else None
        if self._regenerator is None:
            run.search = self.runner.beside(search.index, self._search_pages(), Path(config["site_dir"]))
        downloads = self._changed_downloads(Path(config["site_dir"]))
        # A whole build links them from the records kept beside the build (archive/linked.py); a preview
        # round writes the few that changed.
        store = linked.Store(self.cache / RECORDS) if self.cache is not None and not self._incremental else None
        run.downloads = self.runner.beside(records.write_downloads, downloads, Path(config["site_dir"]), store)

    def on_page_context(self, context, page):
        page.meta.update(self.generated.page_records.extras.get(page.file.src_uri, {}))
        if page.meta.get("tags"):  # the chips link to our Topics pages, which Material's plugin does not know
            context["tags"] = [topics.Chip(name, self.generated.topic_links[name]) for name in page.meta["tags"]]
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
            if run.whole_record is not None:
                filled = run.whole_record.result()
                wholerecord.fill(site, filled)
                if self._regenerator is not None:  # a preview round's marks come from pages_to_render
                    made = run.marks or wholerecord.marks(self.generated.reading_order, run.printed,
                                                          config["site_url"] or "", self._rewritten, set(filled))
                    self._filled.update((url, made[url]) for url in filled)
            run.policy.finish(site, known=self._incremental)  # last: it sees every page's final HTML
            if run.search is not None:
                run.search.result()
            self._saved()  # MkDocs run on its own (`mike deploy`) calls no finish()
        except (wholerecord.PrintPageError, csp.CspError, search.SearchIndexFailed) as exc:
            raise BuildError(str(exc)) from None
        if self._regenerator is not None:
            self._incremental = True
            if not self._deferring:
                self._search_beside(site)

    # --- the live preview's rounds (archive/site/preview.py) ------------------------------------

    def _changed_downloads(self, site: Path) -> dict[str, str]:
        """The citation records to write: all at a whole build; in a preview round, only those that
        changed (those of deleted pages are deleted)."""
        records_now = self.generated.page_records.downloads
        if not self._incremental:
            self._downloads = dict(records_now)
            return records_now
        for gone in set(self._downloads) - set(records_now):
            (site / gone).unlink(missing_ok=True)
        changed = {k: v for k, v in records_now.items() if self._downloads.get(k) != v}
        self._downloads = dict(records_now)
        return changed

    def forget_page(self, file, config) -> None:
        """A generated file gone from the tree: out of the site, the whole record and the search pages."""
        if file.page is not None:
            self._run.printed.pop(file.src_uri, None)
            self._run.searchable.pop(file.src_uri, None)
        target = Path(file.abs_dest_path)
        target.unlink(missing_ok=True)
        self._run.policy.forget(target)
        for folder in target.parents:  # the page's folder, once its citation records are gone too
            if folder == Path(config["site_dir"]) or any(folder.iterdir()):
                break
            folder.rmdir()

    def pages_to_render(self, files, rendering: set[str], pages_read: bool, site_url: str) -> list:
        """The printed volumes a preview round renders and fills again, beside `rendering` (the pages it
        renders anyway; a volume among them is filled too): once any page changed (after the edited
        pages, when deferring), those made of other content than the site holds."""
        self._print_stale = self._print_stale or pages_read
        volumes = self.generated.reading_order
        touched = {v.url for v in volumes if v.md_path in rendering}
        now = self._print_stale and not self._deferring
        if not now and not touched:
            self._run.marks = self._run.volumes = None
            return []
        made = wholerecord.marks(volumes, self._run.printed, site_url, self._rewritten, None if now else touched)
        if now:
            self._print_stale = False
            touched.update(url for url, mark in made.items() if self._filled.get(url) != mark)
        self._run.marks = made
        self._run.volumes = wholerecord.bodies(volumes, self._run.printed, site_url, self._rewritten, touched) if touched else None
        return [file for file in (files.get_file_from_path(v.md_path) for v in volumes if v.url in touched) if file is not None]

    def _search_pages(self) -> list[tuple[wholerecord.Printed, dict]]:
        """The pages for the search index, each with its meta, in MkDocs's order as a whole build writes
        them: Pagefind's index follows the order it finds the pages in."""
        run = self._run
        return [(run.printed[src], run.searchable[src]) for src in run.order if src in run.searchable]

    def _search_beside(self, site: Path) -> None:
        """Pagefind over the pages as they are now, in the background, into a folder swapped in when whole;
        a newer round stops an older run first."""
        self.settle_search(stop=True)
        run_, staging = self._run, site / ".preview-search"
        stop = self._reindex_stop = threading.Event()
        pages = self._search_pages()  # into a fresh folder, as a whole build writes them
        indexer = run_.indexer = search.Indexer()

        def run():
            try:
                for page, meta in pages:
                    if stop.is_set():
                        return
                    indexer.add(page.url, page.title, page.html, meta)
                shutil.rmtree(staging, ignore_errors=True)
                with self._reindex_lock:
                    if stop.is_set():
                        return
                    indexer.start(staging)
                indexer.process.communicate()
                if indexer.process.returncode == 0:
                    shutil.rmtree(site / search.BUNDLE, ignore_errors=True)
                    (staging / search.BUNDLE).rename(site / search.BUNDLE)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
                indexer.stop()

        self._reindex = threading.Thread(target=run, daemon=True)
        self._reindex.start()

    def settle_search(self, stop: bool = False) -> None:
        """Wait for the preview's search indexing (`stop`: make it give up first, Pagefind killed)."""
        if self._reindex is None:
            return
        if stop:
            with self._reindex_lock:
                self._reindex_stop.set()
                process = self._run.indexer.process if self._run is not None and self._run.indexer is not None else None
                if process is not None and process.poll() is None:
                    process.kill()
        self._reindex.join()
        self._reindex = None

    def settled(self) -> bool:
        """Whether nothing of the preview's last round still runs (Pagefind)."""
        return self._reindex is None or not self._reindex.is_alive()

    def on_build_error(self) -> None:
        """Stop what runs beside the failed build before its caller removes the site."""
        if self._run is not None:
            if self._run.indexer is not None:
                self._run.indexer.stop()
            settle(self._run.downloads, self._run.whole_record, self._run.search)
        self._saved()  # the generation's state, being kept: not left to be killed half-written at exit


def _not_kept(cache: Path, exc: BaseException) -> None:
    print(f"{cache / state.FILE}: the generation's state could not be kept ({exc}); the next build generates "
          "every page afresh", file=sys.stderr)
