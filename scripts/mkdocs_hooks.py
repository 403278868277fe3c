"""Thin MkDocs glue.

- During `mkdocs serve`, regenerate the Markdown tree before each rebuild. `make site` runs the
  generator itself before MkDocs; this hook only keeps live preview current when files under
  docs/ change (mkdocs.yml watches docs/ and scripts/).
- Escape the page description Material puts in a meta tag.
- Keep every page out of Material's lunr index: the site's search is Pagefind (archive/search.py),
  and Material's search plugin stays only for its header search box, fed by our worker. Hand
  Pagefind each indexed page's content as soon as it is rendered (archive/search.py).

Reading (issue 5): it also adds our Markdown extension, collects every page's content for the page
that prints the whole record (archive/printpage.py), puts the Content-Security-Policy into each page
and finishes every build (print page, Atom feed: archive/postbuild.py). These live here rather than
in archive/site.py so that every way of building (make site, mkdocs serve, mike deploy) gets them;
the hook is loaded by path, so scripts/ need not be on the import path of whatever runs MkDocs.
"""

import os
import sys
from pathlib import Path

from markupsafe import escape
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.site.csp import CspError  # noqa: E402
from archive.content.errors import ContentErrors  # noqa: E402
from archive.pages.tree import LATE, abandon_late, generate, take_late  # noqa: E402
from archive.site.postbuild import Finisher, PostBuildError  # noqa: E402
from archive.site.wholerecord import Printed  # noqa: E402
from archive.site.search import Indexer, SearchIndexFailed, indexed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_serving = False
_printed: dict = {}  # src_uri -> printpage.Printed, filled as MkDocs renders each page
_search: Indexer | None = None  # the search index of the build under way
_finisher: Finisher | None = None  # feed, whole record and policy of the build under way


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    from archive.site.mdext import ArchiveExtension

    config.markdown_extensions.append(ArchiveExtension())
    return config


def on_pre_build(config):
    global _search
    _printed.clear()  # serve rebuilds in the same process
    _search = Indexer()
    if not _serving:
        return
    try:
        generate(Path(os.environ.get("ARCHIVE_DOCS", ROOT / "docs")), Path(config["docs_dir"]))
    except ContentErrors as exc:
        raise PluginError("content errors:\n" + "\n".join(map(str, exc.errors))) from None


def on_files(files, config):
    """The generated tree is complete (under serve, on_pre_build has just regenerated it): start the feed."""
    global _finisher
    _finisher = Finisher(config, Path(config["docs_dir"]), Path(os.environ.get("ARCHIVE_DOCS", ROOT / "docs")))
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri in LATE:  # make site: a page generated while MkDocs rendered the others
        markdown = _late(page.file.src_uri, config)
    page.meta["search"] = {"exclude": True}
    # MkDocs's Jinja does not autoescape and Material writes the description into an attribute
    # as it is: a summary with a quote would end the attribute. Markup is escaped once, never twice.
    if isinstance(page.meta.get("description"), str):
        page.meta["description"] = escape(page.meta["description"])
    return markdown


def _late(src_uri, config):
    try:
        text = take_late(src_uri, Path(config["docs_dir"]))
    except Exception as exc:  # noqa: BLE001 - the generator's error, reported as the build's
        raise PluginError(f"{src_uri}: {exc}") from None
    return get_data(text)[0]  # its front matter is the placeholder's, already read by MkDocs


def on_page_content(html, page, config, files):
    _printed[page.file.src_uri] = Printed(page.url, page.title or "", html)
    if indexed(page.meta):
        _search.add(page.url, page.title or "", html)
    return html


def on_env(env, config, files):
    """Runs after every page's Markdown is rendered (on_page_content), before the templates: start the
    search indexer, and assemble the print page in its order (each type in reading order, as its generated
    index lists it: archive/printorder.py)."""
    from archive.site.printorder import sections

    indexes = {f.src_uri.split("/")[0]: f.page.markdown or "" for f in files.documentation_pages()
               if f.page is not None and f.src_uri.endswith("/index.md")}
    for file in files:  # HTML that MkDocs copies as it is (redirect stubs): its scripts are allowed too
        if file.src_uri.endswith(".html") and not file.is_documentation_page() and file.abs_src_path:
            _finisher.policy.seen(Path(file.abs_src_path).read_text(encoding="utf-8"))
    order = sections(indexes)
    _finisher.printed([(title, [_printed[uri] for uri in uris if uri in _printed]) for title, uris in order])
    _search.start(Path(config["site_dir"]))  # every page's content is known: index while templates render
    return env


def on_post_page(output, page, config):
    return _with_policy(output, page.file.abs_dest_path)


def on_post_template(output, template_name, config):
    """Theme pages such as 404.html, written before the pages."""
    if not template_name.endswith(".html"):
        return output
    return _with_policy(output, Path(config["site_dir"]) / template_name)


def _with_policy(output, path):
    try:
        return _finisher.policy.page(output, path)
    except CspError as exc:
        raise PluginError(str(exc)) from None


def on_post_build(config):
    """Print page, feed, CSP and search index, written into the freshly built site (still the staging dir under `make site`)."""
    site = Path(config["site_dir"])
    try:
        for src_uri in list(LATE):  # a late page MkDocs did not render (none today): complete the tree
            _late(src_uri, config)
        _finisher.finish(site)
        _search.wait(site)
    except (PostBuildError, SearchIndexFailed) as exc:
        raise PluginError(str(exc)) from None  # on_build_error stops the indexer


def on_build_error(error):
    abandon_late()
    if _search is not None:
        _search.stop()
    if _finisher is not None:
        _finisher.abandon()
