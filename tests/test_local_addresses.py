"""A local address is never published: `make site` without SITE_URL builds for local reading and says
so; MkDocs run on its own (a MkDocs user's habit) either does the whole job, generating afresh, or, given
the local default address for a build that publishes, refuses and says what to run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURE_DOCS, ROOT
from support.site import mkdocs_project

from archive.site.publish import local_address

LOCAL = "127.0.0.1"
TEXT_FILES = {".html", ".xml", ".json", ".txt", ".bib", ".ris", ".csv", ".js"}


def _env(**values: str) -> dict:
    """This environment without the site's settings, plus `values`; the venv's tools first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SITE_VERSIONED", "REPO_URL")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **values}


def _local_mentions(site: Path) -> list[str]:
    """Files of a built site that name this machine's address."""
    return sorted(str(p.relative_to(site)) for p in site.rglob("*")
                  if p.suffix in TEXT_FILES and LOCAL in p.read_text(encoding="utf-8", errors="replace"))


def _edit_memo(project: Path, sentence: str) -> None:
    memo = project / "docs" / "documents" / "doc-memo.md"
    memo.write_text(memo.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


def test_which_addresses_are_local():
    for url in ("http://127.0.0.1:8000/", "http://localhost:8000/x/", "http://[::1]/", "http://0.0.0.0/",
                "http://127.1.2.3/", "http://app.localhost/", "", "/REPO/"):
        assert local_address(url), url
    for url in ("https://owner.github.io/repo/", "https://archive.example.org/", "http://192.0.2.7/"):
        assert not local_address(url), url


@pytest.mark.slow
def test_make_site_without_site_url_is_for_local_reading_and_says_so(tmp_path):
    """`build.py site` (what `make site` runs) builds with the local default address and says so on
    stderr; with SITE_URL it names no local address anywhere in the site, and says nothing of the kind."""
    common = ["site", "--docs", str(FIXTURE_DOCS), "--out", str(tmp_path / "generated")]
    script = [sys.executable, str(ROOT / "scripts" / "build.py")]
    local = subprocess.run(script + common + ["--site", str(tmp_path / "local")], env=_env(),
                           capture_output=True, text=True)
    assert local.returncode == 0, local.stderr
    assert "built for local reading only" in local.stderr and "SITE_URL" in local.stderr, local.stderr
    assert "documents/doc-memo/index.html" in _local_mentions(tmp_path / "local")  # what the notice warns of
    public = subprocess.run(script + common + ["--site", str(tmp_path / "public")],
                            env=_env(SITE_URL="https://archive.example.org/"), capture_output=True, text=True)
    assert public.returncode == 0, public.stderr
    assert "local reading" not in public.stderr
    assert _local_mentions(tmp_path / "public") == []


@pytest.mark.slow
def test_plain_mkdocs_build_refuses_the_local_default_and_says_what_to_run(tmp_path):
    config = mkdocs_project(tmp_path / "project")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], cwd=config.parent,
                          env=_env(), capture_output=True, text=True)
    assert done.returncode != 0
    assert "site_url is http://127.0.0.1:8000/, a local address" in done.stderr, done.stderr
    assert "make serve" in done.stderr and "SITE_URL=" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (config.parent / "site").exists()  # nothing published


@pytest.mark.slow
def test_plain_mkdocs_build_with_site_url_generates_afresh(tmp_path):
    """A stale generated tree is regenerated from docs/ first: the site has the edit and one address."""
    config = mkdocs_project(tmp_path / "project")
    env = _env(SITE_URL="https://archive.example.org/")
    first = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], cwd=config.parent,
                           env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    _edit_memo(config.parent, "A sentence written after the first build.")
    again = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], cwd=config.parent,
                           env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    site = config.parent / "site"
    assert "A sentence written after the first build." in (site / "documents" / "doc-memo" / "index.html").read_text()
    assert "A sentence written after the first build." in (config.parent / "build" / "docs" / "documents" / "doc-memo.md").read_text()
    assert _local_mentions(site) == []


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


@pytest.mark.slow
def test_plain_mkdocs_serve_generates_into_the_folder_a_fresh_clone_has(tmp_path):
    """A fresh clone has build/docs/ with only its placeholder (committed, so MkDocs finds its docs_dir);
    `mkdocs serve` on its own generates into it from docs/ and serves the authored content."""
    tracked = subprocess.run(["git", "ls-files", "build"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tracked == ["build/docs/.gitkeep"]
    config = mkdocs_project(tmp_path / "project")
    placeholder = (ROOT / "build" / "docs" / ".gitkeep").read_bytes()
    (config.parent / "build" / "docs" / ".gitkeep").write_bytes(placeholder)
    _edit_memo(config.parent, "A sentence the preview must show.")
    import socket

    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"{LOCAL}:{port}"],
                            cwd=config.parent, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline, body = time.monotonic() + 90, ""
        while time.monotonic() < deadline and proc.poll() is None and "A sentence the preview must show." not in body:
            time.sleep(0.5)
            body = _fetch(f"http://{LOCAL}:{port}/documents/doc-memo/")
        assert "A sentence the preview must show." in body, (tmp_path / "serve.log").read_text()[-3000:]
        # The placeholder stays (git would show it deleted otherwise).
        assert (config.parent / "build" / "docs" / ".gitkeep").read_bytes() == placeholder
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
