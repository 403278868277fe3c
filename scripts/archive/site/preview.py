"""The live preview (`make serve`): MkDocs's build kept in memory and redone, after each edit, only for
what the edit changed.

`mkdocs serve` rebuilds the whole site on every change (about a minute at 1,000 documents). Here the
first build is MkDocs's own `build()`; the preview keeps what it made (files, navigation, template
environment, every page's rendered Markdown). After an edit the Build regenerates the tree through
its Memo (archive/pages/tree.py), and MkDocs reads and renders again only the generated pages whose
Markdown changed byte for byte, and fills the template again only for those and the pages whose cite
box or head metadata changed: the pages MkDocs's own build would have written differently (their
Markdown turned into HTML in two processes: runner.halves). Whatever
an edit cannot reach page by page (the theme, mkdocs.yml, the navigation's titles) means a full
build. The Build keeps the steps after the pages (citation downloads, whole record, the
Content-Security-Policy, Pagefind) to what changed too. A test edits a corpus at random and compares
the preview's site with a clean build, byte for byte.

A content error leaves the site as it was: it is printed as `path:line: message` and shown in the
browser over the last good pages, until an edit fixes it.
"""

from __future__ import annotations

import gc
import json
import logging
import sys
import threading
import time
from pathlib import Path

from mkdocs.exceptions import BuildError

from archive import runner
from archive.content.errors import ContentErrors
from archive.site import publish

# Served beside the site (never written into it): the reload script and the preview's state.
PREFIX = "/.preview/"


