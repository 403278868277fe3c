#!/usr/bin/env python3
"""What the build's memory holds: `python scripts/tools/memory.py DOCS [--trace N]` builds DOCS as
`build.py site` does and prints the main process's resident memory at each stage (after checking
and generating, once MkDocs has rendered every page's Markdown, at the end) with the sizes of what
the build keeps meanwhile; `--trace N` also prints tracemalloc's N largest allocation sites at the
peak stage (several times slower: for small corpora).

For `make bench`'s peak-memory column: bench gives the whole process tree's peak; this says which
of the main process's data makes it up.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from archive.site.build import Build  # noqa: E402

MB = 2**20


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Measured(Build):
    """The build of `make site`, noting its memory as MkDocs's events pass."""

    def __init__(self, *args, trace: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.trace, self.notes = trace, []

    def note(self, stage: str, **held: int) -> None:
        self.notes.append((stage, rss(), held))

    def on_env(self, files, config) -> None:
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        self.note("every page's Markdown rendered (on_env)",
                  generated_markdown=sum(len(t) for t in self.generated.pages.values()),
                  mkdocs_pages_markdown=sum(len(p.markdown or "") for p in pages),
                  mkdocs_pages_html=sum(len(p.content or "") for p in pages),
                  kept_for_whole_record=sum(len(p.html) for p in self._run.printed.values()))
        if self.trace:
            top = tracemalloc.take_snapshot().statistics("lineno")[: self.trace]
            self.notes.append(("tracemalloc, largest sites", 0, {str(s.traceback[0]): s.size for s in top}))
        super().on_env(files, config)

    def on_post_build(self, config) -> None:
        super().on_post_build(config)
        self.note("end of the build (on_post_build)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docs", type=Path)
    parser.add_argument("--trace", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.trace:
        tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="archive-memory-") as work:
        # A cache of its own: the state it keeps (pages/state.py) would replace the editor's in build/cache.
        build = Measured.from_config(ROOT / "mkdocs.yml", docs=args.docs.resolve(), out=Path(work) / "generated",
                                     cache=Path(work) / "cache", trace=args.trace)
        build.note("start")
        build.generate()
        build.note("checked and generated", generated_markdown=sum(len(t) for t in build.generated.pages.values()))
        gc.collect()
        gc.freeze()  # as build.py site does
        try:
            build.publish(ROOT / "mkdocs.yml", Path(work) / "site")
        finally:
            build.finish()
    for stage, resident, held in build.notes:
        print(f"{stage}: " + (f"{resident / MB:,.0f} MB resident" if resident else ""))
        for name, size in held.items():
            print(f"    {name}: {size / MB:,.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
