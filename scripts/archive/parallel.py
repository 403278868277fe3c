"""Run a slow, self-contained step in a forked child while the build goes on with the rest.

MkDocs renders on one CPU; generation can use a second one for a step that shares nothing with the
others (formatting the bibliography with citeproc-py: about 11 ms per source). Forking is only safe
in a process with no other threads (under `mkdocs serve` the live-reload server has some), so there,
and where fork or a second CPU is missing, the step simply runs in place. Either way the result is
the same; the child's exceptions are raised again by result().
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor


def _done(fn, args) -> Future:
    future: Future = Future()
    future.set_result(fn(*args))
    return future


def beside(fn, *args) -> Future:
    """fn(*args) in a forked child when that is safe and useful, else now; `fn` must be a module-level function."""
    if threading.active_count() > 1 or (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _done(fn, args)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(fn, *args)
    pool.shutdown(wait=False)  # the child exits once it has returned the one result
    return future
