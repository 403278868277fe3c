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
from archive.content.model import DATE, NUMBER, TITLE_ORIGINAL, fields_for
from archive.content.read import Entity

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
    """CSL-JSON item of one page of the site: the page, its site, editors, version, revision date, URL,
    and the access date (the day this version was built; a reader who cites later puts their own)."""
    item: dict = {"id": entity.id, "type": "webpage"}
    for spec in fields_for(entity.type):
        value = entity.get(spec.name)
        if spec.type != "*" or spec.csl not in ("abstract", "keyword") or value in (None, "", []):
            continue
        item[spec.csl] = spec.form.csl(value)
    csl.set_title(item, entity.title)
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
    if release.built:
        item["accessed"] = csl.csl_date(release.built)
    return item


DOCUMENT_SUFFIX = "-document"  # the id of a document page's second item: the 1989 document itself


def document_item(entity: Entity, index: dict[str, Entity]) -> dict | None:
    """The described document as an archival item (CSL `manuscript`), from the page's front matter only:
    originator, date, kind, language, archive and archival file where the page gives them; nothing else."""
    if entity.type != "document":
        return None
    item: dict = {"id": entity.id + DOCUMENT_SUFFIX, "type": "manuscript"}
    csl.set_title(item, entity.title, entity.get(TITLE_ORIGINAL))
    if entity.get("genre") and "title" in item:
        item["genre"] = entity.get("genre")
    if entity.get("originator"):
        item["author"] = [{"literal": index[i].title} for i in entity.get("originator")]
    if entity.get(DATE):
        item["issued"] = csl.csl_date(entity.get(DATE))
    if entity.get("language"):
        item["language"] = entity.get("language")
    archival_file = index.get(entity.get("file") or "")
    holder = entity.get("archive_holder") or (archival_file.get("holder") if archival_file else None)
    if holder:
        item["archive"] = index[holder].title
    if archival_file:
        number = archival_file.get(NUMBER)
        item["archive_location"] = f"{archival_file.title}, file {number}" if number else archival_file.title
    return item


def issued_iso(item: dict) -> str:
    return "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0])


def _iso(date: dict) -> str:
    return "-".join(f"{p:02d}" for p in date["date-parts"][0])


def bibtex(item: dict) -> str:
    """A biblatex @online entry (Zotero reads it as a web page), written by bibtexparser."""
    day = dates.parse(issued_iso(item))
    fields = {
        # Double braces: a corporate author is one name, not "first last".
        "author": "{" + _tex(item["author"][0]["literal"]) + "}",
        "title": _tex(csl.plain(item.get("title") or "[" + item.get("genre", "") + "]")),
        "organization": _tex(item["container-title"]),
        "date": day.iso(),
        "version": item["version"],
        "url": item["URL"],  # verbatim: url fields are not LaTeX-encoded
        "langid": "english",
    }
    if item.get("accessed"):
        fields["urldate"] = _iso(item["accessed"])
    if item.get("abstract"):
        fields["abstract"] = _tex(item["abstract"])
    if item.get("keyword"):
        fields["keywords"] = _tex(item["keyword"])
    library = bibtexparser.Library()
    library.add(bib.Entry("online", item["id"], [bib.Field(k, v) for k, v in fields.items()]))
    # The entry is built here for this call only: the default stack may modify it in place instead of
    # deep-copying it first (a third of the cost of a page's records).
    return bibtexparser.write_string(library, unparse_stack=default_unparse_stack(allow_inplace_modification=True))


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # no "1." line before TY: plain RIS, as reference managers export it


def ris(item: dict) -> str:
    """An RIS record (TY ELEC, a web page), written by rispy; lines end in CRLF, as the RIS format says."""
    iso = issued_iso(item)
    record = {
        "type_of_reference": "ELEC",
        "id": item["id"],
        "title": csl.plain(item.get("title") or "[" + item.get("genre", "") + "]"),
        "authors": [item["author"][0]["literal"]],
        "secondary_title": item["container-title"],
        "publisher": item["container-title"],
        "year": iso[:4],
        "date": "/".join(iso.split("-")) + "/",
        "edition": item["version"],
        "urls": [item["URL"]],
        "language": item["language"],
        "notes": [f"Version {item['version']}, last revised {iso}"],
    }
    if item.get("accessed"):
        record["access_date"] = "/".join(_iso(item["accessed"]).split("-")) + "/"
    if item.get("abstract"):
        record["abstract"] = item["abstract"]
    if item.get("keyword"):
        record["keywords"] = item["keyword"].split(", ")
    return rispy.dumps([record], implementation=_RisWriter).replace("\r\n", "\n").replace("\n", "\r\n")


def csl_json(*items: dict) -> str:
    """CSL-JSON as reference managers import it: an array of items."""
    return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"


def formatted(pages: list[dict], documents: list[dict] = (), citeproc: csl.Citeproc | None = None) -> dict[str, dict[str, str]]:
    """style -> id -> formatted HTML, every item alone, in one citeproc-js run for all of them. A
    document's Chicago form is its note: Chicago's bibliography leaves out unpublished manuscripts
    whose archive is not known (CMOS 14.114), as the style file does."""
    styles = [style for style, _ in FORMATTED]
    if not pages and not documents:
        return {style: {} for style in styles}
    others = [s for s in styles if s != "chicago"]
    jobs = [{"style": s, "items": list(pages)} for s in styles]
    if documents:
        jobs += [{"style": s, "items": list(documents)} for s in others]
        jobs.append({"style": "chicago", "items": list(documents), "notes": "first"})
    answers = csl.render(jobs, citeproc)
    out = {s: {k: csl.entry(v) for k, v in a["entries"].items()} for s, a in zip(styles, answers)}
    if documents:
        for s, answer in zip(others, answers[len(styles):]):
            out[s].update({k: csl.entry(v) for k, v in answer["entries"].items()})
        out["chicago"].update({k: notes["first"] for k, notes in answers[-1]["notes"].items()})
    return out


