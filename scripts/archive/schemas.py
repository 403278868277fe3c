"""JSON Schema checks: a compiled yes/no for every value, jsonschema's detailed errors only for those that fail.

fastjsonschema turns a schema into Python code, which takes longer to build (~30 ms a schema) than to
run over a whole corpus, so the compiled code is kept under build/cache/. A cache file is named by a
hash of the schema itself and of the fastjsonschema and Python versions that made it: a changed
schema has another name, so stale code is never run, only left behind.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import tempfile
from pathlib import Path

import fastjsonschema
from fastjsonschema.ref_resolver import RefResolver

CACHE_DIR = Path(__file__).resolve().parents[2] / "build" / "cache" / "schemas"
_checks: dict[str, object] = {}  # schema JSON -> compiled check, for this process


def _schema_key(schema: dict) -> str:
    return json.dumps(schema, sort_keys=True, ensure_ascii=False)


def _cache_file(key: str) -> Path:
    digest = hashlib.sha256("\n".join((fastjsonschema.VERSION, sys.version, key)).encode("utf-8")).hexdigest()
    return CACHE_DIR / f"{digest}.marshal"


def _load_cached(path: Path):
    try:
        name, code = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # absent, truncated or foreign: build it again
        return None
    return name, code


def _store(path: Path, entry: tuple) -> None:
    """Write atomically (concurrent checks may share the cache); a read-only tree just goes without."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps(entry))
        os.replace(tmp, path)
    except OSError:
        pass


def compiled(schema: dict):
    """The compiled validator of `schema`: returns normally or raises fastjsonschema.JsonSchemaException."""
    key = _schema_key(schema)
    if key in _checks:
        return _checks[key]
    path = _cache_file(key)
    entry = _load_cached(path)
    if entry is None:
        source = fastjsonschema.compile_to_code(schema)
        # The name fastjsonschema.compile gives the root function (it comes from the schema's $id).
        name = RefResolver.from_schema(schema, handlers={}, store={}).get_scope_name()
        entry = (name, compile(source, f"<fastjsonschema {path.name}>", "exec"))
        _store(path, entry)
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
