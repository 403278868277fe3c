#!/usr/bin/env python3
"""The live preview's latency: from saving an edit to one authored page to the moment every page that
shows it serves the new text (`make bench` calls measure(); run alone: `preview_bench.py DOCS`).

`build.py serve` runs on a corpus as a user runs it (its own process, its HTTP server). Each edit
gives a document a new title; the clock runs from the write until the document's page, the documents
index, the timeline and the page of every entity it points at (which list it among their backlinks)
all serve that title, fetched over HTTP as a browser would.
"""

from __future__ import annotations

import argparse
import json
import os
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

from archive.content import graph  # noqa: E402
from archive.content.read import load  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.read()


def _wait(what, seconds: float, proc: subprocess.Popen, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"build.py serve exited:\n{log.read_text()[-3000:]}")
        try:
            if what():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {seconds} s:\n{log.read_text()[-3000:]}")


def _cpu(pid: int) -> float:
    """CPU seconds the server and its waited-for children have used (Linux /proc): on a shared machine
    the steadier figure beside the wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _showing(docs: Path, ident: str) -> list[str]:
    """URL paths of the pages that show a document's title: its own, the documents index, the timeline,
    and each page it points at (backlinks)."""
    corpus = load(docs)
    by_id = corpus.by_id()
    near = sorted(graph.build(corpus).points_to.get(ident, ()))
    return [by_id[ident].url_path, "documents/", "timeline/"] + [by_id[i].url_path for i in near if i in by_id]


def measure(docs: Path, edits: int = 5, work: Path | None = None) -> dict:
    """Serve a copy of `docs`, make `edits` edits; seconds to the first build and per edit (all pages current)."""
    work = Path(tempfile.mkdtemp(prefix="preview-bench-", dir=work))
    corpus = work / "docs"
    shutil.copytree(docs, corpus)
    port, log = _free_port(), work / "serve.log"
    base = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "build.py"), "serve", "--docs", str(corpus),
                                 "--out", str(work / "generated"), "--site", str(work / "site"), "--addr", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: json.loads(_get(base + ".preview/status.json"))["rounds"] >= 1, 3600, proc, log)
        first = time.perf_counter() - started
        pages = sorted((corpus / "documents").glob("*.md"))
        latencies, counts, cpu = [], [], []
        for n in range(edits):
            page = pages[(n * 7919) % len(pages)]  # spread over the corpus, the same every run
            urls = [base + u for u in _showing(corpus, page.stem)]
            text = page.read_text(encoding="utf-8")
            title = f"Edited title {n} of the preview bench"
            edited = "\n".join(f'title: "{title}"' if line.startswith("title:") else line for line in text.split("\n"))
            waiting = set(urls)
            t0, c0 = time.perf_counter(), _cpu(proc.pid)
            page.write_text(edited, encoding="utf-8")

            def current():
                for url in sorted(waiting):
                    if title.encode() in _get(url):
                        waiting.discard(url)
                return not waiting

            _wait(current, 600, proc, log)
            latencies.append(time.perf_counter() - t0)
            cpu.append(_cpu(proc.pid) - c0)
            counts.append(len(urls))
            time.sleep(1)  # let the round's background work (search index) start, as between real edits
        return {"first_build_s": first, "latencies_s": latencies, "pages_checked": counts, "cpu_s": statistics.median(cpu),
                "median_s": statistics.median(latencies), "max_s": max(latencies)}
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
             "documents index, the timeline and every page it points at (its backlinks) serve the new title over HTTP.",
             "",
             "| documents | first build s | edits | pages checked per edit | median s | max s | server CPU s per edit (median) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['documents']:,} | {r['first_build_s']:.1f} | {len(r['latencies_s'])} | "
                     f"{statistics.median(r['pages_checked']):.0f} | {r['median_s']:.2f} | {r['max_s']:.2f} | "
                     f"{r['cpu_s']:.2f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docs", type=Path, help="an authored corpus (e.g. one written by tools/synth.py)")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    result = measure(args.docs.resolve(), args.edits)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
