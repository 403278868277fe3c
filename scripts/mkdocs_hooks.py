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
