#!/usr/bin/env python3
"""`make bench`: our pipeline against a bare `mkdocs build` over the same Markdown, at 1,000 and 10,000 documents.

For each size a synthetic corpus (archive/synth.py) is written, then:
- ours, cold: `scripts/build.py site` (check + generate + MkDocs with our theme overrides, hooks and
  search index) into a fresh site, with an empty cache: every citation formatted by citeproc-js;
- ours, warm: after an editor's edit (the first document retitled), the same build again into a
  fresh tree and site, with what the cold build kept: the citations it formatted
  (archive/citation/kept.py) and the state of its generation (archive/pages/state.py), as the
  editor's next `make site` finds them;
- bare: `mkdocs build` of the Markdown tree ours generated, with Material, the same Markdown
  extensions, theme features and nav, but none of our additions (no hooks, no theme overrides, no
  extra CSS/JS, no post-processing), and Material's default search plugin.
Feeding bare the generated tree (not the authored one) is what makes the ratio fair: the authored
pages are not valid MkDocs input on their own (citations and [[id]] links would render as text
and the index, timeline and bibliography pages would be missing), so bare would render less. The
ratio therefore measures exactly what our generation and enrichment add on top of MkDocs's
own rendering of the same pages.

With `--baseline REV`, the same corpus is also built, run for run in turn with ours, by the engine of
another commit (checked out into a temporary git worktree), with the citations ours' cold build kept
(not the state of ours' generation, which serves one engine only): the table then gives ours warm
against it, on the same machine in the same minutes.

Each build runs in a child process. Its peak memory is that of the whole process tree (the build,
its forked steps, Node, Pagefind): the sum of their proportional set sizes (a page shared by a forked
child and its parent counts once), sampled every 0.1 s from /proc. Timings on a shared machine are noisy:
the table says how many runs each figure is the median of.

The live-preview columns come from tools/preview_bench.py (`--preview-edits N`, 0 skips it, "-"): the
first build of `build.py serve`, and the median time from an edit of one document to the preview
serving it on every page that shows it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from archive.citation.versions import read_identity  # noqa: E402
from archive.site import publish, search  # noqa: E402
from tools import preview_bench, proctree  # noqa: E402
from tools.synth import write_corpus  # noqa: E402

PY = sys.executable


class _TreePeak(threading.Thread):
    """Samples a process tree's memory (proctree.pss) until stopped; `peak` is the largest sum seen."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak = max(self.peak, proctree.pss(self.pid))


