"""Thin MkDocs glue for citability: hand each page the <head> metadata and "Cite this page" box that
scripts/archive/citable.py prepared when the tree was generated (one side file for all pages)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.citable import PAGE_EXTRAS  # noqa: E402

_extras: dict = {}


def on_files(files, config):
    global _extras
    path = Path(config["docs_dir"]) / PAGE_EXTRAS
    _extras = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def on_page_context(context, page, config, nav):
    page.meta.update(_extras.get(page.file.src_uri, {}))
