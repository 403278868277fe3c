"""Validate a loaded corpus: schema (from the model), identity, dates, relations, citations, markup.

Returns every error at once; never raises on bad content.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from pathlib import Path

from archive.content import changelog, dates, markup, schemas, urls
from archive.content.errors import ContentError
from archive.content.kinds import Kind
from archive.content.model import (
    DATE, END, EVENT_DATES, FOLDERS, FORMERLY, PLAIN_TEXTS, START, SUMMARY, TAGS, TYPES, field, fields_for, json_schema,
    types_where,
)
from archive.content.read import Corpus, Entity, load

# Pages whose every prose paragraph must cite a source.
CITED_PARAGRAPH_TYPES = types_where(lambda t: t.citations != "none")
MUST_CITE_TYPES = types_where(lambda t: t.citations == "required")


def check(docs: Path, cache: dict | None = None) -> tuple[Corpus, list[ContentError]]:
    """`make check`: load and validate every page, the changelog and the manifest of published URLs
    (`cache`: kept between checks by the live preview, so that only changed pages are read and checked again)."""
    corpus = load(docs, cache=None if cache is None else cache.setdefault("read", {}))
    errors = validate(corpus, None if cache is None else cache.setdefault("checked", {}))
    corpus.changelog, log_errors = changelog.load(docs, corpus)
    errors += log_errors + urls.check(corpus, docs)
    return corpus, sorted(errors)


def validate(corpus: Corpus, kept: dict | None = None) -> list[ContentError]:
    """Every error. `kept` (path -> the entity, the ids its check looked up, its errors; and what a
    check could learn of every id), kept by the caller between calls: an entity checked before is not
    checked again while it and every id it looked up are as they were."""
    errors = list(corpus.errors)
    known = _identity(corpus, errors)
    # A page that could not be read is already reported; links to it would only repeat that.
    known.update({ident: None for ident in corpus.unreadable if ident not in known})
    changed = None  # the ids a check would learn something else of than at the last call
    if kept is not None:
        states, before = {ident: _state(known, ident) for ident in known}, kept.get(_STATES)
        if before is not None:
            changed = {ident for ident in states.keys() | before.keys() if states.get(ident) != before.get(ident)}
        kept[_STATES] = states
    for entity in corpus.entities:
        if entity.type not in TYPES or not isinstance(entity.id, str):
            continue
        last = kept.get(entity.path) if kept is not None else None
        # Checked before, and no id it looked up has changed since: each call rechecks the pages that
        # looked up an id that changed in it, so comparing with the last call is enough.
        if last is not None and last[0] is entity and changed is not None and last[1].isdisjoint(changed):
            errors.extend(last[2])
            continue
        looked_up = _Lookups(known)
        found = _schema_errors(entity) + _date_errors(entity) + _relation_errors(entity, looked_up) + _body_errors(entity, looked_up)
        errors.extend(found)
        if kept is not None:
            kept[entity.path] = (entity, frozenset(looked_up.asked), found)
    return sorted(set(errors))


_STATES = ("id states",)  # validate()'s key in `kept` for the last call's _state of every id (no path is a tuple)


def _state(known: dict, ident: str):
    """What a check can learn of an id: unknown, unreadable (None) or an entity of a type."""
    return ("unknown",) if ident not in known else (known[ident] and known[ident].type,)


class _Lookups:
    """The id index as the checks read it (`in`, `[]`, get), recording which ids they ask about."""

    def __init__(self, known: dict):
        self.known, self.asked = known, set()

    def __contains__(self, key):
        self.asked.add(key)
        return key in self.known

    def __getitem__(self, key):
        self.asked.add(key)
        return self.known[key]

    def get(self, key, default=None):
        self.asked.add(key)
        return self.known.get(key, default)


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _stem(path: str) -> str:
    """PurePosixPath(path).stem, without the object (every page's, every round of the live preview)."""
    return posixpath.splitext(posixpath.basename(path))[0]


def _identity(corpus: Corpus, errors: list[ContentError]) -> dict[str, Entity]:
    """Types, ids, file names and folders; returns the id index of well-identified entities."""
    known: dict[str, Entity | None] = {}
    # A page whose file name matches its id owns the id; a copy elsewhere is the duplicate.
    ordered = sorted(corpus.entities, key=lambda e: (_stem(e.path) != e.data.get("id"), e.path))
    for entity in ordered:
        data = entity.data
        for required in ("id", "type", "title"):
            if required not in data:
                errors.append(ContentError(entity.path, entity.line(), f"missing required field '{required}'"))
        type_name = data.get("type")
        if "type" in data and type_name not in TYPES:
            errors.append(
                ContentError(
                    entity.path, entity.line("type"), f"unknown type '{type_name}' (expected one of: {', '.join(TYPES)})"
                )
            )
            if isinstance(data.get("id"), str):
                known.setdefault(data["id"], None)  # reported once here, not again by every link to it
            continue
        ident = data.get("id")
        if ident is None or type_name is None:
            continue
        if not isinstance(ident, str):
            errors.append(ContentError(entity.path, entity.line("id"), "id must be a lowercase slug string"))
            continue
        folder, name = posixpath.split(entity.path)
        if _stem(name) != ident:
            errors.append(
                ContentError(entity.path, entity.line("id"), f"id '{ident}' does not match the file name '{name}'")
            )
        if posixpath.basename(folder) != FOLDERS[type_name]:
            errors.append(
                ContentError(
                    entity.path, entity.line("type"), f"{article(type_name)} {type_name} page belongs in docs/{FOLDERS[type_name]}/"
                )
            )
        if ident in known:
            first = known[ident]
            errors.append(
                ContentError(
                    entity.path, entity.line("id"), f"duplicate id '{ident}' (also used by {first.path}:{first.line('id')})"
                )
            )
            continue
        known[ident] = entity
    for entity in filter(None, known.values()):
        for i, old in enumerate(entity.get(FORMERLY) or []):
            if isinstance(old, str) and old in known:
                errors.append(
                    ContentError(
                        entity.path,
                        entity.line(FORMERLY, i),
                        f"former id '{old}' is in use by {getattr(known[old], 'path', 'another page')}: ids are never reused",
                    )
                )
    return known


@lru_cache(maxsize=None)
def _checker(type_name: str) -> schemas.Checker:
    return schemas.Checker(json_schema(type_name))  # compiled once per type and process


def _schema_errors(entity: Entity) -> list[ContentError]:
    out = []
    for error in _checker(entity.type).errors(entity.data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and not path:
            path = (sorted(set(entity.data) - set(error.schema.get("properties", {})))[0],)
            message = _message(entity, error, ())
        else:
            message = _message(entity, error, path)
        out.append(ContentError(entity.path, entity.line(*path), message))
    return out


def _message(entity: Entity, error, path: tuple) -> str:
    """A reader's message for a JSON Schema error."""
    where = ".".join(str(p) for p in path)
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1]
        return f"missing required field '{where + '.' if where else ''}{missing}'"
    if kind == "additionalProperties" and not path:
        extras = sorted(set(entity.data) - set(error.schema.get("properties", {})))
        return f"unknown field '{', '.join(extras)}' for {article(entity.type)} {entity.type} (see scripts/archive/content/fields.csv)"
    wording = _WORDING.get(kind)
    if wording is not None:
        return f"{where}: {wording(error, _part(entity, path))}"
    return f"{where}: {error.message}" if where else error.message


# JSON Schema keyword -> what a reader is told after the value's path (the kind words its own patterns).
_WORDING = {
    "pattern": lambda error, kind: f"'{error.instance}' {kind.pattern_error}",
    "enum": lambda error, kind: f"'{error.instance}' is not one of: {', '.join(map(str, error.validator_value))}",
    "type": lambda error, kind: kind.type_error(error.validator_value, error.instance),
    "maxLength": lambda error, kind: f"value is longer than {error.validator_value} characters",
    "minLength": lambda error, kind: "value is empty",
    "uniqueItems": lambda error, kind: "the list repeats an item",
    "const": lambda error, kind: f"expected '{error.validator_value}'",
}


def _part(entity: Entity, path: tuple) -> Kind:
    """The kind of the front-matter value at `path`."""
    spec = field(entity.type, path[0]) if path and isinstance(path[0], str) else None
    return spec.form.part(path[1:]) if spec else Kind()


def _date_errors(entity: Entity) -> list[ContentError]:
    out = []
    parsed: dict[tuple, dates.PartialDate] = {}

    def check(value, *path):
        try:
            parsed[path] = dates.parse(value)
        except ValueError as exc:
            out.append(ContentError(entity.path, entity.line(*path), f"{'.'.join(map(str, path))}: {exc}"))

    for spec in fields_for(entity.type):
        if spec.name in entity.data:
            value = entity.data[spec.name]
            for path, date in spec.form.dates(value):
                check(date, spec.name, *path)
            for start_path, end_path in spec.form.spans(value):
                start, end = parsed.get((spec.name, *start_path)), parsed.get((spec.name, *end_path))
                if start and end and end.last_day < start.first_day:
                    out.append(ContentError(entity.path, entity.line(spec.name, *end_path), f"{spec.name}: end is before start"))
    start, end = parsed.get((START,)), parsed.get((END,))
    if start and end and end.last_day < start.first_day:
        out.append(
            ContentError(entity.path, entity.line(END), f"{END} {end.iso()} is before {START} {start.iso()}")
        )
    if entity.type == "event":
        has_date, has_start, has_end = (name in entity.data for name in EVENT_DATES)
        if has_date and (has_start or has_end):
            out.append(ContentError(entity.path, entity.line(DATE), f"an event has either '{DATE}' or '{START}'/'{END}', not both"))
        elif not has_date and not has_start:
            out.append(ContentError(entity.path, entity.line(), f"an event needs '{DATE}' or '{START}' (quote it: \"1989-06-04\")"))
        elif has_end and not has_start:
            out.append(ContentError(entity.path, entity.line(END), f"'{END}' without '{START}'"))
    return out


def _relation_errors(entity: Entity, known: dict[str, Entity]) -> list[ContentError]:
    out = []

    def check(target, targets, *path):
        where = path[0]
        if target not in known:
            out.append(ContentError(entity.path, entity.line(*path), f"{where}: unknown id '{target}'"))
        elif known[target] is not None and targets and known[target].type not in targets:
            out.append(
                ContentError(
                    entity.path,
                    entity.line(*path),
                    f"{where}: '{target}' is {article(known[target].type)} {known[target].type}, expected {' or '.join(targets)}",
                )
            )

    for spec in fields_for(entity.type):
        for path, target, targets in spec.form.targets(entity.data.get(spec.name), spec):
            check(target, targets, spec.name, *path)
    return out


def _text_errors(entity: Entity, text: str, line: int, known: dict[str, Entity]) -> list[ContentError]:
    """Citation, link, URL and raw-HTML errors in one line of prose."""
    out = []
    if len(text) > markup.MAX_LINE:
        return [ContentError(entity.path, line, f"line is {len(text)} characters long (limit {markup.MAX_LINE})")]
    citations, malformed = markup.citations_in(text, line)
    for raw in malformed:
        out.append(ContentError(entity.path, line, f"malformed citation {raw!r}: write [@source-id] or [@source-id, locator]"))
    for citation in citations:
        for item in citation.items:
            target = known.get(item.source)
            if item.source not in known:
                out.append(ContentError(entity.path, line, f"citation of unknown source '@{item.source}'"))
            elif target is not None and target.type != "source":
                out.append(
                    ContentError(entity.path, line, f"'@{item.source}' is {article(target.type)} {target.type}, not a source: link it with [[{item.source}]]")
                )
    for match in markup.WIKILINK_RE.finditer(markup.prose(text)) if "[[" in text else ():
        target = match.group(1).strip()
        if target not in known:
            out.append(ContentError(entity.path, line, f"link to unknown id '[[{target}]]'"))
    for tag in markup.raw_html(text):
        out.append(ContentError(entity.path, line, f"raw HTML {tag[:40]!r} is not allowed: write Markdown"))
    for url in markup.unsafe_urls(text):
        out.append(ContentError(entity.path, line, f"unsafe link URL {url[:60]!r}: only http, https, mailto or relative links"))
    return out


def _body_errors(entity: Entity, known: dict[str, Entity]) -> list[ContentError]:
    out = []
    cited = False
    for line, text, is_code in markup.body_lines(entity.body, entity.body_line):
        if is_code:
            if len(text) > markup.MAX_LINE:
                out.append(ContentError(entity.path, line, f"line is {len(text)} characters long (limit {markup.MAX_LINE})"))
            continue
        if markup.nesting_depth(text) > markup.MAX_NESTING:
            out.append(ContentError(entity.path, line, f"nested more than {markup.MAX_NESTING} levels deep"))
            continue
        out.extend(_text_errors(entity, text, line, known))
        if not cited:
            cited = bool(markup.citations_in(text, line)[0])
    # Front-matter prose: the texts fields hold, and the one-line texts printed as they are.
    for spec in fields_for(entity.type):
        for path, value in spec.form.texts(entity.get(spec.name)):
            line = entity.line(spec.name, *path)
            out.extend(_text_errors(entity, value, line, known))
            if spec.form.must_cite(path) and not markup.citations_in(value, 0)[0]:
                out.append(ContentError(entity.path, line, f"{spec.name}: '{path[-1]}' must cite a source"))
    for key in PLAIN_TEXTS:
        value = entity.get(key)
        if isinstance(value, str) and "\n" not in value:
            for tag in markup.raw_html(value):
                out.append(ContentError(entity.path, entity.line(key), f"{key}: raw HTML {tag[:40]!r} is not allowed"))
            if key == SUMMARY and markup.CITATION_RE.search(value):
                out.append(ContentError(entity.path, entity.line(key), f"{SUMMARY}: no citations here; cite in the body"))
    for i, tag in enumerate(entity.get(TAGS) or []):
        # Topic labels are printed as they are by Material's tags and the print page: no markup at all.
        if isinstance(tag, str) and ("<" in tag or ">" in tag):
            out.append(ContentError(entity.path, entity.line(TAGS, i), f"{TAGS}: {tag[:40]!r} may not contain < or >"))
    if entity.type in MUST_CITE_TYPES and not cited:
        out.append(ContentError(entity.path, entity.body_line, f"{article(entity.type)} {entity.type} page must cite at least one source in its body"))
    if entity.type in CITED_PARAGRAPH_TYPES:
        out.extend(_uncited_paragraphs(entity))
    return out


def _uncited_paragraphs(entity: Entity) -> list[ContentError]:
    """Every prose paragraph (not headings, lists of links, tables or code) must carry a citation."""
    out = []
    block: list[tuple[int, str]] = []

    def flush():
        if block:
            text = " ".join(t for _, t in block)
            if not markup.CITATION_RE.search(markup.prose(text)) and _is_prose(text):
                out.append(ContentError(entity.path, block[0][0], "paragraph has no citation: add [@source-id, locator]"))
        block.clear()

    for line, text, is_code in markup.body_lines(entity.body, entity.body_line):
        stripped = text.strip()
        if is_code or not stripped or stripped.startswith(("#", "|", "---", "***")):
            flush()
            continue
        if stripped.startswith(("- ", "* ", "+ ")) or stripped[:3].rstrip(".").isdigit():
            flush()  # each list item is judged on its own
        block.append((line, stripped))
    flush()
    return out


def _is_prose(text: str) -> bool:
    """A claim-bearing paragraph: more than a short label or a list of links."""
    without_links = markup.WIKILINK_RE.sub("", text)
    words = [w for w in without_links.replace("-", " ").split() if any(c.isalnum() for c in w)]
    return len(words) >= 8 or any("\u3040" <= c <= "\u9fff" for c in without_links)
