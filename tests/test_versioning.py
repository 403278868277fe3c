"""Versions: CITATION.cff (validated by cffconvert), revision dates, versioned URLs, and a real mike deploy."""

from __future__ import annotations

import datetime as dt
import json
import re
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from support import zotero
import yaml
from playwright.sync_api import expect
from conftest import FIXTURE_DOCS, ROOT
from support.site import mkdocs_project

from archive.content.read import load
from archive.citation.versions import read_identity, revision_dates
from archive.pages import state
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


PAGES_URL = "https://archive.example.org/REPO/"  # a GitHub Pages project site: the repository's sub-path


@pytest.fixture(scope="module")
def pages_repo(tmp_path_factory):
    """An empty git repository to deploy into, with a MkDocs config beside the fixture's pages (docs/) and
    a CITATION.cff: `mike deploy` runs `mkdocs build`, whose hook generates the tree from them."""
    tmp_path = tmp_path_factory.mktemp("pages")
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "SITE_URL": PAGES_URL, "SITE_VERSIONED": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "remote.git")], check=True, env=env)  # stands for GitHub
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "init"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "remote", "add", "origin", str(tmp_path / "remote.git")], cwd=repo, check=True, env=env)
    mkdocs_project(repo)
    return repo, env


def _deploy(repo, env, version: str, text: str = "") -> subprocess.CompletedProcess:
    """`build.py deploy --push` of the project in `repo` at `version` (`text` appended to the memo's body)."""
    mkdocs_project(repo, version=version)
    if text:
        memo = repo / "docs" / "documents" / "doc-memo.md"
        memo.write_text(memo.read_text(encoding="utf-8") + text, encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "deploy", "--push", "--config", str(repo / "mkdocs.yml")],
                          cwd=repo, env={**env, "SOURCE_DATE_EPOCH": "1700000000"},
                          capture_output=True, text=True)


def _show(repo, path: str) -> str:
    """A file of the gh-pages branch as the remote has it."""
    return subprocess.run(["git", "--git-dir", str(repo.parent / "remote.git"), "show", f"gh-pages:{path}"],
                          capture_output=True, text=True, check=True).stdout


@dataclass
class Deployed:
    repo: Path
    refused: dict[str, subprocess.CompletedProcess]  # why -> the deploy that was refused
    first: str  # 0.1.0's memo page as first published
    first_after: str  # the same file after the refused redeploy and the 0.2.0 deploy
    pages: Path  # the remote's gh-pages tree, as GitHub Pages serves it under /REPO/


@pytest.fixture(scope="module")
def deployed(pages_repo, tmp_path_factory) -> Deployed:
    """Two releases deployed with `build.py deploy --push` to a bare repository standing for GitHub, with
    the refusals on the way: a local site_url, an unversioned build, the same version again."""
    repo, env = pages_repo
    refused = {"local": _deploy(repo, {k: v for k, v in env.items() if k != "SITE_URL"}, "0.1.0"),  # mkdocs.yml's default address
               "unversioned": _deploy(repo, {k: v for k, v in env.items() if k != "SITE_VERSIONED"}, "0.1.0")}
    done = _deploy(repo, env, "0.1.0")
    assert done.returncode == 0, done.stderr
    first = _show(repo, "0.1.0/documents/doc-memo/index.html")
    # The same version again, with changed content: refused, and the published snapshot is untouched.
    refused["again"] = _deploy(repo, env, "0.1.0", "\nA later sentence that must not reach 0.1.0.\n")
    done = _deploy(repo, env, "0.2.0", "\nA sentence added in 0.2.0.\n")
    assert done.returncode == 0, done.stderr
    www = tmp_path_factory.mktemp("www")
    archive = subprocess.run(["git", "--git-dir", str(repo.parent / "remote.git"), "archive", "gh-pages"],
                             capture_output=True, check=True).stdout
    (www / "REPO").mkdir()
    subprocess.run(["tar", "-x", "-C", str(www / "REPO")], input=archive, check=True)
    return Deployed(repo, refused, first, _show(repo, "0.1.0/documents/doc-memo/index.html"), www)