def run(cmd: list[str], **kwargs) -> tuple[float, int, float]:
    """Run a child to completion; (wall seconds, peak memory of its process tree in bytes, CPU seconds).
    Raises if it fails.

    CPU seconds (user + system, the child and its descendants) are what the build costs; wall time is
    what a person waits, and on a shared machine it also counts other people's work.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)
    sampler = _TreePeak(proc.pid)
    sampler.start()
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stderr.write(output.decode("utf-8", "replace")[-4000:])
        raise SystemExit(f"bench: {' '.join(cmd[:4])} ... failed")
    return seconds, sampler.peak, usage.ru_utime + usage.ru_stime


def bare_config(work: Path, generated: Path, site: Path) -> Path:
    """Our mkdocs.yml without our additions: hooks, theme overrides, extra CSS/JS and plugin settings."""
    config = publish.settings(ROOT / "mkdocs.yml")
    config["site_name"] = read_identity(ROOT / "CITATION.cff").name  # the hooks set it in our build
    for key in ("config_file_path", "hooks", "extra_css", "extra_javascript", "watch", "plugins", "extra"):
        config.pop(key, None)
    config["theme"].pop("custom_dir", None)
    config.update(docs_dir=str(generated), site_dir=str(site))
    path = work / "bare-mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("index.html") if p.parent != site / "search"]


def largest_page(site: Path) -> tuple[str, int]:
    """(site path, bytes) of the largest HTML page: the downloads (data, citations, search index) are not HTML."""
    size, path = max((p.stat().st_size, p) for p in site.rglob("*.html"))
    return path.relative_to(site).as_posix(), size


def median_document_kb(site: Path) -> float:
    sizes = [p.stat().st_size for p in (site / "documents").glob("*/index.html")]
    return statistics.median(sizes) / 1024


def _site(root: Path, docs: Path, generated: Path, site: Path, *flags: str) -> tuple[float, int, float]:
    """`build.py site` of the engine under `root` (ours, or a baseline's worktree) into a fresh tree and site."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(generated, ignore_errors=True)
    return run([PY, str(root / "scripts" / "build.py"), "site", "--docs", str(docs), "--out", str(generated),
                "--site", str(site), *flags])


def bench_size(documents: int, work: Path, runs: int, baseline: Path | None = None, serial: bool = False,
               preview_edits: int = 0) -> dict:
    docs, generated = work / "docs", work / "generated"
    write_corpus(docs, documents)  # nothing else from docs/: its URL manifest and changelog describe the real record
    preview = preview_bench.measure(docs, preview_edits, work) if preview_edits else None
    ours_site, bare_site = work / "site-ours", work / "site-bare"
    build = [PY, str(ROOT / "scripts" / "build.py")]
    check_times = [run(build + ["check", "--docs", str(docs)])[0] for _ in range(3)]
    ours, warm, bare, base, plain = [], [], [], [], []
    cache = work / "cache"
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        ours.append(_site(ROOT, docs, generated, ours_site, "--cache", str(cache)))
        preview_bench.retitle(sorted((docs / "documents").glob("*.md"))[0], f"Retitled before warm build {len(warm) + 1}")
        warm.append(_site(ROOT, docs, generated, ours_site, "--cache", str(cache)))
        if baseline:
            base.append(_site(baseline, docs, work / "generated-baseline", work / "site-baseline", "--cache", str(cache)))
        if serial:
            plain.append(_site(ROOT, docs, work / "generated-serial", work / "site-serial", "--serial", "--no-cache"))
        shutil.rmtree(bare_site, ignore_errors=True)
        config = bare_config(work, generated, bare_site)
        bare.append(run([PY, "-m", "mkdocs", "build", "-q", "-f", str(config)], cwd=work))
    ours_s, bare_s = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in bare)
    ours_cpu, bare_cpu = statistics.median(r[2] for r in ours), statistics.median(r[2] for r in bare)
    warm_s, warm_cpu = statistics.median(r[0] for r in warm), statistics.median(r[2] for r in warm)
    pages = len(html_pages(ours_site))
    first_result = search.first_result_bytes(ours_site)
    largest, largest_bytes = largest_page(ours_site)
    extra = {}
    if preview:  # the table's two columns, and preview_bench's own table after it
        extra = {"preview": preview, "preview_first_s": preview["first_build_s"], "preview_edit_s": preview["median_s"]}
    if serial:
        extra["serial_s"] = statistics.median(r[0] for r in plain)
        extra["serial_cpu"] = statistics.median(r[2] for r in plain)
    if baseline:
        base_s, base_cpu = statistics.median(r[0] for r in base), statistics.median(r[2] for r in base)
        extra |= {"base_s": base_s, "base_cpu": base_cpu, "vs_base": warm_s / base_s, "cpu_vs_base": warm_cpu / base_cpu}
    return {
        **extra,
        "documents": documents,
        "pages": pages,
        "check_s": statistics.median(check_times),
        "ours_s": ours_s,
        "bare_s": bare_s,
        "ratio": ours_s / bare_s,
        "ours_cpu": ours_cpu,
        "bare_cpu": bare_cpu,
        "cpu_ratio": ours_cpu / bare_cpu,
        "warm_s": warm_s,
        "warm_cpu": warm_cpu,
        "warm_ratio": warm_s / bare_s,
        "warm_cpu_ratio": warm_cpu / bare_cpu,
        "ours_ms_page": 1000 * warm_s / pages,
        "bare_ms_page": 1000 * bare_s / len(html_pages(bare_site)),
        "largest": largest,
        "largest_kb": largest_bytes / 1024,
        "ours_mb": max(r[1] for r in ours + warm) / 2**20,
        "bare_mb": max(r[1] for r in bare) / 2**20,
        "ours_doc_kb": median_document_kb(ours_site),
        "bare_doc_kb": median_document_kb(bare_site),
        "ours_index": search.index_bytes(ours_site),
        "first_result": first_result,
        "bare_index": (bare_site / "search" / "search_index.json").stat().st_size,
    }


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} CPUs ({cpu}), {mem / 2**20:.0f} GB RAM, Python {platform.python_version()}"


def _row(r: dict) -> str:
    """One size's row of the table."""
    mb = lambda n: f"{n / 2**20:.2f} MB"  # noqa: E731
    preview = " / ".join(f"{r[k]:.1f}" if k in r else "-" for k in ("preview_first_s", "preview_edit_s"))
    return (
        f"| {r['documents']:,} | {r['pages']:,} | {r['ours_s']:.1f} / {r['warm_s']:.1f} | {r['bare_s']:.1f} "
        f"| {r['ratio']:.2f} / {r['warm_ratio']:.2f} "
        f"| {r['ours_cpu']:.1f} / {r['warm_cpu']:.1f} / {r['bare_cpu']:.1f} | {r['cpu_ratio']:.2f} / {r['warm_cpu_ratio']:.2f} "
        f"| {r['ours_ms_page']:.1f} | {r['bare_ms_page']:.1f} | {r['ours_mb']:.0f} / {r['bare_mb']:.0f} "
        f"| {r['ours_doc_kb']:.1f} / {r['bare_doc_kb']:.1f} | {r['largest']} ({r['largest_kb']:,.0f}) "
        f"| {mb(r['first_result'])} / {mb(r['ours_index'])} | {mb(r['bare_index'])} | {r['check_s']:.2f} | {preview} |"
    )