class Preview:
    """The first full build, then one round per edit (update()); `errors` holds what the last round reported."""

    def __init__(self, build, config_file: Path, site_dir: Path):
        self.build, self.config_file, self.site_dir = build, config_file, site_dir
        self.errors: list[str] = []
        self.rounds = 0  # rounds that brought the site up to date
        self.changed: set[Path] = set()  # paths the watcher reported since the last round
        self.busy = False  # a round is under way (status(): not settled, whatever the build says meanwhile)
        self._state = None  # MkDocs's config, files, nav and env of the last good build

    # --- rounds ----------------------------------------------------------------------------

    def update(self, defer: bool = False) -> bool:
        """Bring the site up to date with the authored pages; False (and `errors` set) if it could not.
        `defer`: the pages first; what no page shows (Build.regenerate) waits for the next update()."""
        self.busy = True
        try:
            return self._update(defer)
        finally:
            self.busy = False

    def _update(self, defer: bool) -> bool:
        changed, self.changed = self.changed, set()
        started, cpu = time.perf_counter(), time.process_time()
        try:
            if self._state is None or self._needs_full_build(changed):
                self._full_build()
                how = "built"
            else:
                how = self._round(defer)
        except ContentErrors as exc:
            return self._failed([str(e) for e in exc.errors])
        except publish.BuildFailed as exc:
            self._state = None  # the next round starts again from a full build
            return self._failed([f"{self.config_file}: mkdocs build failed: {exc}"])
        self.errors = []
        self.rounds += 1
        print(f"preview {how} in {time.perf_counter() - started:.2f} s (CPU {time.process_time() - cpu:.2f} s)"
              + (", the rest follows" if defer and self.build.pending() else ""), file=sys.stderr, flush=True)
        _settle_memory(defer)
        return True

    def _failed(self, errors: list[str]) -> bool:
        self.errors = errors
        for error in errors:
            print(error, file=sys.stderr)
        print(f"{len(errors)} error(s); the preview shows the last good build until they are fixed.", file=sys.stderr, flush=True)
        return False

    def _needs_full_build(self, changed: set[Path]) -> bool:
        """An edit outside the authored pages (the theme, mkdocs.yml) reaches every page."""
        config = self._state[0]
        outside = [Path(config.config_file_path)] + [Path(d) for d in config.theme.dirs]
        return any(path == top or top in path.parents for path in changed for top in outside)

    def _full_build(self) -> None:
        from mkdocs.commands import build as mkdocs_build
        from mkdocs.exceptions import MkDocsException

        self.build.regenerate()  # ContentErrors: reported before MkDocs starts
        config, adapter = publish.load(self.config_file, docs_dir=str(self.build.out), site_dir=str(self.site_dir), strict=True)
        keeper = _Keeper()
        config.plugins["archive-preview"] = keeper  # hands the preview the files, navigation and environment
        adapter.attach(self.build)
        try:
            mkdocs_build.build(config)
        except (MkDocsException, SystemExit) as exc:
            raise publish.BuildFailed(str(exc) or "mkdocs build failed") from None
        self._state = (config, adapter, keeper.files, keeper.nav, keeper.env)
        threading.Thread(target=self.build.warm_citations, daemon=True).start()

    def _round(self, defer: bool) -> str:
        """Regenerate, then read, render and write again only what changed."""
        from mkdocs.commands.build import _build_page, _build_theme_template
        from mkdocs.structure.pages import Page
        from mkdocs.utils import CountHandler

        config, adapter, files, nav, env = self._state
        build = self.build
        adapter.attach(build)  # the hooks hold one build per process: a test may have built another since
        before_extras = build.generated.page_records.extras
        generated = build.regenerate(defer)  # ContentErrors: nothing written, the site stays as it was
        if set(generated.removed) & {page.file.src_uri for page in nav.pages}:
            self._full_build()  # a page of the navigation is gone: MkDocs's build says what that means
            return "built"
        extras = generated.page_records.extras
        warnings = CountHandler()
        warnings.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(warnings)
        try:
            for rel in generated.removed:
                file = files.get_file_from_path(rel)
                if file is not None:
                    build.forget_page(file, config)
            if generated.removed or any(files.get_file_from_path(rel) is None for rel in generated.written):
                files = self._relist(config, env, files)
            titles = [(page.title, page.url) for page in nav.pages]
            read = [files.get_file_from_path(rel) for rel in generated.written if rel.endswith(".md")]
            tags = config.plugins.get("material/tags")
            tag_names = _tag_names(tags)
            if tags is not None and (generated.removed or any(_tagged(f) for f in read if f.page is not None)):
                # Material's tags listing shows every tagged page: read the pages holding it again too.
                holders = {listing.page.file for listing in tags.listings.data}
                tags.listings.data.clear()
                served = {f.url for f in files.documentation_pages()}
                for url in [u for u in tags.mappings.data if u not in served]:
                    del tags.mappings.data[url]
                read += [f for f in holders if f not in read]
            for file in read:
                if file.page is None:
                    Page(None, file, config)
            _populate([file.page for file in read], config, files)
            rendered = {f.src_uri: f for f in read}
            if _tag_names(tags) != tag_names:  # every page's tag chips link to their tag in the listing
                rendered.update((f.src_uri, f) for f in files.documentation_pages() if _tagged(f))
            if [(page.title, page.url) for page in nav.pages] != titles:  # the sidebar of every page
                rendered.update((f.src_uri, f) for f in files.documentation_pages())
            for path, values in extras.items():
                if before_extras.get(path) is not values and before_extras.get(path) != values:
                    file = files.get_file_from_path(path)
                    if file is not None:
                        rendered[path] = file
            rendered.update((f.src_uri, f) for f in build.pages_to_render(files, set(rendered), bool(read),
                                                                          config["site_url"] or ""))
            env = config.plugins.on_env(env, config=config, files=files)
            for rel in generated.written:
                if not rel.endswith(".md"):
                    files.get_file_from_path(rel).copy_file()
            for template in config.theme.static_templates:
                _build_theme_template(template, env, files, config, nav)
            doc_files = files.documentation_pages()
            for file in rendered.values():
                _build_page(file.page, config, doc_files, nav, env)
            for file in rendered.values():
                file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
            config.plugins.on_post_build(config=config)
        except Exception as exc:  # noqa: BLE001 - MkDocs's errors have no common class; reported, next round rebuilds
            self._state = None
            raise publish.BuildFailed(str(exc)) from None
        finally:
            logging.getLogger("mkdocs").removeHandler(warnings)
        self._state = (config, adapter, files, nav, env)
        if counts := warnings.get_counts():
            self._state = None
            raise publish.BuildFailed(", ".join(f"{n} {level.lower()}(s)" for level, n in counts) + " in strict mode")
        return f"updated ({len(read)} page(s) read, {len(rendered)} written)"

    @staticmethod
    def _relist(config, env, kept):
        """The files as MkDocs's build lists them (its order is the sitemap's), each existing page
        moved over to its new File."""
        from mkdocs.structure.files import get_files, set_exclusions

        files = get_files(config)
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        for file in files:
            old = kept.get_file_from_path(file.src_uri)
            if old is not None and old.page is not None:
                file.page, old.page.file = old.page, file
        return files

    # --- what the server shows beside the site -----------------------------------------------

    def status(self) -> bytes:
        settled = not self.busy and self.build.settled() and not self.build.pending()
        return json.dumps({"rounds": self.rounds, "errors": self.errors, "settled": settled}).encode()