@pytest.mark.slow
def test_mike_publishes_fixed_versions_and_a_latest_alias(deployed):
    repo, refused, first = deployed.repo, deployed.refused, deployed.first
    assert refused["local"].returncode == 1 and "set SITE_URL" in refused["local"].stderr, refused["local"].stderr
    assert refused["unversioned"].returncode == 1 and "SITE_VERSIONED=1" in refused["unversioned"].stderr
    again = refused["again"]
    assert again.returncode == 1 and "version 0.1.0 is already published" in again.stderr, again.stderr
    assert deployed.first_after == first  # neither the refused deploy nor 0.2.0 changed the snapshot
    versions = {v["version"]: v["aliases"] for v in json.loads(_show(repo, "versions.json"))}
    assert versions == {"0.2.0": ["latest"], "0.1.0": []}
    latest = _show(repo, "latest/documents/doc-memo/index.html")
    assert f'href="{PAGES_URL}0.2.0/documents/doc-memo/">Cite this version' in latest
    assert f'<link rel="canonical" href="{PAGES_URL}latest/documents/doc-memo/">' in latest
    assert f'href="{PAGES_URL}0.1.0/documents/doc-memo/">Cite this version' in first
    assert "Version <strong>0.1.0</strong>" in first
    assert "A sentence added in 0.2.0." in latest and "A sentence added in 0.2.0." not in first
    # What a reference manager saves from the head is the version read, not the moving latest/ (issue 17)
    head = BeautifulSoup(first, "lxml").head
    fixed = f"{PAGES_URL}0.1.0/documents/doc-memo/"
    assert head.find("meta", property="og:url")["content"] == fixed
    assert head.find("meta", attrs={"name": "DCTERMS.identifier"})["content"] == fixed
    assert not head.find_all("meta", attrs={"name": re.compile("^citation_")})
    page = next(n for n in json.loads(head.find("script", type="application/ld+json").string)["@graph"] if n["@type"] == "WebPage")
    assert page["url"] == fixed and page["version"] == "0.1.0"
    assert zotero.saved_item(first)["url"] == fixed
    # A release's build keeps the citations it formatted for the next release, as the deploy workflow's
    # cache does, and not its generation's state: keyed by its version, published once, none could use it.
    cache = repo / "build" / "cache"
    assert list(cache.glob("citeproc.sqlite3*")) and not (cache / state.FILE).exists()


@pytest.mark.slow
def test_the_branch_root_has_the_latest_404_page(deployed):
    """GitHub Pages serves only the branch root's 404.html for a missing address: it is latest's, whose links
    are absolute (it is served at any depth) and which loads the script that finds the unversioned page."""
    root = BeautifulSoup(_show(deployed.repo, "404.html"), "lxml")
    assert _show(deployed.repo, "404.html") == _show(deployed.repo, "latest/404.html")
    script = root.find("script", attrs={"data-latest": True})
    assert script["data-latest"] == "/REPO/latest/" and script["src"].startswith("/REPO/latest/assets/")
    links = root.select("link[href], .md-content a[href]")
    assert links and all(link["href"].startswith("/REPO/latest/") for link in links), [a["href"] for a in links]


def test_a_build_without_mike_has_no_versions_to_show(fixture_site):
    """No selector, notice or redirect where no versions.json is published: it would be a failed request."""
    missing = fixture_site.html("404.html")
    assert missing.find("script", attrs={"data-latest": True}) is None
    assert json.loads(missing.find(id="__config").string)["version"] is None
    assert fixture_site.html("documents/doc-memo/").select("[data-md-component=outdated], .archive-outdated") == []


@pytest.fixture(scope="module")
def pages(deployed):
    """The gh-pages tree served as GitHub Pages serves a project site: under /REPO/, with /REPO/404.html for
    any missing address there."""
    from support.server import SiteServer

    server = SiteServer(not_found="REPO/404.html").start(deployed.pages)
    yield server
    server.stop()


