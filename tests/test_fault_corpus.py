"""The fault corpus: every malformed page under tests/faults/ is refused by `build.py check`.

Each case is one file, placed at the same relative path into a copy of the (valid) fixture corpus;
tests/faults/cases.csv gives the line and the message fragment expected for it. The check runs as
a real subprocess: it must exit non-zero, print `path:line: message` naming the fault, and never a
traceback.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_DOCS, ROOT

FAULTS = ROOT / "tests" / "faults"
CASES = list(csv.DictReader((FAULTS / "cases.csv").open(encoding="utf-8")))


def run_check(docs: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "check", "--docs", str(docs)],
        capture_output=True, text=True, errors="replace", timeout=120,
    )


def test_corpus_is_large_and_every_file_has_a_case():
    files = {p.relative_to(FAULTS).as_posix() for p in FAULTS.rglob("*.md")}
    assert len(CASES) >= 30
    assert files == {case["file"] for case in CASES}


def test_the_base_corpus_is_valid(tmp_path):
    shutil.copytree(FIXTURE_DOCS, tmp_path / "docs")
    assert run_check(tmp_path / "docs").returncode == 0


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_fault_is_reported(case, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, docs)
    target = docs / case["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FAULTS / case["file"], target)
    proc = run_check(docs)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    expected = f"docs/{case['file']}:{case['line']}: "
    hits = [line for line in proc.stderr.splitlines() if line.startswith(expected)]
    assert any(case["message"] in hit for hit in hits), f"wanted {expected}...{case['message']}, got:\n{proc.stderr}"
    # Only the broken page is blamed: the rest of the corpus is valid.
    blamed = {line.split(":", 1)[0] for line in proc.stderr.splitlines()[:-1]}
    assert blamed == {f"docs/{case['file']}"}, proc.stderr
