"""The benchmark's tools (scripts/tools/): the corpus shaped like the record, and how bench measures a
process tree's memory and the largest page. Plain functions, no build."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter

from archive.content import graph
from archive.content.validate import check
from archive.pages import wholerecord
from tools import bench, preview_bench, proctree
from tools.synth import HUB_SOURCES, write_corpus


def test_the_bench_corpus_is_valid_and_shaped_like_the_record(tmp_path):
    write_corpus(tmp_path, documents=60, seed=4)
    corpus, errors = check(tmp_path)
    assert errors == []
    documents = corpus.of_type("document")
    relations = graph.build(corpus)
    # Hubs: one originator, one release and a few files for every document; a few press sources cited by most.
    assert len({tuple(d.get("originator")) for d in documents}) == 1
    assert len({d.get("release") for d in documents}) == 1
    files = Counter(d.get("file") for d in documents)
    assert len(files) == len(corpus.of_type("file")) and min(files.values()) > 10
    hubs = sorted(corpus.of_type("source"), key=lambda s: -len(relations.cited_by.get(s.id, {})))[:HUB_SOURCES]
    assert all(len(relations.cited_by[s.id]) > len(documents) / HUB_SOURCES for s in hubs)
    # Long, heavily cited pages with discrepancy blocks and Japanese text, as the record's own.
    citations = [sum(relations.cited_by.get(s.id, {}).get(d.id, 0) for s in corpus.of_type("source")) for d in documents]
    assert sorted(citations)[len(citations) // 2] >= 20
    assert sum(bool(d.get("discrepancies")) for d in documents) >= len(documents) / 4
    assert all("「" in d.body and "## " in d.body for d in documents)


def test_a_process_tree_counts_the_memory_and_cpu_of_its_descendants():
    """The benchmarks' figures include what a build's children and their children use (Node, Pagefind)."""
    code = ("import os, sys, time; b = b'y' * (300 * 2**20); t = time.process_time()\n"
            "while time.process_time() - t < 0.5: pass\n"
            "os.write(1, b'x'); sys.stdin.read()")  # written: resident; half a second of CPU first
    parent = subprocess.Popen([sys.executable, "-c", f"import subprocess, sys; subprocess.run([sys.executable, '-c', {code!r}])"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert parent.stdout.read(1) == b"x"  # the grandchild holds its 300 MB
        assert proctree.pss(parent.pid) >= 300 * 2**20  # the grandchild's own memory, counted in its grandparent's tree
        own = sum(int(v) for v in proctree.tree(parent.pid)[parent.pid][11:15]) / os.sysconf("SC_CLK_TCK")
        assert own < 0.5 <= proctree.cpu(parent.pid)  # and its CPU time, before anyone has waited for it
    finally:
        parent.stdin.close()
        parent.wait()
    assert proctree.pss(parent.pid) == 0 and proctree.tree(parent.pid) == {}


def test_peak_names_the_process_that_holds_the_peak_and_keeps_the_commands_exit_code():
    """tools/peak.py: the make-up of a command's peak memory, process by process."""
    from support.site import ROOT

    code = "holder = 1; import time; b = b'y' * (200 * 2**20); time.sleep(2); raise SystemExit(3)"
    parent = f"import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-c', {code!r}]).returncode)"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "tools" / "peak.py"), sys.executable, "-c", parent],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    head, *rows = done.stderr.strip().splitlines()
    assert head.startswith("peak ") and int(head.split()[1].replace(",", "")) >= 200
    assert len(rows) == 2 and "holder" in rows[0] and int(rows[0].split()[0].replace(",", "")) >= 200, done.stderr


def test_a_page_growing_moves_only_the_volumes_near_it():
    """One page longer or shorter by a little changes at most the volumes around it, never their number:
    the volume each later page names stays as it was (the live preview then remakes a few pages, not
    every later one). Cutting at the limit alone fails this: the first moved cut moves every later one."""
    rng = random.Random(1989)
    paths = [f"documents/d{i:05d}.md" for i in range(3000)]
    sizes = {p: rng.randint(4_000, 30_000) for p in paths}
    order = [("Documents", paths)]

    def runs(sizes):
        return [tuple(run) for v in wholerecord.volumes(order, sizes, 320_000, str) for _, run in v.sections]

    before = runs(sizes)
    moved = []
    for _ in range(300):
        page = rng.choice(paths)
        after = runs({**sizes, page: sizes[page] + rng.choice([-400, -40, 40, 400])})
        assert len(after) == len(before)
        moved.append(len(set(after) - set(before)))
    assert max(moved) <= 5
    assert any(moved)  # some did move: the sizes were near a cut


