"""Thin MkDocs glue: during `mkdocs serve`, regenerate the Markdown tree before each rebuild.

`make site` runs the generator itself before MkDocs; this hook only keeps live preview current
when files under docs/ change (mkdocs.yml watches docs/ and scripts/).

Reading (issue 5): it also adds our Markdown extension, hands the print page its pages, and finishes
every build (Atom feed, Content-Security-Policy). These live here rather than in archive/site.py so
that every way of building (make site, mkdocs serve, mike deploy) gets them; the hook is loaded by
path, so scripts/ need not be on the import path of whatever runs MkDocs.
"""

import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.errors import ContentErrors  # noqa: E402
from archive.generate import generate  # noqa: E402

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
    """Feed and CSP, written into the freshly built site (still the staging dir under `make site`)."""
    from archive.postbuild import PostBuildError, finish

    try:
        finish(Path(config["site_dir"]), config, Path(config["docs_dir"]), Path(os.environ.get("ARCHIVE_DOCS", ROOT / "docs")))
    except PostBuildError as exc:
        raise PluginError(str(exc)) from None
