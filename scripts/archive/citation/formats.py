""""Cite this page": one CSL item per page, and every format derived from it.

The CSL item is built from the model in one place (`page_item`); Chicago, APA and MLA are formatted
from it by citeproc-py with the official CSL styles (one run per style for all pages, see
citation/csl.py), BibTeX is written by bibtexparser and RIS by rispy from the same item, so the
formats cannot disagree about title, date, version or URL.
"""

from __future__ import annotations

import html
import json
import logging
import re

import bibtexparser
import rispy
from bibtexparser import model as bib
from bibtexparser.middlewares.parsestack import default_unparse_stack
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
    get_builtin_conversion_rules,
)

from archive.citation import csl
from archive.citation.versions import Release
from archive.content import dates
from archive.content.model import fields_for
from archive.content.read import Entity

# The page is cited under its own title. Its original-language title belongs to the document the
# page describes, and styles print `original-title` as "originally published as": left out here.
_NOT_FOR_PAGES = {"original-title"}
FORMATTED = (("chicago", "Chicago"), ("apa", "APA"), ("mla", "MLA"))
DOWNLOADS = (("bibtex", "BibTeX", "bib"), ("ris", "RIS", "ris"), ("csl-json", "CSL-JSON", "json"))

# Encode LaTeX's special characters (& % $ # _ { } ~ ^ \) and accents; keep scripts LaTeX has no
# macro for (Japanese) as UTF-8, which biber and modern BibTeX read, and a straight double quote as
# it is (inside braces it is plain text; the default rule would turn it into '' and lose it).
_latex = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, {ord('"'): '"'}), *get_builtin_conversion_rules("defaults")],
    non_ascii_only=False,
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
logging.getLogger("pylatexenc").setLevel(logging.ERROR)
_PLAIN = re.compile(r"^[A-Za-z0-9 ,.;:!?'()/@=+-]*$")  # nothing LaTeX would read specially


def _tex(value: str) -> str:
    return value if _PLAIN.match(value) else _latex.unicode_to_latex(value)


def page_item(entity: Entity, release: Release, revised: str) -> dict:
    """CSL-JSON item of one page of the site: the page, its site, editors, version, revision date, URL."""
    item: dict = {"id": entity.id, "type": "webpage"}
    for spec in fields_for(entity.type):
        value = entity.get(spec.name)
        if spec.type != "*" or not spec.csl or spec.csl in _NOT_FOR_PAGES or value in (None, "", []):
            continue
        item[spec.csl] = spec.form.csl(value)
    item.update(
        {
            "author": [{"literal": release.editors}],
            "container-title": release.site_name,
            "version": release.version,
            "issued": csl.csl_date(revised),
            "URL": release.fixed(entity.url_path),
            "language": "en",
        }
    )
    return item


def issued_iso(item: dict) -> str:
    return "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0])


def _note(item: dict) -> str:
    return f"Version {item['version']}, last revised {issued_iso(item)}"


def bibtex(item: dict) -> str:
    """A BibTeX @misc entry (also read by biblatex), written by bibtexparser."""
    day = dates.parse(issued_iso(item))
    fields = {
        # Double braces: a corporate author is one name, not "first last".
        "author": "{" + _tex(item["author"][0]["literal"]) + "}",
        "title": _tex(item["title"]),
        "howpublished": _tex(item["container-title"]),
        "year": str(day.year),
        "date": day.iso(),
        "version": item["version"],
        "url": item["URL"],  # verbatim: url fields are not LaTeX-encoded
        "note": _tex(_note(item)),
        "language": "english",
    }
    if item.get("abstract"):
        fields["abstract"] = _tex(item["abstract"])
    if item.get("keyword"):
        fields["keywords"] = _tex(item["keyword"])
    library = bibtexparser.Library()
    library.add(bib.Entry("misc", item["id"], [bib.Field(k, v) for k, v in fields.items()]))
    # The entry is built here for this call only: the default stack may modify it in place instead of
    # deep-copying it first (a third of the cost of a page's records).
    return bibtexparser.write_string(library, unparse_stack=default_unparse_stack(allow_inplace_modification=True))


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # no "1." line before TY: plain RIS, as reference managers export it


def ris(item: dict) -> str:
    """An RIS record (TY ELEC, a web page), written by rispy."""
    iso = issued_iso(item)
    record = {
        "type_of_reference": "ELEC",
        "id": item["id"],
        "title": item["title"],
        "authors": [item["author"][0]["literal"]],
        "secondary_title": item["container-title"],
        "publisher": item["container-title"],
        "year": iso[:4],
        "date": "/".join(iso.split("-")) + "/",
        "edition": item["version"],
        "urls": [item["URL"]],
        "language": item["language"],
        "notes": [_note(item)],
    }
    if item.get("abstract"):
        record["abstract"] = item["abstract"]
    if item.get("keyword"):
        record["keywords"] = item["keyword"].split(", ")
    return rispy.dumps([record], implementation=_RisWriter)


def csl_json(item: dict) -> str:
    """CSL-JSON as reference managers import it: an array of items."""
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def formatted(items: list[dict]) -> dict[str, dict[str, str]]:
    """style -> id -> formatted HTML, one citeproc run per style for all pages (see csl.format_similar)."""
    return {style: csl.format_similar(items, style) for style, _ in FORMATTED}


def records(item: dict) -> dict[str, str]:
    """The downloadable records of one item, by format key."""
    return {"bibtex": bibtex(item), "ris": ris(item), "csl-json": csl_json(item)}


def cite_box(item: dict, styled: dict[str, str], recs: dict[str, str], links: dict[str, str], notes: str = "") -> str:
    """HTML of the "Cite this page" box. `links` holds relative hrefs: changelog, and one per download;
    `notes` is extra HTML after the version line (the page's recorded corrections)."""
    revised = dates.parse(issued_iso(item))
    rows = []
    for style, label in FORMATTED:
        rows.append(
            f'<dt>{label}</dt><dd><div class="cite-text" id="cite-{style}">{styled[style]}</div>'
            f'<button type="button" class="md-button cite-copy" data-copy="cite-{style}">Copy</button></dd>'
        )
    for key, label, ext in DOWNLOADS:
        rows.append(
            f'<dt>{label}</dt><dd><pre class="cite-code" id="cite-{key}"><code>{html.escape(recs[key])}</code></pre>'
            f'<button type="button" class="md-button cite-copy" data-copy="cite-{key}">Copy</button> '
            f'<a class="cite-download" href="{html.escape(links[key])}" download>Download .{ext}</a></dd>'
        )
    return (
        '<section class="cite-box" id="cite-this-page">\n'
        '<h2 id="cite-this-page-title">Cite this page</h2>\n'
        f'<p class="cite-version">Version <strong>{html.escape(item["version"])}</strong>, last revised '
        f'<time datetime="{revised.iso()}">{revised.human()}</time>. '
        f'<a class="cite-fixed" href="{html.escape(item["URL"])}">Cite this version</a> · '
        f'<a class="cite-changelog" href="{html.escape(links["changelog"])}">Changes and corrections</a></p>\n'
        f"{notes}"
        f'<dl class="cite-formats">\n' + "\n".join(rows) + "\n</dl>\n</section>\n"
    )
