"""JSON Schema checks: a compiled yes/no for every value, jsonschema's detailed errors only for those that fail.

fastjsonschema turns a schema into Python code, which takes longer to build (~30 ms a schema) than to
run over a whole corpus, so the compiled code is kept under build/cache/. A cache entry holds the
exact schema text and the fastjsonschema and Python versions it was compiled with, and is used only
if all three equal the current ones: a changed schema is never checked with stale code. (Entries are
named by a checksum of that key; it only spreads them over files, it is never trusted.)
"""

from __future__ import annotations

import binascii
import json
import marshal
import os
import sys
import types
from pathlib import Path

import fastjsonschema
from fastjsonschema.ref_resolver import RefResolver

CACHE_DIR = Path(__file__).resolve().parents[3] / "build" / "cache" / "schemas"
_checks: dict[str, object] = {}  # schema JSON -> compiled check, for this process


def _schema_key(schema: dict) -> str:
    return json.dumps(schema, sort_keys=True, ensure_ascii=False)


def _cache_key(key: str) -> str:
    """Everything the compiled code depends on."""
    return "\n".join((fastjsonschema.VERSION, sys.version, key))


def _load_cached(path: Path, cache_key: str):
    """(function name, code) from a cache entry made for exactly `cache_key`, else None."""
    try:
        entry = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # absent or damaged: compile again
        return None
    if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == cache_key):
        return None  # made for another schema or by other versions
    _, name, code = entry
    return (name, code) if isinstance(name, str) and isinstance(code, types.CodeType) else None


def _store(path: Path, entry: tuple) -> None:
    """Write atomically (concurrent checks may share the cache); a read-only tree just goes without."""
    import tempfile  # only when compiling, which a warm cache never does

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps(entry))
        os.replace(tmp, path)
    except OSError:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def compiled(schema: dict):
    """The compiled validator of `schema`: returns normally or raises fastjsonschema.JsonSchemaException."""
    key = _schema_key(schema)
    if key in _checks:
        return _checks[key]
    cache_key = _cache_key(key)
    path = CACHE_DIR / f"{binascii.crc32(cache_key.encode('utf-8')):08x}.marshal"
    entry = _load_cached(path, cache_key)
    if entry is None:
        source = fastjsonschema.compile_to_code(schema)
        # The name fastjsonschema.compile gives the root function (it comes from the schema's $id).
        name = RefResolver.from_schema(schema, handlers={}, store={}).get_scope_name()
        entry = (name, compile(source, f"<fastjsonschema {path.name}>", "exec"))
        _store(path, (cache_key, *entry))
    namespace: dict = {}
    exec(entry[1], namespace)
    _checks[key] = namespace[entry[0]]
    return _checks[key]


class Checker:
    """One schema: `errors(data)` is empty at the cost of the compiled check when `data` is valid."""

    def __init__(self, schema: dict):
        self.schema = schema
        self._check = compiled(schema)
        self._explainer = None

    def is_valid(self, data) -> bool:
        try:
            self._check(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def errors(self, data) -> list:
        """jsonschema's errors (Draft 2020-12), in its order; jsonschema is imported only when there are some."""
        if self.is_valid(data):
            return []
        if self._explainer is None:
            from jsonschema import Draft202012Validator

            self._explainer = Draft202012Validator(self.schema)
        return list(self._explainer.iter_errors(data))
