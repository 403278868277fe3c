"""`make serve`'s command: a live preview that follows edits to the authored pages."""

from __future__ import annotations

import pytest

import signal
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float, proc: subprocess.Popen) -> bool:
    """Whether the page shows the text within the time; not waiting on once the server has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        body = _fetch(url)
        if body and text in body:
            return True
        time.sleep(0.3)
    return False


@pytest.mark.slow
def test_serve_follows_edits(corpus_copy, tmp_path):
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")  # a file, not a pipe nobody reads (which would fill and block)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "serve", "--docs", str(corpus_copy),
         "--out", str(tmp_path / "generated"), "--addr", f"127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, text=True,
    )
    output = lambda: (tmp_path / "serve.log").read_text()[-3000:]  # noqa: E731
    url = f"http://127.0.0.1:{port}/people/person-a/"
    try:
        assert _wait_for(url, ">Taro Example<", 60, proc), f"the preview did not serve the person page:\n{output()}"
        page = corpus_copy / "people" / "person-a.md"
        page.write_text(page.read_text(encoding="utf-8").replace("title: Taro Example", "title: Taro Edited"),
                        encoding="utf-8")
        assert _wait_for(url, ">Taro Edited<", 60, proc), f"the preview did not pick up the edit:\n{output()}"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
