"""citeproc-js as a reader's reference manager runs it: the registry's `citeproc` package (pinned in
cite/package-lock.json) with the official CSL styles, driven here by a few lines of our own, apart from
the build's cite/render.js, so that the build's formatting is checked against citeproc-js itself.

    python tests/support/citeproc_js.py SITE_DIR   counts the pages whose Chicago, APA and MLA strings
                                                   equal citeproc-js's rendering of the page's CSL-JSON
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from archive.citation.csl import CITE, STYLES, locale_path, style_path  # noqa: E402

STYLE_KEYS = tuple(STYLES)
_DRIVER = r"""
const CSL = require(process.argv[1]);
const fs = require("fs");
const req = JSON.parse(fs.readFileSync(0, "utf8"));
const locale = fs.readFileSync(req.locale, "utf8");
const items = new Map(req.items.map((i) => [i.id, i]));
const out = {};
for (const [name, path] of Object.entries(req.styles)) {
  const engine = new CSL.Engine({ retrieveLocale: () => locale, retrieveItem: (id) => items.get(id) },
                                fs.readFileSync(path, "utf8"), "en-US", true);
  out[name] = {};
  for (const id of items.keys()) {
    engine.updateItems([id]);
    const bib = engine.makeBibliography();
    out[name][id] = bib[1].join("");
  }
}
process.stdout.write(JSON.stringify(out));
"""


_NOTES = r"""
const CSL = require(process.argv[1]);
const fs = require("fs");
const req = JSON.parse(fs.readFileSync(0, "utf8"));
const locale = fs.readFileSync(req.locale, "utf8");
const items = new Map(req.items.map((i) => [i.id, i]));
const engine = new CSL.Engine({ retrieveLocale: () => locale, retrieveItem: (id) => items.get(id) },
                              fs.readFileSync(req.style, "utf8"), "en-US", true);
const out = {};
for (const id of items.keys()) {
  engine.updateItems([id]);
  const cluster = { citationID: "n-" + id, citationItems: [{ id }], properties: { noteIndex: 1 } };
  out[id] = engine.processCitationCluster(cluster, [], [])[1][0][1];
}
process.stdout.write(JSON.stringify(out));
"""


def first_notes(items: list[dict], style: str = "chicago") -> dict[str, str]:
    """id -> citeproc-js's first note for each item in a note style, each the first note of a text of its own."""
    request = {"locale": locale_path(), "style": style_path(style), "items": items}
    done = subprocess.run(["node", "-e", _NOTES, str(CITE / "node_modules" / "citeproc")],
                          input=json.dumps(request), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def render(items: list[dict]) -> dict[str, dict[str, str]]:
    """style -> id -> citeproc-js's bibliography entry for each item, formatted alone."""
    request = {"locale": locale_path(), "styles": {s: style_path(s) for s in STYLE_KEYS}, "items": items}
    done = subprocess.run(["node", "-e", _DRIVER, str(CITE / "node_modules" / "citeproc")],
                          input=json.dumps(request), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def canonical(fragment: str) -> str:
    """What a reader sees and copies: text and italics; links unwrapped, whitespace collapsed."""
    soup = BeautifulSoup(fragment, "html.parser")
    for hidden in soup.select(".visually-hidden"):  # "(external site)", for screen readers
        hidden.decompose()
    for tag in soup.find_all(True):
        if tag.name in ("i", "em"):
            tag.insert_before("<i>")
            tag.insert_after("</i>")
        tag.unwrap()
    return re.sub(r"\s+", " ", soup.get_text()).strip()


def page_strings(page: Path) -> tuple[dict[str, str], list[dict]] | None:
    """(style -> string shown in the page's cite box, the page's CSL-JSON download), or None."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    box = soup.find("section", id="cite-this-page")
    if box is None:
        return None
    shown = {s: canonical(box.find(id=f"cite-{s}").decode_contents()) for s in STYLE_KEYS}
    download = box.select_one('dl.cite-formats a.cite-download[href$=".json"]')
    items = json.loads((page.parent / download["href"]).read_text(encoding="utf-8"))
    return shown, items


def compare(site: Path) -> tuple[int, int, int, list[tuple[str, str, str, str]]]:
    """(pages, pages whose three strings all agree, strings that agree, [(page, style, shown, citeproc-js)])."""
    pages = {}
    for page in sorted(site.glob("*/*/index.html")):
        found = page_strings(page)
        if found:
            pages[page.parent.name] = found
    rendered = render([items[0] for _, items in pages.values()])
    differ, equal_strings, equal_pages = [], 0, 0
    for name, (shown, items) in pages.items():
        same = 0
        for style in STYLE_KEYS:
            expected = canonical(rendered[style][items[0]["id"]])
            if shown[style] == expected:
                same += 1
            else:
                differ.append((name, style, shown[style], expected))
        equal_strings += same
        equal_pages += same == len(STYLE_KEYS)
    return len(pages), equal_pages, equal_strings, differ


if __name__ == "__main__":
    total, pages_equal, strings_equal, differ = compare(Path(sys.argv[1]))
    print(f"{pages_equal} of {total} pages with all three strings equal to citeproc-js; "
          f"{strings_equal} of {total * len(STYLE_KEYS)} strings")
    for row in differ[: int(sys.argv[2]) if len(sys.argv) > 2 else 5]:
        print(" | ".join(row))
