"""`make serve`'s command: a live preview that says where it serves, follows edits to the authored pages,
and shows a content error as `path:line: message` in the terminal and in the browser while the last
good pages stay."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from support.browser import new_context


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(check, seconds: float, proc: subprocess.Popen) -> bool:
    """Whether check() holds within the time; not waiting on once the server has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if check():
            return True
        time.sleep(0.2)
    return False


class Served:
    """`build.py serve` on a copy of the fixture corpus, in a process of its own."""

    def __init__(self, docs, tmp_path):
        self.port, self.docs, self.log_path = _free_port(), docs, tmp_path / "serve.log"
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = self.log_path.open("w")  # a file, not a pipe nobody reads (which would fill and block)
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "build.py"), "serve", "--docs", str(docs),
             "--out", str(tmp_path / "generated"), "--addr", f"127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )

    def output(self) -> str:
        return self.log_path.read_text()

    def shows(self, path: str, text: str) -> bool:
        return text in (_fetch(self.url + path) or "")

    def status(self) -> dict:
        return json.loads(_fetch(self.url + ".preview/status.json") or "{}")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture
def served(corpus_copy, tmp_path):
    server = Served(corpus_copy, tmp_path)
    yield server
    server.stop()


def _edit(path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


@pytest.mark.slow
def test_serve_says_where_follows_edits_and_reports_errors(served):
    person = "people/person-a/"
    assert _wait_for(lambda: served.shows(person, ">Taro Example<"), 90, served.proc), served.output()
    assert f"Serving the live preview on {served.url}" in served.output()
    page = served.docs / "people" / "person-a.md"
    _edit(page, "title: Taro Example", "title: Taro Edited")
    # the page itself and the generated pages that show it: its index, and the organisation it names
    for path in (person, "people/", "organizations/org-ministry/"):
        assert _wait_for(lambda: served.shows(path, "Taro Edited"), 60, served.proc), (path, served.output())

    good = _edit(page, "[@src-beta]", "[[no-such-page]] [@src-beta]")
    assert _wait_for(lambda: served.status().get("errors"), 60, served.proc), served.output()
    message = re.compile(r"^docs/people/person-a\.md:\d+: .*no-such-page", re.M)
    assert message.search(served.output()), served.output()  # the terminal
    assert [e for e in served.status()["errors"] if message.match(e)]  # what the browser is shown
    assert served.shows(person, "Taro Edited")  # the last good page stays
    assert "Traceback" not in served.output()

    page.write_text(good, encoding="utf-8")
    assert _wait_for(lambda: served.status().get("errors") == [] and served.status()["settled"], 60, served.proc), \
        served.output()
    # Reading files (git, MkDocs reading the theme) is no change: once settled, no round starts by itself.
    rounds = served.status()["rounds"]
    time.sleep(3)
    assert served.status()["rounds"] == rounds, served.output()


@pytest.mark.slow
def test_the_browser_shows_a_content_error_over_the_last_good_page(served, browser):
    person = "people/person-a/"
    assert _wait_for(lambda: served.shows(person, ">Taro Example<"), 90, served.proc), served.output()
    context = new_context(browser)
    tab = context.new_page()
    errors = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(served.url + person)
    page = served.docs / "people" / "person-a.md"
    good = _edit(page, "[@src-beta]", "[[no-such-page]] [@src-beta]")
    alert = tab.locator("#archive-preview-errors")
    alert.wait_for(timeout=60_000)  # the page reloads itself when the round ends
    assert re.search(r"docs/people/person-a\.md:\d+: .*no-such-page", alert.inner_text())
    assert tab.locator("h1").inner_text().startswith("Taro Example")  # the last good page, under the message
    page.write_text(good.replace("title: Taro Example", "title: Taro Fixed"), encoding="utf-8")
    tab.locator("h1", has_text="Taro Fixed").wait_for(timeout=60_000)
    assert alert.count() == 0
    assert not [e for e in errors if "Content Security Policy" in e], errors  # the reload script is allowed
    context.close()


def test_make_serve_takes_a_port():
    dry = subprocess.run(["make", "-n", "serve", "PORT=8001"], cwd=ROOT, capture_output=True, text=True)
    assert re.search(r"scripts/build\.py serve --addr 127\.0\.0\.1:8001$", dry.stdout, re.M), dry.stdout


def test_serve_refuses_a_port_in_use(corpus_copy, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "serve", "--docs", str(corpus_copy),
                               "--out", str(tmp_path / "generated"), "--addr", f"127.0.0.1:{port}"],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr and "PORT=" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_starts_on_a_corpus_with_an_error_and_shows_it(corpus_copy, tmp_path):
    page = corpus_copy / "people" / "person-a.md"
    good = _edit(page, "[@src-beta]", "[[no-such-page]] [@src-beta]")
    served = Served(corpus_copy, tmp_path)
    try:
        assert _wait_for(lambda: served.status().get("errors"), 60, served.proc), served.output()
        assert re.search(r"^docs/people/person-a\.md:\d+: .*no-such-page", served.output(), re.M), served.output()
        try:  # nothing built yet: a page that loads the reload script, which shows the errors
            urllib.request.urlopen(served.url, timeout=30)
        except urllib.error.HTTPError as missing:
            assert missing.code == 404 and b"/.preview/reload.js" in missing.read()
        else:
            raise AssertionError("a site was served before any good build")
        page.write_text(good, encoding="utf-8")
        assert _wait_for(lambda: served.shows("people/person-a/", ">Taro Example<"), 90, served.proc), served.output()
        assert served.status()["errors"] == []
    finally:
        served.stop()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["kill", "terminal-closed"])
def test_a_preview_stopped_by_a_signal_removes_its_temporary_site(corpus_copy, tmp_path, stop):
    """`kill` (SIGTERM) or a closing terminal (SIGHUP) stops the preview as Ctrl+C does: it exits cleanly
    and its temporary site is removed."""
    served = Served(corpus_copy, tmp_path)
    try:
        assert _wait_for(lambda: served.status().get("settled") and served.status().get("rounds"), 90, served.proc), \
            served.output()
        site = Path(re.search(r"\(the site in (.+?)\)", served.output()).group(1))
        assert site.is_dir()
        served.proc.send_signal(stop)
        assert served.proc.wait(timeout=30) == 0, served.output()
    finally:
        served.stop()
    assert not site.exists(), served.output()
    assert "Traceback" not in served.output()
