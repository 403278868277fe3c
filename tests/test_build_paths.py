"""The speed seams: `make site` runs steps beside the build in forked children (archive/runner.py) and
keeps the citations it formats for the next build (archive/citation/kept.py); the plain serial path,
formatting every citation afresh, is the reference. All must give the same generated tree and site."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import FIXTURE_DOCS, ROOT


def _build(tmp_path, name: str, *flags: str, env=None):
    out, site = tmp_path / name / "generated", tmp_path / name / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    # A process of its own, as `make site` runs: no test server's thread in it, so Parallel really forks.
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "site", "--docs", str(FIXTURE_DOCS),
                           "--out", str(out), "--site", str(site), *flags], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    forked = int(re.search(r"(\d+) step\(s\) run beside the build", done.stdout).group(1))
    return out, site, forked


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_forked_build_gives_the_serial_builds_tree_and_site(tmp_path):
    cache = str(tmp_path / "cache")
    serial_out, serial_site, none = _build(tmp_path, "serial", "--serial", "--no-cache")
    serial = _files(serial_site)
    # A Node that fails: the second build must take every citation from what the first kept.
    no_node = tmp_path / "bin"
    no_node.mkdir()
    (no_node / "node").write_text("#!/bin/sh\necho 'node was run' >&2\nexit 1\n")
    (no_node / "node").chmod(0o755)
    without_node = {"PATH": f"{no_node}{os.pathsep}{os.environ['PATH']}"}
    for name, env in (("forked", None), ("from-the-cache", without_node)):
        forked_out, forked_site, forked = _build(tmp_path, name, "--cache", cache, env=env)
        assert none == 0 and forked >= 4  # records, bibliography, citation files, whole record: each in a child
        assert _files(forked_out) == _files(serial_out)
        parallel = _files(forked_site)
        assert sorted(parallel) == sorted(serial)
        differ = [path for path in serial if parallel[path] != serial[path]]
        assert differ == []