def test_largest_page_is_the_largest_html_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("x" * 10)
    (tmp_path / "index.html").write_text("x" * 5)
    (tmp_path / "data.json").write_text("x" * 100)  # a download, not a page
    assert bench.largest_page(tmp_path) == ("a/index.html", 10)


def test_volumes_cut_each_section_into_runs_within_the_limit():
    order = [("Essays", ["e1.md"]), ("Documents", [f"d{i}.md" for i in range(10)])]
    sizes = {"e1.md": 50, **{f"d{i}.md": 30 for i in range(10)}, "d4.md": 500}
    volumes = wholerecord.volumes(order, sizes, 100, lambda run: f"{run[0]}–{run[-1]}")
    runs = [paths for v in volumes for _, paths in v.sections]
    assert [p for run in runs for p in run] == [p for _, paths in order for p in paths]  # each once, in order
    assert all(len(run) == 1 or sum(sizes[p] for p in run) <= 100 for run in runs)
    assert ["d4.md"] in runs  # a page longer than a volume is a volume of its own
    assert all(len(v.sections) == 1 for v in volumes)  # a volume holds one type's pages
    assert [v.md_path for v in volumes] == [f"print_page/volume-{n}.md" for n in range(1, len(volumes) + 1)]
    assert wholerecord.volumes(order, sizes, 10_000, str)[0].md_path == wholerecord.SOURCE  # all fits: one page


def test_phases_times_each_step_of_a_real_build_in_order(tmp_path):
    """tools/phases.py: the build's own command line, with each step's start and end on stderr in the
    order the build runs them, and the site built as `build.py site` builds it."""
    from support.site import FIXTURE_DOCS, ROOT

    site = tmp_path / "site"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "tools" / "phases.py"), "site", "--docs", str(FIXTURE_DOCS),
                           "--out", str(tmp_path / "generated"), "--site", str(site), "--no-cache"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    steps = [line.split("] ", 1)[1] for line in done.stderr.splitlines() if line.startswith("[")]

    def at(step):
        found = [n for n, line in enumerate(steps) if line.startswith(step)]
        assert found, (step, steps)
        return found[0]

    # The build's own steps in turn; Pagefind runs in a forked step started at on_env, which the build
    # waits for before it ends.
    main = ["start generate", "end generate", "start MkDocs: on_pre_build", "start MkDocs: every page's Markdown rendered",
            "start MkDocs: every page written", "start printed volumes: fill", "start Content-Security-Policy",
            "end MkDocs: every page written"]
    assert [at(step) for step in main] == sorted(at(step) for step in main), steps
    assert at(main[3]) < at("start search: waiting for Pagefind") < at("end search: waiting for Pagefind") < at(main[-1])
    assert steps[-1] == "end"
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()


def test_the_preview_bench_waits_for_the_reload_signal_then_finds_every_page_current(tmp_path):
    """preview_bench.measure against a real `build.py serve`: each edit is found current on every page that
    showed the old title (the document, its listings, its backlinks) once the reload signal came, the
    signal before the pages were checked, and the preview settled again after each edit."""
    write_corpus(tmp_path / "docs", documents=30, seed=2)
    result = preview_bench.measure(tmp_path / "docs", edits=2, work=tmp_path)
    assert len(result["latencies_s"]) == len(result["pages_checked"]) == 2
    assert all(n >= 4 for n in result["pages_checked"])  # its page, the index, the timeline, what it points at
    assert result["late"] == [0, 0]  # every page current when the signal came, none found by polling after it
    assert all(0 < signal <= seen <= settled for signal, seen, settled
               in zip(result["signals_s"], result["latencies_s"], result["settled_s"]))