@pytest.fixture
def reader(browser, pages):
    from support.browser import new_context, watch

    context = new_context(browser)
    yield watch(context.new_page(), pages.url)
    context.close()


def _path(page) -> str:
    return urlsplit(page.url).path + ("#" + urlsplit(page.url).fragment if urlsplit(page.url).fragment else "")


@pytest.mark.slow
def test_an_unversioned_address_reaches_the_latest_page(reader):
    """/REPO/documents/<id>/ is no page of the branch: the root 404 page sends the reader on to latest/,
    fragment and query kept; a mistyped address, or a page missing from a fixed version, stays a 404."""
    reader.missing.add(reader.base + "REPO/documents/doc-memo/?from=citation#notes")
    reader.page.goto(reader.base + "REPO/documents/doc-memo/?from=citation#notes", wait_until="load")
    reader.page.wait_for_url("**/REPO/latest/documents/doc-memo/**")
    assert _path(reader.page) == "/REPO/latest/documents/doc-memo/#notes" and "from=citation" in reader.page.url
    assert "A sentence added in 0.2.0." in reader.page.locator("article").inner_text()
    for wrong, probed in (("REPO/documents/no-such-page/", "REPO/latest/documents/no-such-page/"),
                          ("REPO/0.1.0/documents/no-such-page/", "REPO/latest/0.1.0/documents/no-such-page/")):
        reader.missing.add(reader.base + probed)
        reader.goto(wrong, status=404)
        reader.page.wait_for_timeout(300)  # time for a redirect that must not come
        assert _path(reader.page) == "/" + wrong
        expect(reader.page.locator("h1")).to_have_text("Page not found")
        # Styled: the stylesheet at its absolute address loaded.
        assert reader.page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert reader.errors == [] and reader.outside == [], (reader.errors, reader.outside)


@pytest.mark.slow
def test_an_old_version_shows_the_selector_and_a_notice_that_leads_to_the_latest(reader):
    reader.goto("REPO/0.1.0/documents/doc-memo/")
    selector = reader.page.locator(".md-version")
    expect(selector.locator(".md-version__current")).to_have_text("0.1.0")
    items = selector.locator(".md-version__link")
    assert sorted(items.evaluate_all("links => links.map(a => a.textContent.trim())")) == ["0.1.0", "0.2.0"]
    notice = reader.page.locator("[data-md-component=outdated]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("version 0.1.0")
    corrections = notice.get_by_role("link", name="what has been corrected since")
    assert urlsplit(corrections.evaluate("a => a.href")).path == "/REPO/latest/changelog/"
    same_page = notice.get_by_role("link", name="Read this page in the latest version")
    assert urlsplit(same_page.evaluate("a => a.href")).path == "/REPO/latest/documents/doc-memo/"
    # Instant navigation within the old version replaces the notice with the next page's.
    reader.page.locator(".md-header__button.md-logo").click()
    reader.page.wait_for_url("**/REPO/0.1.0/")
    expect(notice).to_be_visible()
    assert urlsplit(same_page.evaluate("a => a.href")).path == "/REPO/latest/"
    reader.page.go_back()
    reader.page.wait_for_url("**/REPO/0.1.0/documents/doc-memo/")
    same_page.click()
    reader.page.wait_for_url("**/REPO/latest/documents/doc-memo/")
    expect(reader.page.locator("article")).to_contain_text("A sentence added in 0.2.0.")
    expect(reader.page.locator("[data-md-component=outdated]")).to_be_hidden()  # the latest is not outdated
    expect(reader.page.locator(".md-version__current")).to_have_text("0.2.0")
    corrections_page = reader.goto("REPO/latest/changelog/")
    assert corrections_page.status == 200
    reader.goto("REPO/0.2.0/")  # the fixed folder of the newest version is not outdated either
    expect(reader.page.locator("[data-md-component=outdated]")).to_be_hidden()
    assert reader.errors == [] and reader.outside == [], (reader.errors, reader.outside)


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