def table(rows: list[dict], runs: int) -> str:
    lines = [
        f"Machine: {machine()}. Build times are the median of {runs} run(s); check time the median of 3.",
        "",
        "Ours cold: an empty cache; warm: after one document is retitled, again with what the cold build kept "
        "(its citations and the state of its generation).",
        "",
        "| documents | pages | ours s cold / warm | bare s | ratio cold / warm | CPU s ours cold / warm / bare "
        "| CPU ratio cold / warm | ours ms/page (warm) | bare ms/page | peak MB ours/bare "
        "| doc page KB ours/bare | largest page (KB) | search: first result / whole index (ours) | bare lunr index "
        "| check s | preview: first page s / edit shown s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    lines += [_row(r) for r in rows]
    if "vs_base" in rows[0]:
        lines += ["", "Against the baseline, the same corpora built in turn with ours, both warm:", "",
                  "| documents | ours s | baseline s | ours / baseline | CPU s ours / baseline | CPU ours / baseline |",
                  "|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['documents']:,} | {r['warm_s']:.1f} | {r['base_s']:.1f} | {r['vs_base']:.2f} "
                  f"| {r['warm_cpu']:.1f} / {r['base_cpu']:.1f} | {r['cpu_vs_base']:.2f} |" for r in rows]
    if "serial_s" in rows[0]:
        lines += ["", "The speed seam: ours (steps beside the build, forked) against its plain serial path (--serial):", "",
                  "| documents | ours s | serial s | ours / serial | CPU s ours / serial |", "|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['documents']:,} | {r['ours_s']:.1f} | {r['serial_s']:.1f} | {r['ours_s'] / r['serial_s']:.2f} "
                  f"| {r['ours_cpu']:.1f} / {r['serial_cpu']:.1f} |" for r in rows]
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        scale = b["documents"] / a["documents"]
        lines += ["", f"Growth from {a['documents']:,} to {b['documents']:,} documents (x{scale:.0f}; 1.00 = linear): "
                  + ", ".join(f"{name} time x{b[k] / a[k]:.1f} ({b[k] / a[k] / scale:.2f})"
                              for name, k in (("cold", "ours_s"), ("warm", "warm_s"), ("bare", "bare_s"))) + "."]
    lines += ["", "Targets: ratio <= 1.10 (CPU <= 1.25), linear growth, no page but downloads over ~1 MB, "
              "document pages <= 40 KB, check <= 1 s at 1,000 documents, search download before the first result < 1 MB; "
              "preview: an edit shown within 2 s at 1,000 documents, 5 s at 10,000. Peak MB: the whole process tree's PSS."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=1, help="builds per size (the median is reported)")
    parser.add_argument("--keep", type=Path, help="keep the work trees under this folder")
    parser.add_argument("--baseline", metavar="REV", help="also build each corpus with the engine of this commit")
    parser.add_argument("--serial", action="store_true", help="also build each corpus with our plain serial path")
    parser.add_argument("--preview-edits", type=int, default=5, help="edits timed in the live preview per size (0: none)")
    args = parser.parse_args()
    rows = []
    base = args.keep or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    baseline = base / "baseline" if args.baseline else None
    try:
        if baseline:
            subprocess.run(["git", "worktree", "add", "--detach", "-f", str(baseline), args.baseline], cwd=ROOT,
                           check=True, capture_output=True)
            # The baseline formats citations with our citeproc-js (`make cite` installs it, not git).
            (baseline / "cite" / "node_modules").symlink_to(ROOT / "cite" / "node_modules")
        for size in args.sizes:
            work = base / f"n{size}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            try:
                rows.append(bench_size(size, work, args.runs, baseline, args.serial, args.preview_edits))
            except preview_bench.PreviewBenchFailed as exc:
                print(f"bench: the live preview at {size:,} documents: {exc}", file=sys.stderr)
                return 1
            print(_row(rows[-1]), flush=True)
    finally:
        if baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, capture_output=True)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print()
    print(table(rows, args.runs))
    if any("preview" in row for row in rows):
        print()
        print(preview_bench.table([row["preview"] | {"documents": row["documents"]} for row in rows if "preview" in row]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
