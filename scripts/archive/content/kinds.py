"""Field kinds: what each value of fields.csv's `kind` column is, in every form the engine gives it.

A kind knows its JSON Schema, its display in a page header, its Dublin Core, schema.org, CSL and CSV
forms, the ids and dates it holds, the prose it holds, and how a value of the wrong form is reported.
`Kind` holds the default behaviour (one plain value); each kind overrides only what differs. A new
kind is one class here and its name in `KINDS`; a new field of an existing kind is a row of fields.csv.

The forms that need the corpus or the page get it from the caller: a `Display` for page headers,
callables for titles and schema.org references. So this module knows nothing of pages or citations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

import csv
from pathlib import Path as _FilePath

from archive.content import dates

if TYPE_CHECKING:
    from archive.content.model import Field

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
URL_PATTERN = r"^https?://[^\s<>\"]+$"
MAX_TEXT = 2000  # a front-matter string longer than this is a mistake, not a title

LANGUAGES_CSV = _FilePath(__file__).with_name("languages.csv")
with LANGUAGES_CSV.open(encoding="utf-8", newline="") as _handle:
    # code -> (name a reader is shown, the code's writing system: "cjk" for text in Chinese characters)
    LANGUAGES: dict[str, tuple[str, str]] = {row["code"]: (row["name"], row["script"]) for row in csv.DictReader(_handle)}


def _language(code: str) -> tuple[str, str]:
    return LANGUAGES.get(code) or LANGUAGES.get(code.split("-")[0]) or (code, "")  # validation allows no other


def language_name(code: str) -> str:
    """The English name of a language code ("Japanese" for ja)."""
    return _language(code)[0]


def writes_cjk(code: str | None) -> bool:
    """Whether a language is written in Chinese characters (its text in them is marked as that language)."""
    return bool(code) and _language(code)[1] == "cjk"


Path = tuple  # a key path inside a field's value, e.g. (0, "org") in a list of roles


class Display(Protocol):
    """What a kind needs to show a value in the header of one page."""

    def esc(self, text: object) -> str:
        """Plain text made safe for the page's Markdown."""

    def link(self, target_id: str) -> str:
        """A link from the page to the page `target_id`."""


class Kind:
    """One plain value: shown, exported and cited as it is."""

    name = ""
    is_relation = False  # a ref or refs field, checked against the types the field allows
    several = False  # a list of plain values, one CSV cell joined with "; "
    in_table = True  # a column of the CSV tables (nested lists are in archive.json only)
    table_type = "string"  # Frictionless field type of the CSV column
    table_pattern = ""  # Frictionless pattern constraint of the CSV column
    pattern_error = "is not in the expected form"

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return page.esc(value)

    def dc_values(self, value, title: Callable[[str], str]) -> list[str]:
        return [str(value)]

    def schema_org(self, value, ref: Callable[[str], dict]):
        return value

    def csl(self, value):
        return value

    def cell(self, value) -> str:
        if value is None:
            return ""
        return "; ".join(self.cell_item(v) for v in value) if self.several else str(value)

    def cell_item(self, item) -> str:
        return str(item)

    def targets(self, value, field: Field) -> list[tuple[Path, str, tuple[str, ...]]]:
        """(path, id, allowed types; empty = any) of every id the value points at."""
        return []

    def dates(self, value) -> list[tuple[Path, object]]:
        """(path, value) of every date the value holds, whatever its form."""
        return []

    def spans(self, value) -> list[tuple[Path, Path]]:
        """(start path, end path) of every span the value holds: an end may not be before its start."""
        return []

    def texts(self, value) -> list[tuple[Path, str]]:
        """(path, text) of the prose the value holds: cited and linked like the body."""
        return []

    def must_cite(self, path: Path) -> bool:
        return False

    def part(self, path: Path) -> Kind:
        """The kind of the value at `path` inside a value of this kind."""
        return self

    def type_error(self, expected: str, found: object) -> str:
        return f"expected {expected}, found {type(found).__name__}"


class Text(Kind):
    name = "text"


class Slug(Kind):
    name = "slug"
    pattern_error = "is not a valid id (lowercase a-z, 0-9 and single hyphens)"

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 120}


class Enum(Kind):
    """One of the values fields.csv lists (`enum:value=Label|...`): the header shows the value's label."""

    name = "enum"

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "string", "enum": list(field.options)}

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return page.esc(field.label_of(value) if field else value)


