"""archive/runner.py: a step run beside the build gives what it gives in place, errors included."""

from __future__ import annotations

import os

import pytest

from archive import runner


def _fails(message):
    raise ValueError(message)


RUNNERS = [runner.Serial, runner.Parallel]


@pytest.fixture
def forking(monkeypatch):
    """A Parallel runner that forks even where pytest's process has other threads (a test server's):
    the steps here start no thread of their own, so the child is safe."""
    monkeypatch.setattr(runner.Parallel, "can_fork", staticmethod(lambda: True))
    return runner.Parallel()


def test_parallel_runs_each_step_in_a_child_and_returns_its_result(forking):
    first, second = forking.beside(os.getpid), forking.beside(pow, 3, 4)  # two at once
    assert first.result() != os.getpid() and forking.forked == 2
    assert second.result() == 81 and second.result() == 81


def test_serial_runs_each_step_now():
    serial = runner.Serial()
    assert serial.beside(os.getpid).result() == os.getpid() and serial.forked == 0


def test_a_child_runs_as_far_below_the_build_as_its_step_asks(forking):
    # The bibliography, which the tree waits for, at the build's own priority; the others below it.
    here = os.nice(0)
    got = {level: forking.beside(os.nice, 0, nice=level).result() for level in (runner.FIRST, runner.BESIDE, runner.LATER)}
    assert got == {level: min(here + level, 19) for level in (runner.FIRST, runner.BESIDE, runner.LATER)}
    assert os.nice(0) == here


def test_a_child_returns_a_large_result_whole(forking):
    text = "記録" * 2_000_000  # more than a pipe holds: the child must not block on exit
    assert forking.beside(str.upper, text).result() == text


@pytest.mark.parametrize("make", RUNNERS)
def test_the_steps_error_is_raised_by_result_not_by_beside(make, forking):
    """A caller that keeps the job for later gets the error where it asks for the result."""
    steps = forking if make is runner.Parallel else make()
    job = steps.beside(_fails, "no such source")
    with pytest.raises(ValueError, match="no such source"):
        job.result()


def test_settle_waits_for_every_job_and_keeps_no_error(forking):
    jobs = [forking.beside(_fails, "first"), None, forking.beside(pow, 2, 5)]
    runner.settle(*jobs)  # no error raised
    assert jobs[2].result() == 32


def _rows(memo, pages):
    """A step that keeps a part per page in the memo, as the open data does (opendata.archive)."""
    return [memo(("row", page.id), [page], lambda p=page: (p.title, os.getpid())) for page in pages]


def test_what_a_forked_step_computes_is_kept_by_the_parents_memo(forking):
    from archive.content.read import Entity
    from archive.pages.tree import Memo

    pages = [Entity(f"docs/essays/{n}.md", {"id": n, "type": "essay", "title": n.upper()}, {}, "", 5, 4) for n in "ab"]
    memo = Memo()
    rows = memo.beside(forking, "rows", pages, _rows, memo, pages).result()
    assert forking.forked == 1 and [title for title, _ in rows] == ["A", "B"] and rows[0][1] != os.getpid()
    # Kept here with this process's own pages, as if computed here: asked again, nothing is forked or computed.
    assert memo._kept["rows"][0] == tuple(pages) and all(a is b for a, b in zip(memo._kept["rows"][0], pages))
    assert memo._kept[("row", "a")][0][0] is pages[0] and memo._inner["rows"] == {("row", "a"), ("row", "b")}
    assert memo.beside(forking, "rows", pages, _fails, "computed again").result() == rows and forking.forked == 1
    # A page edited: the child computes its part only, and the other is kept from before.
    edited = [pages[0], Entity("docs/essays/b.md", {"id": "b", "type": "essay", "title": "B2"}, {}, "", 5, 4)]
    again = memo.beside(forking, "rows", edited, _rows, memo, edited).result()
    assert forking.forked == 2 and again[0] == rows[0] and again[1][0] == "B2" and again[1][1] != rows[1][1]
    assert memo._kept[("row", "b")][0][0] is edited[1]


def _pid_and_square(n):
    return os.getpid(), n * n


def test_halves_computes_the_later_half_in_a_child_and_returns_all_in_order():
    items = list(range(10))
    result = runner.halves(_pid_and_square, items, weight=lambda n: 1)
    assert [square for _, square in result] == [n * n for n in items]
    pids = [pid for pid, _ in result]
    assert pids[:5] == [os.getpid()] * 5 and len(set(pids[5:])) == 1 and pids[5] != os.getpid()


def test_halves_cuts_by_weight_and_runs_beside_a_thread():
    import threading
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # the live preview's server has threads: halves forks anyway
    thread.start()
    try:
        result = runner.halves(_pid_and_square, [1, 2, 3, 4], weight=lambda n: 10 if n == 1 else 1)
    finally:
        stop.set()
        thread.join()
    assert [pid == os.getpid() for pid, _ in result] == [True, False, False, False]


def test_an_item_that_fails_in_the_child_fails_as_in_the_plain_path():
    def fn(n):
        if n == 3:
            raise ValueError("three")
        return n

    with pytest.raises(ValueError, match="three"):
        runner.halves(fn, [0, 1, 2, 3], weight=lambda n: 1)
    assert runner.halves(fn, [5], weight=lambda n: 1) == [5]
