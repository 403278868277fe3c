"""The fault corpus: every malformed page under tests/faults/ is refused by `build.py check`.

Each case is one file, placed at the same relative path into a copy of the (valid) fixture corpus;
tests/faults/cases.csv gives the line and the message fragment expected for it. The check runs as
build.py would run it (support.cli: `archive.cli.main` in this process, which is all build.py runs;
a Python start-up per case cost more than the check): it must exit non-zero, print `path:line:
message` naming the fault, and never a traceback. Two tests run build.py as a real subprocess and
show it gives the same exit status and output.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURE_DOCS, ROOT
from support.cli import run_build_py, run_in_process

FAULTS = ROOT / "tests" / "faults"
CASES = list(csv.DictReader((FAULTS / "cases.csv").open(encoding="utf-8")))


def run_check(docs: Path) -> subprocess.CompletedProcess:
    return run_in_process("check", "--docs", str(docs))


def with_fault(case: dict, workdir: Path) -> Path:
    docs = workdir / "docs"
    shutil.copytree(FIXTURE_DOCS, docs)
    target = docs / case["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FAULTS / case["file"], target)
    return docs


def test_corpus_is_large_and_every_file_has_a_case():
    files = {p.relative_to(FAULTS).as_posix() for p in FAULTS.rglob("*.md")}
    assert len(CASES) >= 30
    assert files == {case["file"] for case in CASES}


def test_the_base_corpus_is_valid(tmp_path):
    shutil.copytree(FIXTURE_DOCS, tmp_path / "docs")
    assert run_build_py("check", "--docs", str(tmp_path / "docs")).returncode == 0
    assert run_check(tmp_path / "docs").returncode == 0


def test_the_command_line_reports_a_fault_as_the_tests_see_it(tmp_path):
    """build.py as a real subprocess: the same exit status and the same report as run_check's."""
    case = next(c for c in CASES if c["file"] == "documents/non-utf8.md")  # bytes that are not text, in the report
    docs = with_fault(case, tmp_path)
    real, here = run_build_py("check", "--docs", str(docs)), run_check(docs)
    assert real.returncode == here.returncode == 1
    assert real.stderr == here.stderr and real.stdout == here.stdout


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_fault_is_reported(case, tmp_path):
    proc = run_check(with_fault(case, tmp_path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    expected = f"docs/{case['file']}:{case['line']}: "
    hits = [line for line in proc.stderr.splitlines() if line.startswith(expected)]
    assert any(case["message"] in hit for hit in hits), f"wanted {expected}...{case['message']}, got:\n{proc.stderr}"
    # Only the broken page is blamed: the rest of the corpus is valid.
    blamed = {line.split(":", 1)[0] for line in proc.stderr.splitlines()[:-1]}
    assert blamed == {f"docs/{case['file']}"}, proc.stderr