class Type(Enum):
    """The page's type: one of types.csv (the model gives them as the field's options)."""

    name = "type"


class Lang(Kind):
    """A BCP 47 language code; languages.csv names it for a reader ("Japanese", not "ja")."""

    name = "lang"
    pattern_error = f"is not a language code of {LANGUAGES_CSV.name} (a BCP 47 code such as ja or en; add a row for a new language)"

    def schema(self, field: Field | None = None) -> dict:
        # Only the languages the table names, so that every page can say the language's name.
        return {"type": "string", "pattern": LANG_PATTERN.replace("[a-z]{2,3}", f"({'|'.join(LANGUAGES)})", 1)}

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return page.esc(language_name(value))


class Url(Kind):
    name = "url"
    pattern_error = "is not an http or https URL"

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "string", "pattern": URL_PATTERN, "maxLength": MAX_TEXT}

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return f"<{value}>"


class Int(Kind):
    name = "int"
    table_type = "integer"

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "integer"}


class Date(Kind):
    """ISO 8601 at the precision the sources give."""

    name = "date"
    table_pattern = DATE_PATTERN.strip("^$")
    pattern_error = "is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "string", "pattern": DATE_PATTERN}

    def header(self, value, page: Display, field: Field | None = None) -> str:
        date = dates.parse(value)
        return f"{date.human()} ({date.era()})"

    def csl(self, value) -> dict:
        date = dates.parse(value)
        return {"date-parts": [[p for p in (date.year, date.month, date.day) if p]]}

    def dates(self, value) -> list[tuple[Path, object]]:
        return [((), value)]

    def type_error(self, expected: str, found: object) -> str:
        if expected == "string":
            return 'a date must be a quoted string such as "1989-06-04"'
        return super().type_error(expected, found)


class Ref(Slug):
    """The id of one page, of the types the field allows."""

    name = "ref"
    is_relation = True

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return page.link(value)

    def dc_values(self, value, title: Callable[[str], str]) -> list[str]:
        return [title(value)]

    def schema_org(self, value, ref: Callable[[str], dict]):
        return ref(value)

    def targets(self, value, field: Field) -> list[tuple[Path, str, tuple[str, ...]]]:
        return [((), value, field.targets)] if isinstance(value, str) else []


_TEXT, _SLUG, _DATE = Text(), Slug(), Date()  # also the parts of the kinds below


class Strings(Kind):
    """A list of plain texts."""

    name = "strings"
    several = True

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "array", "items": _TEXT.schema()}

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return ", ".join(page.esc(v) for v in value)

    def dc_values(self, value, title: Callable[[str], str]) -> list[str]:
        return list(value)

    def csl(self, value) -> str:
        return ", ".join(value)


class Slugs(Strings):
    """A list of ids that point nowhere (the ids a page was published under before)."""

    name = "slugs"
    pattern_error = Slug.pattern_error

    def schema(self, field: Field | None = None) -> dict:
        return {"type": "array", "items": _SLUG.schema(), "uniqueItems": True}


class Refs(Slugs):
    """A list of page ids, of the types the field allows."""

    name = "refs"
    is_relation = True

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return ", ".join(page.link(v) for v in value)

    def dc_values(self, value, title: Callable[[str], str]) -> list[str]:
        return [title(v) for v in value]

    def schema_org(self, value, ref: Callable[[str], dict]):
        return [ref(v) for v in value]

    def targets(self, value, field: Field) -> list[tuple[Path, str, tuple[str, ...]]]:
        items = value if isinstance(value, list) else []
        return [((i,), target, field.targets) for i, target in enumerate(items) if isinstance(target, str)]


class Records(Kind):
    """A list of small records: `PARTS` gives the kind of each of their keys."""

    in_table = False
    PARTS: dict[str, Kind] = {}

    def _properties(self) -> dict:
        return {key: kind.schema() for key, kind in self.PARTS.items()}

    def _records(self, value) -> list[tuple[int, dict]]:
        return [(i, record) for i, record in enumerate(value if isinstance(value, list) else []) if isinstance(record, dict)]

    def part(self, path: Path) -> Kind:
        return self.PARTS.get(path[1], self) if len(path) > 1 else self


