"""Read authored pages from docs/ into entities. Reading never raises on bad content: it records errors."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from archive.content import frontmatter
from archive.content.errors import ContentError
from archive.content.model import FOLDERS

if TYPE_CHECKING:
    from archive.content.changelog import Changelog

CONTENT_FOLDERS = tuple(FOLDERS.values())


@dataclass
class Entity:
    path: str  # as shown in messages, e.g. docs/documents/x.md
    data: dict
    lines: dict
    body: str
    body_line: int
    fm_end_line: int
    # What later steps work out from the page alone (its sort key), kept with it: an unchanged file's
    # Entity is the same object from one round of the live preview to the next, and its data is never
    # changed once read (so its id, type, title and paths, read very often, are cached_property).
    derived: dict = field(default_factory=dict, compare=False, repr=False)
    # What one build works out from the page and uses several times (its parsed citations), but not
    # kept with the generation's state: a later build reuses what was made from an unchanged page,
    # never these, which would only make the state slower to load.
    parsed: dict = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "parsed": {}}

    @cached_property
    def id(self) -> str:
        return self.data.get("id", "")

    @cached_property
    def type(self) -> str:
        return self.data.get("type", "")

    @cached_property
    def title(self) -> str:
        return str(self.data.get("title", self.id))

    def get(self, name: str, default=None):
        return self.data.get(name, default)

    def line(self, *key_path) -> int:
        """Line of a front-matter value, or of its nearest recorded parent, or of the front matter's start."""
        path = tuple(key_path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    @cached_property
    def md_path(self) -> str:
        """Path of the generated page inside the generated docs tree: the URL comes from type and id only."""
        return f"{FOLDERS[self.type]}/{self.id}.md"

    @cached_property
    def url_path(self) -> str:
        return f"{FOLDERS[self.type]}/{self.id}/"


@dataclass
class Corpus:
    root: Path
    entities: list[Entity] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    # Ids (file names) of pages that could not be read: links to them are not reported again.
    unreadable: set[str] = field(default_factory=set)
    changelog: Changelog | None = None  # docs/changelog.md, read once by validate.check()

    def by_id(self) -> dict[str, Entity]:
        # First definition wins; duplicates are reported by validation.
        index: dict[str, Entity] = {}
        for entity in self.entities:
            if isinstance(entity.id, str):
                index.setdefault(entity.id, entity)
        return index

    def of_type(self, type_name: str) -> list[Entity]:
        return [e for e in self.entities if e.type == type_name]


def display_path(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def read_text(path: Path, shown: str, raw: bytes | None = None) -> tuple[str | None, list[ContentError]]:
    """Decode a file (`raw`: its bytes, read already) as UTF-8 without BOM; report where it is not."""
    raw = path.read_bytes() if raw is None else raw
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [ContentError(shown, 1, "file starts with a byte-order mark (BOM): save it as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}): save it as UTF-8"
        return None, [ContentError(shown, line, message)]
    if "\x00" in text:
        return None, [ContentError(shown, text.count("\n", 0, text.index("\x00")) + 1, "file contains a NUL byte")]
    return text.replace("\r\n", "\n"), []


def load_file(path: Path, base: Path, raw: bytes | None = None) -> tuple[Entity | None, list[ContentError]]:
    shown = display_path(path, base)
    text, errors = read_text(path, shown, raw)
    if text is None:
        return None, errors
    parsed = frontmatter.split(text, shown)
    if parsed.errors:
        return None, parsed.errors
    return Entity(shown, parsed.data, parsed.lines, parsed.body, parsed.body_line, parsed.fm_end_line), []


def content_files(docs: Path) -> list[str]:
    """Authored entity pages: every .md file in a content folder, sorted by path parts within each (so
    output is deterministic). Strings listed with os.walk, which does not enter linked folders: the
    live preview lists the whole corpus every round, and pathlib's objects cost more than the listing."""
    names: list[str] = []
    for folder in CONTENT_FOLDERS:
        top = os.path.join(docs, folder)
        found = []
        for where, _, files in os.walk(top):
            parts = tuple(os.path.relpath(where, top).split(os.sep)) if where != top else ()
            found.extend((*parts, name) for name in files if name.endswith(".md"))
        names.extend(os.path.join(top, *parts) for parts in sorted(found))
    return names


def load(docs: Path, base: Path | None = None, cache: dict | None = None) -> Corpus:
    """Load every entity page under `docs`. Paths in messages are relative to `base` (default: docs' parent).

    `cache`, kept by the caller from one load to the next (the live preview, and a build through the
    state it keeps, pages/state.py), makes a file whose size and modification time are unchanged give
    the same Entity object again instead of being parsed: path -> (signature, entity, errors, digest of
    the bytes parsed)."""
    base = base or docs.parent
    corpus = Corpus(docs)
    names = content_files(docs)
    for name in names:
        entity, errors = _load_cached(name, base, cache) if cache is not None else load_file(Path(name), base)
        corpus.errors.extend(errors)
        if entity is None:
            corpus.unreadable.add(Path(name).stem)
        else:
            corpus.entities.append(entity)
    if cache is not None:  # forget deleted files
        for gone in set(cache) - set(names):
            del cache[gone]
    return corpus


def file_signature(path: Path | str) -> tuple:
    """What tells, without reading it, that a file is as it was (load's cache): its modification time,
    size and inode."""
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def file_digest(raw: bytes) -> bytes:
    """The digest of a file's bytes kept with its entry in load's cache (what pages/state.py compares)."""
    return hashlib.blake2b(raw).digest()


def _load_cached(name: str, base: Path, cache: dict) -> tuple[Entity | None, list[ContentError]]:
    signature = file_signature(name)
    kept = cache.get(name)
    if kept is None or kept[0] != signature:
        path = Path(name)
        raw = path.read_bytes()  # read after the signature: a file changed meanwhile is read again next time
        kept = cache[name] = (signature, *load_file(path, base, raw), file_digest(raw))
    return kept[1], kept[2]
