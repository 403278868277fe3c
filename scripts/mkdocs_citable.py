"""Thin MkDocs glue for citability: hand each page the <head> metadata and "Cite this page" box that
scripts/archive/citable.py prepared when the tree was generated (one side file for all pages), and
write the downloadable citation records into the site, in a forked child while MkDocs renders
(archive/runner.py; in place under `mkdocs serve`)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import runner  # noqa: E402
from archive.citation.records import PAGE_EXTRAS, write_downloads  # noqa: E402

_extras: dict = {}
_downloads: runner.Job | None = None


def on_files(files, config):
    global _extras, _downloads
    path = Path(config["docs_dir"]) / PAGE_EXTRAS
    _extras = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    # After MkDocs has emptied site_dir (it does so before collecting files), before any page is written.
    _downloads = runner.beside(write_downloads, Path(config["docs_dir"]), Path(config["site_dir"]))


def on_page_context(context, page, config, nav):
    page.meta.update(_extras.get(page.file.src_uri, {}))


def on_post_build(config):
    _downloads.result()


def on_build_error(error):
    # A failed build's site_dir is removed by its caller: let the child finish writing first.
    runner.settle(_downloads)