class Names(Records):
    """Authors: a list of {family, given} or {literal}."""

    name = "names"
    several = True
    in_table = True
    PARTS = {"family": _TEXT, "given": _TEXT, "literal": _TEXT}

    def schema(self, field: Field | None = None) -> dict:
        name = {
            "type": "object",
            "properties": self._properties(),
            "additionalProperties": False,
            "anyOf": [{"required": ["family"]}, {"required": ["literal"]}],
        }
        return {"type": "array", "items": name, "minItems": 1}

    @staticmethod
    def inverted(name: dict) -> str:
        """Family, Given: as a list of references sorts it."""
        return name.get("literal") or ", ".join(filter(None, [name.get("family"), name.get("given")]))

    @staticmethod
    def natural(name: dict) -> str:
        """Given Family: as a reader says it."""
        return name.get("literal") or " ".join(filter(None, [name.get("given"), name.get("family")]))

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return "; ".join(page.esc(self.natural(n)) for n in value)

    def dc_values(self, value, title: Callable[[str], str]) -> list[str]:
        return [self.inverted(n) for n in value]

    def schema_org(self, value, ref: Callable[[str], dict]):
        return [
            {"@type": "Person", "familyName": n["family"], **({"givenName": n["given"]} if n.get("given") else {}),
             "name": " ".join(filter(None, [n.get("given"), n["family"]]))}
            if n.get("family") else {"@type": "Organization", "name": n["literal"]}
            for n in value
        ]

    def cell_item(self, item) -> str:
        return self.inverted(item) if isinstance(item, dict) else str(item)


class Roles(Records):
    """A person's roles: a list of {role, org, start, end}; org is an organisation's id."""

    name = "roles"
    ORG = "org"
    START, END = "start", "end"
    ORG_TYPES = ("organization",)
    PARTS = {"role": _TEXT, ORG: _SLUG, START: _DATE, END: _DATE}

    def schema(self, field: Field | None = None) -> dict:
        role = {"type": "object", "properties": self._properties(), "required": ["role"], "additionalProperties": False}
        return {"type": "array", "items": role}

    def header(self, value, page: Display, field: Field | None = None) -> str:
        return "<br>".join(self._role(r, page) for r in value)

    def _role(self, role: dict, page: Display) -> str:
        text = page.esc(role["role"])
        if role.get(self.ORG):
            text += ", " + page.link(role[self.ORG])
        span = [dates.parse(role[k]).human() for k in (self.START, self.END) if role.get(k)]
        if span:
            text += f" ({' – '.join(span) if len(span) == 2 else ('from ' if role.get(self.START) else 'until ') + span[0]})"
        return text

    def schema_org(self, value, ref: Callable[[str], dict]):
        return [{"@type": "Occupation", "name": r["role"]} for r in value]

    def targets(self, value, field: Field) -> list[tuple[Path, str, tuple[str, ...]]]:
        return [
            ((i, self.ORG), role[self.ORG], self.ORG_TYPES)
            for i, role in self._records(value)
            if isinstance(role.get(self.ORG), str)
        ]

    def dates(self, value) -> list[tuple[Path, object]]:
        return [((i, key), role[key]) for i, role in self._records(value) for key in (self.START, self.END) if key in role]

    def spans(self, value) -> list[tuple[Path, Path]]:
        return [((i, self.START), (i, self.END)) for i, _ in self._records(value)]


class Discrepancies(Records):
    """Errors of the source article: a list of {topic, claim, evidence, verdict}, each part a text of prose."""

    name = "discrepancies"
    TOPIC = "topic"
    # The parts shown under the topic, with their labels on the page.
    SAID = (("claim", "The article says"), ("evidence", "Other sources say"), ("verdict", "Assessment"))
    CITED = ("claim", "evidence")
    ARTICLE = "claim"  # what the article says: its citations name the article (or its versions) discussed
    PARTS = dict.fromkeys((TOPIC, "claim", "evidence", "verdict"), _TEXT)

    def schema(self, field: Field | None = None) -> dict:
        item = {"type": "object", "properties": self._properties(), "required": list(self.PARTS), "additionalProperties": False}
        return {"type": "array", "items": item, "minItems": 1}

    def texts(self, value) -> list[tuple[Path, str]]:
        return [((i, key), item[key]) for i, item in self._records(value) for key in self.PARTS if isinstance(item.get(key), str)]

    def must_cite(self, path: Path) -> bool:
        return path[-1] in self.CITED


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        _SLUG, Type(), _TEXT, Strings(), Refs(), Ref(), Slugs(), _DATE, Lang(), Url(), Int(), Enum(), Names(), Roles(),
        Discrepancies(),
    )
}
