"""How a build runs its self-contained steps: in order (Serial, the reference) or beside the build in
forked children (Parallel, what `make site` uses). Either way a step gives the same result and its
exception is raised again by result(); tests build both ways and compare the sites.

MkDocs renders on one CPU. A step that shares nothing with the rest (the cite boxes and open data,
the bibliography's citeproc run, the citation records written into the site, the whole-record page)
can use a second one. A forked child sees the parent's data as it was, so nothing is copied in; only
the result comes back, pickled through a pipe (with, for a step run through the generation's memo,
what the memo is to keep: tree.Memo.beside). Forking is only safe in a process with no other
threads (under `mkdocs serve` the live-reload server has some): there, and where fork or a second CPU
is missing, Parallel runs the step in place.

halves() is the exception: a computation over many items (the live preview's pages, Markdown to HTML),
half of it in a child forked even beside other threads, because that child only computes, writes its
result into a pipe and ends without flushing a stream or taking a lock another thread may have held.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import threading
import warnings
from itertools import accumulate

# How far below the build's priority a step runs (os.nice). Most run below it, so that the main
# process (generation, then MkDocs: the path everything waits on) keeps a whole CPU; a child still has
# one when the build waits for it. A step the main process will wait for however early it starts runs
# at the build's own priority (FIRST); one wanted after the others runs on what they leave (LATER).
FIRST, BESIDE, LATER = 0, 10, 19


class Job:
    """A step's outcome: its value or its error, or the child still computing it."""

    def __init__(self, value=None, process=None, pipe=None, error=None):
        self._value, self._process, self._pipe, self._error = value, process, pipe, error

    def result(self):
        if self._process is not None:
            self._collect()
        if self._error is not None:
            raise self._error
        return self._value

    def _collect(self) -> None:
        try:
            ok, value = self._pipe.recv()  # before join: a large result would block the child's exit
        except EOFError:
            ok, value = False, RuntimeError(f"a build step died (exit code {self._process.exitcode})")
        finally:
            self._process.join()
            self._pipe.close()
        self._process = None
        self._value, self._error = (value, None) if ok else (None, value)


def settle(*jobs: Job | None) -> None:
    """After a failed build: wait for the jobs' children (None: no job), keeping neither results nor
    errors, so none still writes into a folder the caller is about to remove."""
    for job in jobs:
        if job is not None:
            try:
                job.result()
            except Exception:  # noqa: BLE001 - the build's own error is the one reported
                pass


class Serial:
    """Every step now, in this process: the plain path."""

    forked = 0  # steps run in a child: none

    def beside(self, fn, *args, nice: int = BESIDE) -> Job:
        """fn(*args); `nice`: how far below the build it runs, where it runs in a child (FIRST, BESIDE, LATER)."""
        try:
            return Job(fn(*args))
        except Exception as exc:  # noqa: BLE001 - raised by result(), as from a child
            return Job(error=exc)


class Parallel(Serial):
    """Each step in a forked child at a lower priority where that is safe and useful, else now."""

    def __init__(self):
        self.forked = 0

    @staticmethod
    def can_fork() -> bool:
        return (threading.active_count() == 1 and (os.cpu_count() or 1) > 1
                and "fork" in multiprocessing.get_all_start_methods())

    def beside(self, fn, *args, nice: int = BESIDE) -> Job:
        if not self.can_fork():
            return super().beside(fn, *args)
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(writer, fn, args, nice), daemon=True)
        process.start()
        writer.close()
        self.forked += 1
        return Job(process=process, pipe=reader)


def _child(pipe, fn, args, nice) -> None:
    if nice:
        os.nice(nice)
    try:
        pipe.send((True, fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        pipe.send((False, exc))
    finally:
        pipe.close()


def halves(fn, items: list, weight) -> list:
    """[fn(item) for item in items], the items after the first half of their total `weight(item)`
    computed by a forked child meanwhile, where fork and a second CPU are there. `fn` must only compute:
    its results come back pickled; whatever else it changes in the child is lost. If the child fails
    (an error, or it died), its items are computed here, so an error is raised as the plain path raises it."""
    if len(items) < 2 or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return [fn(item) for item in items]
    sums = list(accumulate(weight(item) for item in items))
    cut = min(max(sum(1 for s in sums if s <= sums[-1] / 2), 1), len(items) - 1)  # each side has an item
    reader, writer = os.pipe()
    with warnings.catch_warnings():  # Python 3.12 warns of any fork beside threads: this one is safe (the module's docstring)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: compute, write, end at once (os._exit: no atexit, no stream flushed)
        os.close(reader)
        gc.disable()  # short-lived: a collection would only touch (and copy) the parent's pages
        try:
            data = pickle.dumps([fn(item) for item in items[cut:]], pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent computes these items itself and raises it
            data = b""
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(writer, view):]
        finally:
            os._exit(0)
    os.close(writer)
    try:
        ours = [fn(item) for item in items[:cut]]
        with os.fdopen(reader, "rb") as pipe:
            reader = None
            data = pipe.read()
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        if reader is not None:
            os.close(reader)
        status = os.waitpid(pid, 0)[1]
    if status != 0 or not data:  # died, or its fn raised: the plain path, here
        return ours + [fn(item) for item in items[cut:]]
    return ours + pickle.loads(data)
