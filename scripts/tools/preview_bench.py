#!/usr/bin/env python3
"""The live preview's latency: from saving an edit to one authored page to the moment every page that
shows it serves the new text (`make bench` calls measure(); run alone: `preview_bench.py DOCS`).

`build.py serve` runs on a corpus as a user runs it (its own process, its HTTP server). Each edit
gives a document a new title; the clock runs from the write until every page that showed the old
title before the edit serves the new one. As a page open in a browser does, the bench waits for the
server's reload signal (MkDocs's live-reload long poll), then fetches those pages over HTTP: the document's own
page, the page of the documents index and of the timeline that list it (with paged listings, not
always the first), and the page of every entity it points at (their backlinks). Those pages are
found in the served site, not predicted; a listing ordered by title counts as current once the
old title is gone from it (the document moved to another of its pages). The printed volumes and the search index follow after the
visible pages; "settled" is the time until they too are current.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from archive.content.read import load_file  # noqa: E402
from tools import proctree  # noqa: E402


class PreviewBenchFailed(Exception):
    """The preview did not come up or did not show an edit in time; the message says which, with its log."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.read()


def _epoch(base: str) -> int:
    """The reload epoch the server shows now (MkDocs's live-reload endpoint answers at once for epoch 0)."""
    return int(_get(base + "livereload/0/0"))


def _wait(what, seconds: float, proc: subprocess.Popen, log: Path, label, every: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise PreviewBenchFailed(f"build.py serve exited; the end of its log ({log}):\n{log.read_text()[-3000:]}")
        try:
            if what():
                return
        except OSError:
            pass
        time.sleep(every)
    label = label() if callable(label) else label
    raise PreviewBenchFailed(f"{label}: not done after {seconds:.0f} s; the end of the server's log:\n{log.read_text()[-3000:]}")


# The printed volumes show every page too, but after the visible pages (Build.pages_to_render).
NOT_VISIBLE = ("print_page/", "search/", "404.html")


def _showing(site: Path, title: str) -> list[str]:
    """URL paths of the site's pages that show `title` now (the document's own page, the listings that
    hold it, its backlinks), the printed volumes aside."""
    needle = html.escape(title, quote=False).encode()
    found = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if not rel.startswith(NOT_VISIBLE) and needle in page.read_bytes():
            found.append(rel.removesuffix("index.html"))
    return found


def retitle(page: Path, title: str) -> None:
    """An editor's edit: the page's front-matter title replaced."""
    text = page.read_text(encoding="utf-8")
    page.write_text("\n".join(f'title: "{title}"' if line.startswith("title:") else line for line in text.split("\n")),
                    encoding="utf-8")


def _title(page: Path) -> str:
    """The page's title as the build reads it (its own front-matter parser)."""
    entity, errors = load_file(page, page.parent)
    if entity is None:
        raise PreviewBenchFailed(f"{page}: {errors[0]}")
    return entity.title


def measure(docs: Path, edits: int = 5, work: Path | None = None) -> dict:
    """Serve a copy of `docs`, make `edits` edits; seconds to the first build and per edit (all pages current)."""
    work = Path(tempfile.mkdtemp(prefix="preview-bench-", dir=work))
    corpus = work / "docs"
    shutil.copytree(docs, corpus)
    port, log = _free_port(), work / "serve.log"
    base = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    with log.open("w") as out:
        # A cache of its own, empty: the first build formats every citation, as on a fresh clone.
        proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "build.py"), "serve", "--docs", str(corpus),
                                 "--out", str(work / "generated"), "--site", str(work / "site"), "--addr", f"127.0.0.1:{port}",
                                 "--cache", str(work / "cache")],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        status = lambda: json.loads(_get(base + ".preview/status.json"))  # noqa: E731
        _wait(lambda: status()["rounds"] >= 1, 3600, proc, log, "the first build")
        first = time.perf_counter() - started
        # Every edit starts from a preview at rest, as the later ones do (below): an editor's first edit
        # rarely comes in the same second as the first build, while its search index is still being made.
        _wait(lambda: status()["settled"], 600, proc, log, "the first build's search index")
        pages = sorted((corpus / "documents").glob("*.md"))
        latencies, signals, late, settled, counts, cpu = [], [], [], [], [], []
        for n in range(edits):
            page = pages[(n * 7919) % len(pages)]  # spread over the corpus, the same every run
            before = _title(page)
            urls = [base + u for u in _showing(work / "site", before)]
            title = f"Edited title {n} of the preview bench"
            old = html.escape(before, quote=False).encode()
            waiting, rounds, epoch = set(urls), status()["rounds"], _epoch(base)
            t0, c0 = time.perf_counter(), proctree.cpu(proc.pid)
            retitle(page, title)

            def current():
                for url in sorted(waiting):
                    served = _get(url)
                    # a listing ordered by title may now hold it on another of its pages
                    if title.encode() in served or (old not in served and served.rstrip().endswith(b"</html>")):
                        waiting.discard(url)
                return not waiting

            # As a browser does: wait for the reload signal, then fetch (rather than fetch every page in a
            # tight loop, which may take CPU from the server's round; no effect was measured at 1,000 documents).
            _wait(lambda: int(_get(base + f"livereload/{epoch}/1")) > epoch,  # answers when it changes, or after a minute
                  600, proc, log, f"edit {n} of {page.name}: no reload signal")
            signalled = time.perf_counter()
            late.append(int(not current()))  # a page not current at the signal: the preview signalled early
            if waiting:
                _wait(current, 600, proc, log, lambda: f"edit {n} of {page.name}: still not current after the reload "
                                                       f"signal: {', '.join(sorted(waiting))}", every=0.25)
            latencies.append(time.perf_counter() - t0)
            signals.append(signalled - t0)
            counts.append(len(urls))

            def done():
                now = status()
                return now["rounds"] > rounds and now["settled"]

            _wait(done, 600, proc, log, f"edit {n} of {page.name}: the printed volumes and the search index")
            settled.append(time.perf_counter() - t0)
            cpu.append(proctree.cpu(proc.pid) - c0)
        return {"first_build_s": first, "latencies_s": latencies, "signals_s": signals, "late": late, "settled_s": settled, "pages_checked": counts,
                "cpu_s": statistics.median(cpu), "median_s": statistics.median(latencies),
                "max_s": max(latencies),
                "settled_median_s": statistics.median(settled)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


def table(rows: list[dict]) -> str:
    """The live preview's figures, one row per corpus size (rows: measure()'s results with "documents")."""
    lines = ["Live preview (`build.py serve`): seconds from saving an edit of one document's title until its page, the",
             "listings that hold it (documents index, timeline) and every page it points at (its backlinks) serve the new",
             "title over HTTP, fetched once the server's reload signal comes; settled: until the printed volumes and the",
             "search index are current too.",
             "",
             "| documents | first build s | edits | pages checked per edit | median s | max s | settled s (median) "
             "| server CPU s per edit (median) | each edit s, in turn |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['documents']:,} | {r['first_build_s']:.1f} | {len(r['latencies_s'])} | "
                     f"{statistics.median(r['pages_checked']):.0f} | {r['median_s']:.2f} | {r['max_s']:.2f} | "
                     f"{r['settled_median_s']:.2f} | "
                     f"{r['cpu_s']:.2f} | {', '.join(f'{s:.1f}' for s in r['latencies_s'])} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docs", type=Path, help="an authored corpus (e.g. one written by tools/synth.py)")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    try:
        result = measure(args.docs.resolve(), args.edits)
    except PreviewBenchFailed as exc:
        print(f"preview_bench: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
