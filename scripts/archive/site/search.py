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

import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from archive.runner import NICE

BUNDLE = "pagefind"  # folder in site/ holding the index and Pagefind's own scripts
LANGUAGE = "ja"
EXCLUDE = ".headerlink, .md-content__button, .footnote-backref"
WORKER = Path("assets/javascripts/search-worker.js")


class SearchIndexFailed(Exception):
    pass


def indexed(meta: dict) -> bool:
    """Whether a page goes into the index. Generated listings (home, type indexes, timeline,
    bibliography, the whole-record page) stay out: they repeat every title in the archive, so they
    would match most queries and be the largest fragments a reader downloads (256 KB for the
    documents index at 10,000 documents, against about 3 KB for a document)."""
    return not meta.get("generated")


def _scratch() -> str | None:
    """A memory-backed folder for the pages Pagefind reads, where the machine has one: creating a
    file on disk costs an order of magnitude more than on tmpfs, and MkDocs waits for each one.
    None: the system's temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


class Indexer:
    """Pagefind over each indexed page's content, started as soon as MkDocs has turned every page's
    Markdown into HTML, so that it runs while MkDocs fills in the templates and writes the site.

    Each indexed page's content (the article, without header, navigation, cite box or footer) is
    written at its URL into a folder of its own as a minimal HTML page. Pagefind indexes that content
    and takes the title from its first <h1>: the index the finished pages gave (when they were indexed
    after the build, with data-pagefind-body on the article) without waiting for them or parsing their
    navigation.
    """

    def __init__(self):
        self.pages = Path(tempfile.mkdtemp(prefix="archive-search-", dir=_scratch()))
        self.process: subprocess.Popen | None = None

    def add(self, url: str, title: str, content: str) -> None:
        """A page's content as MkDocs rendered it, at its site-relative URL ("documents/x/")."""
        target = self.pages / url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f'<!DOCTYPE html>\n<html lang="{LANGUAGE}"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body><div data-pagefind-body>\n{content}\n</div></body></html>\n",
            encoding="utf-8",
        )

    def start(self, site: Path) -> None:
        """Index every added page into site/pagefind/, in the background."""
        cmd = [
            sys.executable, "-m", "pagefind", "--site", str(self.pages), "--output-path", str(site / BUNDLE),
            "--force-language", LANGUAGE, "--exclude-selectors", EXCLUDE, "--silent",
        ]
        nice = shutil.which("nice")  # below MkDocs, which it runs beside (archive/runner.py: NICE)
        if nice:
            cmd = [nice, "-n", str(NICE), *cmd]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait(self, site: Path) -> None:
        try:
            output, _ = self.process.communicate()
            if self.process.returncode != 0 or not (site / BUNDLE / "pagefind-entry.json").is_file():
                raise SearchIndexFailed(f"pagefind failed ({self.process.returncode}): {output.strip()[-2000:]}")
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop Pagefind if it still runs and remove the pages folder (after a failed build too)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.pages, ignore_errors=True)


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