def _settle_memory(defer: bool) -> None:
    """Keep the cyclic garbage collector off what the preview holds from round to round (every page's
    Markdown, HTML and MkDocs objects): a full collection walks all of it, and one fell in most rounds
    of a large archive. What exists after a round is frozen (the collector skips it); after a round's
    rest (not `defer`), frozen objects are collected once, so what later rounds replaced is freed."""
    if not defer:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def _populate(pages: list, config, files) -> None:
    """MkDocs's _populate_page for each page (its events in the same order for each page, and for the
    pages in turn), with the Markdown of the later half of the pages turned into HTML by a forked child
    meanwhile (runner.halves): that is most of a round's work, and the second CPU is idle during it."""
    for n, page in enumerate(pages):
        with _reading(config, page):
            pages[n] = page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    rendered = runner.halves(lambda page: _render(page, config, files), pages, lambda page: len(page.markdown))
    for page, (state, logged) in zip(pages, rendered):
        for name, level, message in logged:  # what the child logged, logged here (strict mode counts it)
            logging.getLogger(name).log(level, message)
        content, page.toc, page._title_from_render, page.present_anchor_ids, links = state
        if links is not None:
            page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}
        with _reading(config, page):
            page.content = config.plugins.on_page_content(content, page=page, config=config, files=files)


def _render(page, config, files) -> tuple:
    """page.render(), and what it set and logged, in a form a child process can send."""
    capture = _Captured()
    mkdocs_log = logging.getLogger("mkdocs")
    handlers, propagate = mkdocs_log.handlers, mkdocs_log.propagate
    mkdocs_log.handlers, mkdocs_log.propagate = [capture], False  # logged by _populate, in the parent
    try:
        with _reading(config, page):
            page.render(config, files)
    finally:
        mkdocs_log.handlers, mkdocs_log.propagate = handlers, propagate
    links = page.__dict__.get("links_to_anchors")
    links = None if links is None else {file.src_uri: anchors for file, anchors in links.items()}
    return (page.content, page.toc, page._title_from_render, page.present_anchor_ids, links), capture.logged


