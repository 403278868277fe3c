"""Thin MkDocs glue: during `mkdocs serve`, regenerate the Markdown tree before each rebuild.

`make site` runs the generator itself before MkDocs; this hook only keeps live preview current
when files under docs/ change (mkdocs.yml watches docs/ and scripts/).
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
