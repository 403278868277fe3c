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


# Work beside the build runs at a lower priority than the build itself: with two CPUs and two
# children, the main process (generation, then MkDocs: the path everything waits on) otherwise gets
# two thirds of a CPU. Measured at 10,000 documents: the pages took 13.2 s to render beside two
# children at equal priority, 8 s alone. A child still has a whole CPU when the build waits for it.
NICE = 10


class Job:
    def __init__(self, value=None, process=None, pipe=None, error=None):
        self._value, self._process, self._pipe, self._error = value, process, pipe, error

    def result(self):
        if self._error is not None:
            raise self._error
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


def settle(*jobs: Job | None) -> None:
    """After a failed build: wait for the jobs' children (None: no job), keeping neither results nor
    errors, so none still writes into a folder the caller is about to remove."""
    for job in jobs:
        if job is not None:
            try:
                job.result()
            except Exception:  # noqa: BLE001 - the build's own error is the one reported
                pass


def _child(pipe, fn, args, nice) -> None:
    os.nice(nice)
    try:
        pipe.send((True, fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        pipe.send((False, exc))
    finally:
        pipe.close()


def can_fork() -> bool:
    return threading.active_count() == 1 and (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def beside(fn, *args, nice: int = NICE) -> Job:
    """fn(*args) in a forked child when that is safe and useful, else now. `nice`: the child's priority
    below this process (os.nice); a step wanted later than others can yield to them with a higher one."""
    if not can_fork():
        try:
            return Job(fn(*args))
        except Exception as exc:  # noqa: BLE001 - raised by result(), as from a child
            return Job(error=exc)
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(writer, fn, args, nice), daemon=True)
    process.start()
    writer.close()
    return Job(process=process, pipe=reader)