class _Captured(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.logged: list[tuple[str, int, str]] = []

    def emit(self, record):
        self.logged.append((record.name, record.levelno, record.getMessage()))


class _reading:
    """config._current_page set while a page is read, as MkDocs's build sets it; an error names the page."""

    def __init__(self, config, page):
        self.config, self.page = config, page

    def __enter__(self):
        self.config._current_page = self.page

    def __exit__(self, kind, exc, trace):
        self.config._current_page = None
        if exc is not None and isinstance(exc, Exception) and not isinstance(exc, BuildError):
            raise BuildError(f"Error reading page '{self.page.file.src_uri}': {exc}") from exc


def _tagged(file) -> bool:
    return bool(file.page is not None and file.page.meta.get("tags"))


def _tag_names(tags) -> set[str]:
    return set() if tags is None else {str(tag) for mapping in tags.mappings.data.values() for tag in mapping.tags}


class _Keeper:
    """A MkDocs plugin of the preview's own: keeps what the first build made."""

    files = nav = env = None

    def on_nav(self, nav, config, files):
        self.nav = nav
        return nav

    def on_env(self, env, config, files):
        self.env, self.files = env, files
        return env


RELOAD_JS = """// The live preview: reload when the site changes, show content errors over the last good pages.
(function () {
  var script = document.currentScript, epoch = script.dataset.epoch, id = script.dataset.request;
  function show(errors) {
    var box = document.getElementById("archive-preview-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "archive-preview-errors";
      box.setAttribute("role", "alert");
      var s = box.style;
      s.position = "fixed"; s.top = "0"; s.left = "0"; s.right = "0"; s.zIndex = "10000"; s.maxHeight = "50vh";
      s.overflow = "auto"; s.background = "#b00020"; s.color = "#fff"; s.padding = "0.8em 1.2em";
      s.font = "14px/1.4 monospace"; s.whiteSpace = "pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = errors.length + " content error(s); this is the last good preview:\\n" + errors.join("\\n");
  }
  function poll() {
    var req = new XMLHttpRequest();
    req.onloadend = function () {
      if (req.status === 200 && parseFloat(req.responseText) > epoch) { location.reload(); return; }
      setTimeout(poll, req.status === 200 ? 0 : 3000);
    };
    req.open("GET", "/livereload/" + epoch + "/" + id);
    req.send();
  }
  fetch("%(prefix)sstatus.json").then(function (r) { return r.json(); }).then(function (s) { show(s.errors); });
  poll();
})();
""" % {"prefix": PREFIX}


def server(preview: Preview, host: str, port: int):
    """MkDocs's live-reload server on the preview's site, rebuilding through preview.update()."""
    import watchdog.events
    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer, _timestamp

    class Server(LiveReloadServer):
        def __init__(self):
            super().__init__(builder=self.rebuild, host=host, port=port, root=str(preview.site_dir))
            # inotify, not MkDocs's polling observer: no scan of every file twice a second
            self.observer = watchdog.observers.Observer()
            self.server_bind()  # now, so that a port in use is reported before the first build
            self.server_activate()
            self.error_handler = self.not_found
            self._last_request = 0.0

        def not_found(self, code):
            """The site's 404 page; before any good build, a page that shows the errors and reloads."""
            if code != 404:
                return None
            page = preview.site_dir / "404.html"
            if page.is_file():
                return page.read_bytes()
            return self._inject_js_into_html(b"<!doctype html><html><head><meta charset=utf-8><title>No preview yet</title>"
                                             b"</head><body><p>No preview yet.</p></body></html>", self._visible_epoch)

        def rebuild(self):
            """The edited pages, shown to the browsers as soon as they are written; then, once the
            browsers have fetched them, the rest (it holds the interpreter lock that serving needs)."""
            if preview.update(defer=True) and preview.build.pending():
                with self._epoch_cond:
                    self._visible_epoch = self._wanted_epoch
                    self._epoch_cond.notify_all()
                self._quiet()
                preview.update()

        def _quiet(self):
            """Wait until no page has been asked for in QUIET seconds, at most RELOADED seconds."""
            shown = time.monotonic()
            while True:
                now = time.monotonic()
                if now - max(shown, self._last_request) >= QUIET or now - shown >= RELOADED or self._want_rebuild:
                    return
                time.sleep(QUIET / 4)

        def serve(self):
            """LiveReloadServer.serve, bound already and quiet: the command line says where it serves."""
            self.observer.start()
            self.serve_thread.start()
            self._build_loop()

        def watch(self, path: str, func=None, *, recursive: bool = True) -> None:
            """LiveReloadServer.watch, for changes only: inotify also reports files being opened and
            read (by git, by MkDocs reading the theme), which must not start a round."""
            path = str(Path(path).resolve())
            self._watched_paths[path] = 1  # which also makes the server add the reload script to pages
            handler = watchdog.events.FileSystemEventHandler()

            def changed(event):
                if event.is_directory or event.event_type not in _CHANGES:
                    return
                preview.changed.update(Path(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p)
                with self._rebuild_cond:
                    self._want_rebuild = True
                    self._rebuild_cond.notify_all()

            handler.on_any_event = changed
            self.observer.schedule(handler, path, recursive=recursive)

        def _serve_request(self, environ, start_response):
            path = environ["PATH_INFO"]
            if not path.startswith(("/livereload/", PREFIX)):  # a page or what it loads, not the reload signal
                self._last_request = time.monotonic()
            if path == PREFIX + "reload.js":
                return _respond(start_response, "application/javascript", RELOAD_JS.encode())
            if path == PREFIX + "status.json":
                return _respond(start_response, "application/json", preview.status())
            return super()._serve_request(environ, start_response)

        def _inject_js_into_html(self, content, epoch):
            # An external script: the pages' Content-Security-Policy allows no inline one.
            tag = (f'<script src="{PREFIX}reload.js" data-epoch="{epoch}" data-request="{_timestamp()}"></script>').encode()
            end = content.rfind(b"</body>")
            end = len(content) if end < 0 else end
            return content[:end] + tag + content[end:]

    return Server()


_CHANGES = ("created", "deleted", "modified", "moved", "closed")  # watchdog's event types that change a file
# After an edit's pages are shown, the rest of the round waits for the browsers' reload: until no page
# has been asked for in QUIET seconds (a reload's first request comes a moment after the signal), at
# most RELOADED seconds.
QUIET, RELOADED = 0.4, 5.0


def _respond(start_response, content_type: str, body: bytes):
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
    return [body]
