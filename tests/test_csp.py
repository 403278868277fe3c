"""archive/csp.py's Policy: the tag goes into each page as it is written, and finish() leaves every HTML
file with the policy of the whole site while rewriting only the pages that need it."""

from __future__ import annotations

import base64
import hashlib

import pytest

from archive.site import csp


def _page(script: str, *, data: str = "") -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><script>{script}</script>'
            f'<script type="application/json">{data}</script><script src="x.js"></script></head>'
            "<body><p>text</p></body></html>")


def _sha(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def _written(site, policy, name, text):
    path = site / name / "index.html"
    path.parent.mkdir(parents=True)
    path.write_text(policy.page(text, path), encoding="utf-8")
    return path


def test_finish_gives_every_file_the_whole_sites_policy_and_rewrites_only_stale_pages(tmp_path):
    policy = csp.Policy()
    first = _written(tmp_path, policy, "a", _page("one()"))
    second = _written(tmp_path, policy, "b", _page("two()"))
    third = _written(tmp_path, policy, "c", _page("one()", data='{"x": 1}'))
    stub = tmp_path / "old" / "index.html"  # copied as it is, never through page()
    stub.parent.mkdir()
    stub.write_text('<!doctype html><html><head><meta charset="utf-8"></head><body>moved</body></html>', encoding="utf-8")
    policy.seen(stub.read_text(encoding="utf-8"))
    untouched = third.stat().st_mtime_ns, third.read_text(encoding="utf-8")

    text = policy.finish(tmp_path)

    assert _sha("one()") in text and _sha("two()") in text
    assert _sha('{"x": 1}') not in text  # a data block is never run: script-src does not apply
    tag = csp.meta_tag(text)
    for path in (first, second, third, stub):
        page = path.read_text(encoding="utf-8")
        assert page.count("Content-Security-Policy") == 1 and tag in page, path
        assert page.index('<meta charset="utf-8">') < page.index(tag)
    # The last page was written with the final policy already: not read or written again.
    assert (third.stat().st_mtime_ns, third.read_text(encoding="utf-8")) == untouched


def test_finish_on_a_built_site_equals_one_pass_over_it(tmp_path):
    pages = {"a": _page("one()"), "b": _page("two()"), "c": _page("three()")}
    incremental, whole = tmp_path / "incremental", tmp_path / "whole"
    policy = csp.Policy()
    for name, text in pages.items():
        _written(incremental, policy, name, text)
        (whole / name).mkdir(parents=True)
        (whole / name / "index.html").write_text(text, encoding="utf-8")
    assert policy.finish(incremental) == csp.apply(whole)
    for name in pages:
        assert (incremental / name / "index.html").read_bytes() == (whole / name / "index.html").read_bytes()


def test_a_page_without_head_is_an_error_naming_it(tmp_path):
    with pytest.raises(csp.CspError, match=r"x\.html: no <meta charset> or <head>"):
        csp.Policy().page("<p>no head</p>", tmp_path / "x.html")
