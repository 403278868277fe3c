"""Versions: CITATION.cff (validated by cffconvert), revision dates, versioned URLs, and a real mike deploy."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_DOCS, ROOT

from archive.content.read import load
from archive.citation.versions import read_identity, revision_dates
from archive.site import publish
from archive.site.build import release_of

CITATION_CFF = ROOT / "CITATION.cff"


def read_version() -> str:
    return read_identity(CITATION_CFF).version

CFFCONVERT = ROOT / ".venv-cff" / "bin" / "cffconvert"


def _cffconvert(path: Path) -> subprocess.CompletedProcess:
    assert CFFCONVERT.is_file(), "the CITATION.cff validator is missing: `make test` installs it into .venv-cff"
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True)


def test_citation_cff_is_valid_and_cites_the_website():
    done = _cffconvert(CITATION_CFF)
    assert done.returncode == 0, done.stdout + done.stderr
    data = yaml.safe_load(CITATION_CFF.read_text())
    assert data["type"] == "dataset"
    assert data["preferred-citation"]["type"] == "website"
    assert data["preferred-citation"]["version"] == data["version"] == read_version()
    assert data["preferred-citation"]["title"] == data["title"]  # the format asks for it twice: the same text


def test_cffconvert_rejects_a_broken_citation_cff(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text(CITATION_CFF.read_text().replace("type: dataset", "type: data-set"))
    assert _cffconvert(broken).returncode != 0


def test_release_from_the_mkdocs_configuration(monkeypatch):
    """site_url and extra.archive_versioned of mkdocs.yml (SITE_URL and SITE_VERSIONED when deployed),
    the version of CITATION.cff beside it, SOURCE_DATE_EPOCH for the revision dates."""
    for name in ("SITE_URL", "SITE_VERSIONED", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)
    local = release_of(publish.settings(ROOT / "mkdocs.yml"))
    assert local.version == read_version() and local.site_name == read_identity(CITATION_CFF).name
    assert local.canonical("documents/x/") == local.fixed("documents/x/") == "http://127.0.0.1:8000/documents/x/"
    assert local.revised is None
    monkeypatch.setenv("SITE_URL", "https://o.github.io/r")
    monkeypatch.setenv("SITE_VERSIONED", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deployed = release_of(publish.settings(ROOT / "mkdocs.yml"))
    assert deployed.canonical("documents/x/") == "https://o.github.io/r/latest/documents/x/"
    assert deployed.fixed("documents/x/") == f"https://o.github.io/r/{read_version()}/documents/x/"
    assert deployed.revised == "2023-11-14"


def test_revision_dates_from_git_then_mtime(corpus_copy):
    corpus = load(FIXTURE_DOCS)
    dates = revision_dates(FIXTURE_DOCS, corpus.entities)
    for entity in corpus.entities:
        path = FIXTURE_DOCS / entity.md_path
        dirty = subprocess.run(["git", "status", "--porcelain", str(path)], capture_output=True, text=True, cwd=ROOT).stdout
        if not dirty:
            last = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(path)], capture_output=True, text=True, cwd=ROOT)
            assert dates[entity.id] == last.stdout.strip(), entity.id
    # Outside git (a copy): the file's modification time.
    copy = load(corpus_copy)
    stamp = dt.datetime(2001, 2, 3, 12, tzinfo=dt.timezone.utc).timestamp()
    os.utime(corpus_copy / "documents" / "doc-memo.md", (stamp, stamp))
    assert revision_dates(corpus_copy, copy.entities)["doc-memo"] == "2001-02-03"
    assert set(revision_dates(corpus_copy, copy.entities, override="2020-12-23").values()) == {"2020-12-23"}


@pytest.fixture
def pages_repo(tmp_path):
    """An empty git repository to deploy into, with a MkDocs config beside the fixture's pages (docs/) and
    a CITATION.cff: `mike deploy` runs `mkdocs build`, whose hook generates the tree from them."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "SITE_URL": "https://archive.example.org/", "SITE_VERSIONED": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "remote.git")], check=True, env=env)  # stands for GitHub
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "init"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "remote", "add", "origin", str(tmp_path / "remote.git")], cwd=repo, check=True, env=env)
    (repo / "mkdocs.yml").write_text(
        yaml.safe_dump(
            {
                "INHERIT": str(ROOT / "mkdocs.yml"),
                "docs_dir": "build/docs",
                "theme": {"name": "material", "custom_dir": str(ROOT / "docs" / "overrides")},
                "hooks": [str(ROOT / "scripts" / "mkdocs_hooks.py")],
                "watch": [],
                "nav": [{"Home": "index.md"}],
            }
        )
    )
    return repo, env


