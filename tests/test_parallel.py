"""archive/runner.py: a step run beside the build gives what it would give in place, errors included."""

from __future__ import annotations

import os

import pytest

from archive import runner


def _fails(message):
    raise ValueError(message)


def test_beside_runs_in_a_child_when_it_is_safe_and_returns_the_result():
    forks = runner.can_fork()  # not when pytest's process has other threads: then in place
    first, second = runner.beside(os.getpid), runner.beside(pow, 3, 4)  # two at once
    assert (first.result() != os.getpid()) == forks
    assert second.result() == 81 and second.result() == 81


def test_beside_returns_a_large_result_whole():
    text = "記録" * 2_000_000  # more than a pipe holds: the child must not block on exit
    assert runner.beside(str.upper, text).result() == text


def test_beside_raises_the_steps_error():
    with pytest.raises(ValueError, match="no such source"):
        runner.beside(_fails, "no such source").result()


@pytest.mark.parametrize("forks", [True, False])
def test_the_error_is_raised_by_result_not_by_beside(monkeypatch, forks):
    """A caller that keeps the job for later (a late page) gets the error where it asks for the result."""
    if forks and not runner.can_fork():
        forks = False  # pytest's process has other threads here: both cases run in place
    monkeypatch.setattr(runner, "can_fork", lambda: forks)
    job = runner.beside(_fails, "no such source")
    with pytest.raises(ValueError, match="no such source"):
        job.result()


def test_settle_waits_for_every_job_and_keeps_no_error():
    jobs = [runner.beside(_fails, "first"), None, runner.beside(pow, 2, 5)]
    runner.settle(*jobs)  # no error raised
    assert jobs[2].result() == 32
