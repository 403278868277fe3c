"""`scripts/build.py`'s command line, run in the test's own process: `archive.cli.main`, which is all
build.py runs (`sys.exit(main())`), with its output captured. A Python start-up per case would cost
more than the check itself (0.3 s against 0.01 s for the fixture corpus); the tests that run build.py
as a real subprocess show both ways give the same output. An exception is not caught: it fails the
test with its traceback, as it would print one from the real command."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_build_py(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """build.py as a real subprocess."""
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), *args],
                          capture_output=True, text=True, errors="replace", timeout=120, cwd=cwd)


def run_in_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """What `build.py args...` exits with and prints, run in this process."""
    from archive.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit:  # argparse
                code = exit.code
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["build.py", *args], code, out.getvalue(), err.getvalue())
