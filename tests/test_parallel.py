"""archive/parallel.py: a step run beside the build gives what it would give in place, errors included."""

from __future__ import annotations

import os
import threading

import pytest

from archive import parallel


def _fails(message):
    raise ValueError(message)


def test_beside_runs_in_a_child_when_it_is_safe_and_returns_the_result():
    alone = threading.active_count() == 1
    # Forked only in a process without other threads (pytest's may have some: then in place).
    assert (parallel.beside(os.getpid).result() != os.getpid()) == (alone and (os.cpu_count() or 1) > 1)
    assert parallel.beside(pow, 3, 4).result() == 81


def test_beside_raises_the_steps_error():
    with pytest.raises(ValueError, match="no such source"):
        parallel.beside(_fails, "no such source").result()
