"""The GitHub workflows, read by real parsers, and the logic they rely on, which lives in the Makefile and
tests/support/browser.py so that it runs here: GitHub's runners are not root (no apt-get without sudo)
and Ubuntu's chromium is a snap that does not run headless, so CI there installs Playwright's own
Chromium (ARCHIVE_BROWSER=playwright), while this project's machines and .ci/run keep Debian's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from support import browser

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def _validate(*paths: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with the GitHub workflow schema it ships (SchemaStore's; no network)."""
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
                          capture_output=True, text=True)


def test_the_workflows_are_valid_github_workflows(tmp_path):
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "deploy.yml"}
    done = _validate(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "ci.yml"  # the check can fail: a misspelt key
    broken.write_text((ROOT / ".github" / "workflows" / "ci.yml").read_text().replace("    steps:", "    step:"))
    assert _validate(broken).returncode != 0


def _make_dry_run(*args: str) -> subprocess.CompletedProcess:
    """What make would run (-n), the environment's browser choice left out so that only `args` count."""
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_BROWSER"}
    return subprocess.run(["make", "-n", "-C", str(ROOT), *args], capture_output=True, text=True, env=env)


def test_ci_on_github_runs_ci_run_with_playwrights_chromium_and_no_apt_get():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    job = workflow["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-24.04"
    assert job["env"]["ARCHIVE_BROWSER"] == "playwright"
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["bash .ci/run"]  # the same entry point as this project's CI
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    planned = _make_dry_run("test", "ARCHIVE_BROWSER=playwright")
    assert planned.returncode == 0, planned.stderr
    assert "-m playwright install --with-deps chromium" in planned.stdout
    assert "apt-get" not in planned.stdout  # not root there: only Playwright, which asks sudo for its libraries


def test_this_projects_machines_keep_debians_chromium():
    planned = _make_dry_run("browser")
    assert planned.returncode == 0, planned.stderr
    assert "test -x /usr/bin/chromium || { apt-get update" in planned.stdout
    assert "playwright install" not in planned.stdout
    unknown = _make_dry_run("browser", "ARCHIVE_BROWSER=firefox")
    assert unknown.returncode != 0 and "ARCHIVE_BROWSER=firefox: use debian" in unknown.stderr


def test_the_browser_tests_launch_the_configured_chromium(monkeypatch, tmp_path):
    """Debian's path by default (checked to be there: on GitHub's runners it is not), None for Playwright's
    own build, an error for anything else."""
    assert browser.BROWSERS["debian"] == "/usr/bin/chromium"
    installed = tmp_path / "chromium"
    installed.write_text("#!/bin/sh\n")
    installed.chmod(0o755)
    monkeypatch.setitem(browser.BROWSERS, "debian", str(installed))
    assert browser.chromium({}) == browser.chromium({"ARCHIVE_BROWSER": "debian"}) == str(installed)
    assert browser.chromium({"ARCHIVE_BROWSER": "playwright"}) is None  # Playwright's own build
    with pytest.raises(ValueError, match="use one of debian, playwright"):
        browser.chromium({"ARCHIVE_BROWSER": "firefox"})
    installed.unlink()
    with pytest.raises(FileNotFoundError, match="`make browser` installs it"):
        browser.chromium({})
