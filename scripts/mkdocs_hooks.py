"""Thin MkDocs glue.

- During `mkdocs serve`, regenerate the Markdown tree before each rebuild. `make site` runs the
  generator itself before MkDocs; this hook only keeps live preview current when files under
  docs/ change (mkdocs.yml watches docs/ and scripts/).
- Escape the page description Material puts in a meta tag.
- Keep every page out of Material's lunr index: the site's search is Pagefind (archive/search.py),
  and Material's search plugin stays only for its header search box, fed by our worker. Mark
  what Pagefind indexes.

Reading (issue 5): it also adds our Markdown extension, hands the print page its pages, and finishes
every build (Atom feed, Content-Security-Policy). These live here rather than in archive/site.py so
that every way of building (make site, mkdocs serve, mike deploy) gets them; the hook is loaded by
path, so scripts/ need not be on the import path of whatever runs MkDocs.
"""

import os
import sys
from pathlib import Path

from markupsafe import escape
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.errors import ContentErrors  # noqa: E402
from archive.generate import generate  # noqa: E402
from archive.search import SearchIndexFailed, index_site, mark_for_index  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_serving = False


def on_startup(command, dirty):
    global _serving
    _serving = command == "serve"


def on_config(config):
    from archive.mdext import ArchiveExtension

    config.markdown_extensions.append(ArchiveExtension())
    return config


def on_pre_build(config):
    if not _serving:
        return
    try:
        generate(Path(os.environ.get("ARCHIVE_DOCS", ROOT / "docs")), Path(config["docs_dir"]))
    except ContentErrors as exc:
        raise PluginError("content errors:\n" + "\n".join(map(str, exc.errors))) from None


def on_page_markdown(markdown, page, config, files):
    page.meta["search"] = {"exclude": True}
    # MkDocs's Jinja does not autoescape and Material writes the description into an attribute
    # as it is: a summary with a quote would end the attribute. Markup is escaped once, never twice.
    if isinstance(page.meta.get("description"), str):
        page.meta["description"] = escape(page.meta["description"])
    return markdown


def on_page_content(html, page, config, files):
    return mark_for_index(html, page.meta)


def on_env(env, config, files):
    """Hand the print-site plugin every page of the record in reading order (not only the small nav).

    Runs after every page's Markdown is read and before the plugin combines them in on_post_build.
    """
    from mkdocs.structure.nav import Section

    from archive.printorder import sections

    plugin = config.plugins.get("print-site")
    if plugin is None or not plugin.config.get("enabled"):
        return env
    pages = {f.src_uri: f.page for f in files.documentation_pages() if f.page is not None}
    indexes = {uri.split("/")[0]: page.markdown or "" for uri, page in pages.items() if uri.endswith("/index.md")}
    items = [pages["index.md"]] if "index.md" in pages else []
    for title, paths in sections(indexes):
        items.append(Section(title, [pages[p] for p in paths if p in pages]))
    plugin.renderer.items = items
    return env


def on_post_build(config):
    """Feed, CSP and search index, written into the freshly built site (still the staging dir under `make site`)."""
    from archive.postbuild import PostBuildError, finish

    try:
        finish(Path(config["site_dir"]), config, Path(config["docs_dir"]), Path(os.environ.get("ARCHIVE_DOCS", ROOT / "docs")))
    except PostBuildError as exc:
        raise PluginError(str(exc)) from None
    try:
        index_site(Path(config["site_dir"]))  # search, once every page is written (archive/search.py)
    except SearchIndexFailed as exc:
        raise PluginError(str(exc)) from None