def records(item: dict) -> dict[str, str]:
    """The downloadable records of one item, by format key."""
    return {"bibtex": bibtex(item), "ris": ris(item), "csl-json": csl_json(item)}


def _styled_rows(styled: dict[str, str], prefix: str, note: str = "") -> list[str]:
    return [
        f'<dt>{label}{note if style == "chicago" else ""}</dt><dd><div class="cite-text" id="{prefix}-{style}">{styled[style]}</div>'
        f'<button type="button" class="md-button cite-copy" data-copy="{prefix}-{style}">Copy</button></dd>'
        for style, label in FORMATTED
    ]


def document_box(item: dict, styled: dict[str, str], record: str, href: str) -> str:
    """The "Cite the document itself" part of a document page's box: the 1989 document as an archival
    item, apart from the page that describes it."""
    rows = _styled_rows(styled, "cite-document", " (note)")
    rows.append(
        f'<dt>CSL-JSON</dt><dd><pre class="cite-code" id="cite-document-csl-json"><code>{html.escape(record)}</code></pre>'
        f'<button type="button" class="md-button cite-copy" data-copy="cite-document-csl-json">Copy</button> '
        f'<a class="cite-download" href="{html.escape(href)}" download>Download .json</a></dd>'
    )
    return (
        '<h3 id="cite-the-document">Cite the document itself</h3>\n'
        '<p class="cite-document-note">The document this page describes, as an archival item: only what the page '
        "states of it (originator, date, title, file); what is not known is left out. Cite it together with this "
        "page or with the source you read it in, since the editors have not seen most originals.</p>\n"
        '<dl class="cite-formats cite-document">\n' + "\n".join(rows) + "\n</dl>\n"
    )


def cite_box(item: dict, styled: dict[str, str], recs: dict[str, str], links: dict[str, str], notes: str = "",
             document: str = "") -> str:
    """HTML of the "Cite this page" box. `links` holds relative hrefs: changelog, and one per download;
    `notes` is extra HTML after the version line (the page's recorded corrections); `document` the
    "Cite the document itself" part (document_box)."""
    revised = dates.parse(issued_iso(item))
    rows = _styled_rows(styled, "cite")
    for key, label, ext in DOWNLOADS:
        rows.append(
            f'<dt>{label}</dt><dd><pre class="cite-code" id="cite-{key}"><code>{html.escape(recs[key])}</code></pre>'
            f'<button type="button" class="md-button cite-copy" data-copy="cite-{key}">Copy</button> '
            f'<a class="cite-download" href="{html.escape(links[key])}" download>Download .{ext}</a></dd>'
        )
    accessed = ""
    if item.get("accessed"):
        day = dates.parse(_iso(item["accessed"]))
        accessed = (f' The records give <time datetime="{day.iso()}">{day.human()}</time>, the day this version was '
                    "built, as the access date: put the day you read it.")
    return (
        '<section class="cite-box" id="cite-this-page">\n'
        '<h2 id="cite-this-page-title">Cite this page</h2>\n'
        f'<p class="cite-version">Version <strong>{html.escape(item["version"])}</strong>, last revised '
        f'<time datetime="{revised.iso()}">{revised.human()}</time>. '
        f'<a class="cite-fixed" href="{html.escape(item["URL"])}">Cite this version</a> · '
        f'<a class="cite-changelog" href="{html.escape(links["changelog"])}">Changes and corrections</a>{accessed}</p>\n'
        f"{notes}"
        f'<dl class="cite-formats">\n' + "\n".join(rows) + "\n</dl>\n"
        f"{document}</section>\n"
    )


HOW_TO_CITE = "how-to-cite"  # the essay whose worked example is generated from the cite box's own code
EXAMPLE_PAGE = "mofa-position-paper-1989-06-04"  # the page it cites, where the record has it


def worked_example(entity: Entity, item: dict, citeproc: csl.Citeproc | None = None) -> str:
    """Markdown of the How to cite page's worked example: `entity`'s page cited in Chicago notes (first
    and shortened note) and bibliography, APA and MLA, by the same citeproc-js call as every cite box."""
    styled = formatted([item], citeproc=citeproc)
    first, later = csl.format_notes([item], citeproc=citeproc)[item["id"]]

    def quote(label: str, text: str) -> str:
        return f'{label}\n\n<blockquote class="cite-example"><p>{text}</p></blockquote>\n\n'

    return (
        "## A worked example\n\n"
        f"The page on [{html.escape(entity.title)}](../{entity.md_path}), in the version this site was built as "
        f"(version {html.escape(item['version'])}), cited as its Cite this page box cites it: these strings are made "
        "by the same code as the box, so they cannot disagree with it. The address, version and dates are those of "
        "this build; take yours from the box of the page you read.\n\n"
        + quote("Chicago, first note:", "1. " + first)
        + quote("Chicago, shortened note for later references:", "2. " + later)
        + quote("Chicago, bibliography entry:", styled["chicago"][item["id"]])
        + quote("APA:", styled["apa"][item["id"]])
        + quote("MLA:", styled["mla"][item["id"]])
    )
