"""Run slow, self-contained steps in forked children while the build goes on with the rest.

MkDocs renders on one CPU; generation can use a second one for steps that share nothing with the
rest (formatting the bibliography with citeproc-py, about 11 ms per source; the cite boxes, head
metadata and open data). A forked child sees the parent's data as it was, so nothing is copied in;
only the result comes back, pickled through a pipe. Forking is only safe in a process with no other
threads (under `mkdocs serve` the live-reload server has some), so there, and where fork or a second
CPU is missing, a step simply runs in place. Either way the result is the same, and the step's
exception is raised again by result().
"""

from __future__ import annotations

import multiprocessing
import os
import threading


class Job:
    def __init__(self, value=None, process=None, pipe=None):
        self._value, self._process, self._pipe = value, process, pipe

    def result(self):
        if self._process is None:
            return self._value
        try:
            ok, value = self._pipe.recv()  # before join: a large result would block the child's exit
        except EOFError:
            ok, value = False, RuntimeError(f"a build step died (exit code {self._process.exitcode})")
        finally:
            self._process.join()
            self._pipe.close()
        self._process = None
        if not ok:
            raise value
        self._value = value
        return value


def _child(pipe, fn, args) -> None:
    try:
        pipe.send((True, fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        pipe.send((False, exc))
    finally:
        pipe.close()


def can_fork() -> bool:
    return threading.active_count() == 1 and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def beside(fn, *args) -> Job:
    """fn(*args) in a forked child when that is safe and useful, else now."""
    if not can_fork():
        return Job(fn(*args))
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(writer, fn, args), daemon=True)
    process.start()
    writer.close()
    return Job(process=process, pipe=reader)
