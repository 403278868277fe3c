"""Each validation error of the content model, with its exact `path:line: message`, via the real CLI:
build.py as a subprocess, or (for the many single-error cases) its `archive.cli.main` in this process
(support.cli), which test_all_errors_are_reported_in_one_run shows prints the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from support.cli import run_build_py, run_in_process


def check(docs: Path, real: bool = True) -> tuple[int, list[str], str]:
    proc = (run_build_py if real else run_in_process)("check", "--docs", str(docs), cwd=docs.parent)
    lines = [l for l in proc.stderr.splitlines() if l.startswith("docs/")]
    return proc.returncode, lines, proc.stderr


def edit(docs: Path, rel: str, old: str, new: str) -> None:
    path = docs / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture {rel} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_fixture_corpus_is_valid(corpus_copy):
    code, lines, stderr = check(corpus_copy)
    assert code == 0 and lines == [], stderr


# (file, old text, new text, expected "path:line: message" lines)
CASES = {
    "unknown id in relation": (
        "documents/doc-memo.md", "events: [event-meeting]", "events: [event-missing]",
        ["docs/documents/doc-memo.md:10: events: unknown id 'event-missing'"],
    ),
    "relation to wrong type": (
        "documents/doc-memo.md", "people: [person-a]", "people: [org-ministry]",
        ["docs/documents/doc-memo.md:11: people: 'org-ministry' is an organization, expected person"],
    ),
    "duplicate id": (
        "documents/doc-later.md", "id: doc-later", "id: doc-memo",
        ["docs/documents/doc-later.md:2: duplicate id 'doc-memo' (also used by docs/documents/doc-memo.md:2)",
         "docs/documents/doc-later.md:2: id 'doc-memo' does not match the file name 'doc-later.md'"],
    ),
    "malformed id": (
        "documents/doc-later.md", "id: doc-later", "id: Doc_Later",
        ["docs/documents/doc-later.md:2: id 'Doc_Later' does not match the file name 'doc-later.md'",
         "docs/documents/doc-later.md:2: id: 'Doc_Later' is not a valid id (lowercase a-z, 0-9 and single hyphens)"],
    ),
    "impossible date": (
        "documents/doc-memo.md", 'date: "1989-06-04"', 'date: "1989-02-30"',
        ["docs/documents/doc-memo.md:6: date: '1989-02-30' is not a real date (February 1989 has no day 30)"],
    ),
    "bad date form": (
        "documents/doc-memo.md", 'date: "1989-06-04"', 'date: "4 June 1989"',
        ["docs/documents/doc-memo.md:6: date: '4 June 1989' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"],
    ),
    "unquoted date": (
        "documents/doc-memo.md", 'date: "1989-06-04"', "date: 19890604",
        ["docs/documents/doc-memo.md:6: date: a date must be a quoted string such as \"1989-06-04\"",
         "docs/documents/doc-memo.md:6: date: date must be a quoted string such as \"1989-06-04\", not int"],
    ),
    "end before start": (
        "events/event-meeting.md", 'end: "1989-06-05"', 'end: "1989-06-01"',
        ["docs/events/event-meeting.md:6: end 1989-06-01 is before start 1989-06-03"],
    ),
    "missing required field": (
        "sources/src-beta.md", "seen: excerpt\n", "",
        ["docs/sources/src-beta.md:1: missing required field 'seen'"],
    ),
    "missing title": (
        "people/person-a.md", "title: Taro Example\n", "",
        ["docs/people/person-a.md:1: missing required field 'title'"],
    ),
    "unknown type": (
        "people/person-a.md", "type: person", "type: persona",
        ["docs/people/person-a.md:3: unknown type 'persona' (expected one of: document, event, person, "
         "organization, source, essay, file)"],
    ),
    "unknown field": (
        "people/person-a.md", "name_original:", "nickname: Taro\nname_original:",
        ["docs/people/person-a.md:5: unknown field 'nickname' for a person (see scripts/archive/content/fields.csv)"],
    ),
    "citation of unknown source": (
        "documents/doc-memo.md", "[@src-alpha, para. 1]", "[@src-gamma, para. 1]",
        ["docs/documents/doc-memo.md:19: citation of unknown source '@src-gamma'"],
    ),
    "citation of a non-source": (
        "documents/doc-memo.md", "[@src-alpha, para. 1]", "[@person-a, para. 1]",
        ["docs/documents/doc-memo.md:19: '@person-a' is a person, not a source: link it with [[person-a]]"],
    ),
    "link to unknown id": (
        "documents/doc-memo.md", "[[person-a|Mr Example]]", "[[person-b|Mr Example]]",
        ["docs/documents/doc-memo.md:19: link to unknown id '[[person-b]]'"],
    ),
    "document without citation": (
        "documents/doc-later.md", " [@src-beta]", "",
        ["docs/documents/doc-later.md:9: a document page must cite at least one source in its body",
         "docs/documents/doc-later.md:9: paragraph has no citation: add [@source-id, locator]"],
    ),
    "event without citation": (
        "events/event-year.md", " [@src-beta]", "",
        ["docs/events/event-year.md:7: an event page must cite at least one source in its body",
         "docs/events/event-year.md:7: paragraph has no citation: add [@source-id, locator]"],
    ),
    "broken YAML": (
        "people/person-a.md", "title: Taro Example", "title: [Taro Example",
        # libyaml's wording (the front matter is parsed with PyYAML's C parser).
        ["docs/people/person-a.md:5: front matter is not valid YAML: did not find expected ',' or ']' "
         "(while parsing a flow sequence that starts on line 4)"],
    ),
    "duplicate key": (
        "people/person-a.md", "title: Taro Example", "title: Taro Example\ntitle: Again",
        ["docs/people/person-a.md:5: field 'title' appears twice"],
    ),
    "unclosed front matter": (
        "people/person-a.md", "---\nTaro", "Taro",
        ["docs/people/person-a.md:1: front matter is not closed: add a '---' line after the last field"],
    ),
    "wrong folder": (
        "people/person-a.md", "type: person", "type: organization",
        ["docs/people/person-a.md:3: an organization page belongs in docs/organizations/",
         "docs/documents/doc-memo.md:11: people: 'person-a' is an organization, expected person",
         "docs/people/person-a.md:6: unknown field 'roles' for an organization (see scripts/archive/content/fields.csv)"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_is_reported_at_its_line(corpus_copy, name):
    rel, old, new, expected = CASES[name]
    edit(corpus_copy, rel, old, new)
    code, lines, stderr = check(corpus_copy, real=False)
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert sorted(lines) == sorted(expected), stderr


def test_non_utf8_file(corpus_copy):
    path = corpus_copy / "people" / "person-a.md"
    path.write_bytes(path.read_bytes().replace("例示太郎".encode(), b"\x8e\x97\x8e\xa6"))
    code, lines, stderr = check(corpus_copy)
    assert code == 1 and "Traceback" not in stderr
    assert lines == ["docs/people/person-a.md:5: file is not valid UTF-8 (byte 0x8e at column 16): save it as UTF-8"]


def test_all_errors_are_reported_in_one_run(corpus_copy):
    for name in ("unknown id in relation", "end before start", "broken YAML", "citation of unknown source"):
        rel, old, new, _ = CASES[name]
        edit(corpus_copy, rel, old, new)
    code, lines, stderr = check(corpus_copy)
    assert code == 1
    assert check(corpus_copy, real=False) == (code, lines, stderr)  # in this process: the same
    files = {line.split(":")[0] for line in lines}
    assert files == {"docs/documents/doc-memo.md", "docs/events/event-meeting.md", "docs/people/person-a.md"}
    assert stderr.rstrip().endswith("error(s); nothing was published.")


def test_site_refuses_to_publish_on_content_error(corpus_copy, tmp_path):
    rel, old, new, _ = CASES["link to unknown id"]
    edit(corpus_copy, rel, old, new)
    out = tmp_path / "generated"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "site", "--docs", str(corpus_copy),
         "--out", str(out), "--site", str(tmp_path / "site")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 1
    assert not out.exists() and not (tmp_path / "site").exists()


def test_a_check_kept_between_calls_finds_what_a_fresh_check_finds(corpus_copy):
    """The live preview checks again only pages whose file or looked-up ids changed (validate's `kept`):
    deleting a page others link to, changing a page's type, and bringing the page back must each
    give the errors a check from scratch gives."""
    from archive.content.validate import check as check_corpus

    cache: dict = {}
    assert check_corpus(corpus_copy, cache)[1] == []
    person = sorted((corpus_copy / "people").glob("*.md"))[0]
    text = person.read_text(encoding="utf-8")
    for step in ("deleted", "retyped", "back"):
        if step == "deleted":
            person.unlink()
        elif step == "retyped":
            person.write_text(text.replace("type: person", "type: organization", 1), encoding="utf-8")
        else:
            person.write_text(text, encoding="utf-8")
        kept, fresh = check_corpus(corpus_copy, cache)[1], check_corpus(corpus_copy)[1]
        assert kept == fresh, step
        assert bool(fresh) == (step != "back"), step