def _deploy(repo, env, version: str, text: str = "") -> subprocess.CompletedProcess:
    """`build.py deploy --push` of the project in `repo` at `version` (`text` appended to the memo's body)."""
    shutil.copytree(FIXTURE_DOCS, repo / "docs", dirs_exist_ok=True)
    if text:
        memo = repo / "docs" / "documents" / "doc-memo.md"
        memo.write_text(memo.read_text(encoding="utf-8") + text, encoding="utf-8")
    (repo / "CITATION.cff").write_text(CITATION_CFF.read_text().replace(f"version: {read_version()}", f"version: {version}"))
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "deploy", "--push", "--config", str(repo / "mkdocs.yml")],
                          cwd=repo, env={**env, "SOURCE_DATE_EPOCH": "1700000000"},
                          capture_output=True, text=True)


def _show(repo, path: str) -> str:
    """A file of the gh-pages branch as the remote has it."""
    return subprocess.run(["git", "--git-dir", str(repo.parent / "remote.git"), "show", f"gh-pages:{path}"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_mike_publishes_fixed_versions_and_a_latest_alias(pages_repo, tmp_path):
    repo, env = pages_repo
    local = _deploy(repo, {k: v for k, v in env.items() if k != "SITE_URL"}, "0.1.0")  # mkdocs.yml's default address
    assert local.returncode == 1 and "set SITE_URL" in local.stderr, local.stderr
    assert _deploy(repo, env, "0.1.0").returncode == 0
    first = _show(repo, "0.1.0/documents/doc-memo/index.html")
    # The same version again, with changed content: refused, and the published snapshot is untouched.
    again = _deploy(repo, env, "0.1.0", "\nA later sentence that must not reach 0.1.0.\n")
    assert again.returncode == 1 and "version 0.1.0 is already published" in again.stderr, again.stderr
    assert _show(repo, "0.1.0/documents/doc-memo/index.html") == first
    assert _deploy(repo, env, "0.2.0").returncode == 0
    assert _show(repo, "0.1.0/documents/doc-memo/index.html") == first  # the snapshot stays as it was
    versions = {v["version"]: v["aliases"] for v in json.loads(_show(repo, "versions.json"))}
    assert versions == {"0.2.0": ["latest"], "0.1.0": []}
    latest = _show(repo, "latest/documents/doc-memo/index.html")
    assert 'href="https://archive.example.org/0.2.0/documents/doc-memo/">Cite this version' in latest
    assert '<link rel="canonical" href="https://archive.example.org/latest/documents/doc-memo/">' in latest
    assert 'href="https://archive.example.org/0.1.0/documents/doc-memo/">Cite this version' in first
    assert "Version <strong>0.1.0</strong>" in first


def test_deploy_refuses_a_citation_cff_with_two_versions(tmp_path):
    """The version is written twice in CITATION.cff (the format asks for it); a deploy with the two apart stops first."""
    from archive.site import deploy

    cff = CITATION_CFF.read_text()
    assert f"\nversion: {read_version()}\n" in cff
    (tmp_path / "CITATION.cff").write_text(cff.replace(f"\nversion: {read_version()}\n", "\nversion: 9.9.9\n"))
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: https://archive.example.org/\n")
    with pytest.raises(deploy.DeployRefused, match="make them the same"):
        deploy.deploy(tmp_path / "mkdocs.yml")
    assert not (tmp_path / "build").exists()  # refused before anything was made
