#!/usr/bin/env python3
"""Where a build's time goes, step by step: `build.py`'s own command line, with a line on stderr as each
step starts and ends (seconds since the start; CPU seconds of this process and of its children, Node and
Pagefind among them, as the system has counted them so far).

    python scripts/tools/phases.py site --docs DOCS --out OUT --site SITE --cache CACHE

The steps are the Build's, timed from outside (the engine has no timing code of its own): generating
the Markdown tree, MkDocs turning every page's Markdown into HTML (from `on_pre_build` to `on_env`),
the templates (to `on_post_build`), and what the build waits for after them: the printed volumes, the
Content-Security-Policy pass and Pagefind. A forked step's own lines (the volumes' bodies, Pagefind's
start and the wait for it) come from its child process and give that child's CPU; the build counts a
child's CPU under "children" once the child has ended.
"""

from __future__ import annotations

import functools
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import cli  # noqa: E402
from archive.pages import state, wholerecord  # noqa: E402
from archive.site import build, csp, search  # noqa: E402

STARTED, MAIN = time.perf_counter(), os.getpid()


def mark(what: str) -> None:
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    where = "" if os.getpid() == MAIN else f" in forked step {os.getpid()}"  # its CPU: the child's own
    print(f"[{time.perf_counter() - STARTED:7.1f} s | CPU {own.ru_utime + own.ru_stime:7.1f} s, "
          f"children {children.ru_utime + children.ru_stime:7.1f} s{where}] {what}", file=sys.stderr, flush=True)


def timed(owner, name: str, label: str | None = None) -> None:
    """Replace owner.name by the same function marking its start and end."""
    fn, label = getattr(owner, name), label or name

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        mark(f"start {label}")
        try:
            return fn(*args, **kwargs)
        finally:
            mark(f"end {label}")

    setattr(owner, name, wrapper)


STEPS = [
    (build.Build, "generate", "generate (check, pages, open data)"),
    (state, "restore", "generation's state: restore"),
    (build.Build, "on_pre_build", "MkDocs: on_pre_build"),
    (build.Build, "on_env", "MkDocs: every page's Markdown rendered; on_env"),
    (build.Build, "on_post_build", "MkDocs: every page written; on_post_build"),
    (wholerecord, "bodies", "printed volumes: bodies (a forked step)"),
    (wholerecord, "fill", "printed volumes: fill"),
    (csp.Policy, "finish", "Content-Security-Policy: finish"),
    (search.Indexer, "start", "search: Pagefind started (a forked step)"),
    (search.Indexer, "wait", "search: waiting for Pagefind"),
]


def main(argv: list[str] | None = None) -> int:
    for owner, name, label in STEPS:
        timed(owner, name, label)
    mark("start")
    code = cli.main(argv)
    mark("end")
    return code


if __name__ == "__main__":
    sys.exit(main())
