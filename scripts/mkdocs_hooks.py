"""Thin MkDocs glue.

- During `mkdocs serve`, regenerate the Markdown tree before each rebuild. `make site` runs the
  generator itself before MkDocs; this hook only keeps live preview current when files under
  docs/ change (mkdocs.yml watches docs/ and scripts/).
- Escape the page description Material puts in a meta tag.
- Keep every page out of Material's lunr index: the site's search is Pagefind (archive/search.py),
  and Material's search plugin stays only for its header search box, fed by our worker. Mark
  what Pagefind indexes.
"""

import os
import sys
from pathlib import Path

from markupsafe import escape
from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.errors import ContentErrors  # noqa: E402
from archive.generate import generate  # noqa: E402
from archive.search import index_site, mark_for_index  # noqa: E402

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


def on_page_markdown(markdown, page, config, files):
    page.meta["search"] = {"exclude": True}
    # MkDocs's Jinja does not autoescape and Material writes the description into an attribute
    # as it is: a summary with a quote would end the attribute. Markup is escaped once, never twice.
    if isinstance(page.meta.get("description"), str):
        page.meta["description"] = escape(page.meta["description"])
    return markdown


def on_page_content(html, page, config, files):
    return mark_for_index(html, page.meta)


def on_post_build(config):
    # `make site` indexes the staged site itself (archive/site.py); live preview needs it here.
    if _serving:
        index_site(Path(config["site_dir"]))
