"""Site search at any size: a Pagefind index, chunked so a reader downloads only what a query needs.

Material's own search ships one lunr index of every page (tens of MB at 10,000 documents) that
the browser downloads before the first result. Pagefind splits the index into small chunks and
fragments; the site's header search box (Material's UI, unchanged) talks to a small web worker,
docs/overrides/assets/javascripts/search-worker.js, that queries Pagefind instead of lunr.

The index is built with Japanese segmentation (Pagefind's extended binary, `--force-language ja`)
because the records are bilingual: English words are still split on spaces and matched by
prefix, and Japanese runs such as 中国情勢に対する我が国の立場 are split into words so that 立場
finds them. The cost is English stemming (prefix matching remains: 'sanction' finds 'sanctions').
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .model import FOLDERS

BUNDLE = "pagefind"  # folder in site/ holding the index and Pagefind's own scripts
LANGUAGE = "ja"
EXCLUDE = ".headerlink, .md-content__button, .footnote-backref"
WORKER = Path("assets/javascripts/search-worker.js")


class SearchIndexFailed(Exception):
    pass


def mark_for_index(html: str, meta: dict) -> str:
    """A page's content, marked as what Pagefind indexes (not header, nav or footer).

    Generated listings (home, type indexes, timeline, bibliography) stay out of the index: they
    repeat every title in the archive, so they would match most queries and be the largest
    fragments a reader downloads (256 KB for the documents index at 10,000 documents, against
    about 3 KB for a document). Once any page carries data-pagefind-body, Pagefind indexes only those.
    """
    return html if meta.get("generated") else f"<div data-pagefind-body>\n{html}\n</div>"


def start_indexing(site: Path) -> subprocess.Popen:
    """Start Pagefind on the entity pages of `site`, writing site/pagefind/; finish with wait_for_index().

    Only entity pages carry data-pagefind-body, so only they are read: the glob spares Pagefind
    parsing the listings and the whole-record page (15 MB at 1,000 documents). It runs while the
    other post-build steps go on; those change entity pages only by atomic replacement (csp.py), so
    Pagefind reads each page whole, before or after, and the text it indexes is the same.
    """
    pages = "{" + ",".join(sorted(FOLDERS.values())) + "}/*/index.html"
    cmd = [
        sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE, "--glob", pages,
        "--force-language", LANGUAGE, "--exclude-selectors", EXCLUDE, "--silent",
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_index(indexing: subprocess.Popen, site: Path) -> None:
    output, _ = indexing.communicate()
    if indexing.returncode != 0 or not (site / BUNDLE / "pagefind-entry.json").is_file():
        raise SearchIndexFailed(f"pagefind failed ({indexing.returncode}): {output.strip()[-2000:]}")


def index_bytes(site: Path) -> int:
    """Total size of the search bundle on disk (what a host stores, not what a reader downloads)."""
    return sum(p.stat().st_size for p in (site / BUNDLE).rglob("*") if p.is_file())


def first_result_bytes(site: Path, results: int = 10) -> int:
    """Upper bound of the bytes a reader downloads from opening search to seeing the first results.

    The worker script, Material's (empty) lunr stub, Pagefind's loader, WebAssembly and metadata,
    the largest index chunk (a one-word query loads one chunk) and the `results` largest fragments
    (one per result shown). Sizes on disk: HTTP compression by the host only makes it smaller.
    """
    bundle = site / BUNDLE
    language = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"][LANGUAGE]
    fixed = [site / WORKER, site / "search" / "search_index.json"] + [
        bundle / name
        for name in ("pagefind.js", "pagefind-entry.json", f"pagefind.{language['hash']}.pf_meta",
                     f"wasm.{language['wasm'] or 'unknown'}.pagefind")  # no stemmer for ja: the generic module
    ]
    chunks = sorted((p.stat().st_size for p in (bundle / "index").glob("*.pf_index")), reverse=True)
    fragments = sorted((p.stat().st_size for p in (bundle / "fragment").glob("*.pf_fragment")), reverse=True)
    return sum(p.stat().st_size for p in fixed) + sum(chunks[:1]) + sum(fragments[:results])
