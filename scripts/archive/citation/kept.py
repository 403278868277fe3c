"""citeproc-js's answers kept from one build to the next (build/cache/citeproc.sqlite3).

What citeproc-js makes of an item depends only on the item, how it is asked for (alone, as a first
note, in one bibliography with others), the style and locale files, and the code that formats it
(citeproc-js and cite/render.js). A key of all of these names one answer, whatever changed since: an
edited page's item is a new key, so nothing is ever stale, only unused. Formatting is most of what a
build adds to MkDocs's own work, and from one build to the next almost every item is the same.

A cache only saves time: an unreadable file is started afresh, and a build with none (the plain path,
`--no-cache`) formats everything and gives the same bytes (tests/test_kept.py, tests/test_build_paths.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from pathlib import Path

FILE = "citeproc.sqlite3"
KEEP_DAYS = 14  # answers unused for longer are dropped (every page item changes with the access date)


class Kept:
    """The answers kept in `folder`. Each process opens its own connection (forked build steps use it too);
    SQLite serialises their writes."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / FILE
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._today = dt.date.today().isoformat()

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                if getattr(exc, "sqlite_errorname", "") not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                    raise  # busy, or the disk: get() and put() do without the cache
                self.path.unlink(missing_ok=True)  # not a database (a torn or foreign file): start afresh
                self._db = self._open()
            self._pid = os.getpid()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY, value TEXT NOT NULL, used TEXT NOT NULL)")
        return db

    @staticmethod
    def fingerprint(*paths: Path) -> str:
        """A digest of the files that decide an answer's text (style, locale, citeproc-js, render.js)."""
        digest = hashlib.sha256()
        for path in paths:
            digest.update(path.read_bytes())
            digest.update(b"\0")
        return digest.hexdigest()

    @staticmethod
    def key(code: str, how: str, value) -> str:
        """The key of one answer: the formatting code's fingerprint, how it is asked for, what is formatted."""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(f"{code}\0{how}\0{text}".encode("utf-8")).hexdigest()

    def get(self, keys: list[str]) -> dict[str, str]:
        """The answers kept for `keys` (those found), marked as used today; none if the cache cannot be read."""
        if not keys:
            return {}
        found: dict[str, str] = {}
        try:
            db = self._connection()
            with db:
                db.execute("BEGIN IMMEDIATE")  # it writes (the day of use): the write lock first, waited for
                for start in range(0, len(keys), 500):  # SQLite's limit on a statement's parameters
                    some = keys[start:start + 500]
                    marks = ",".join("?" * len(some))
                    found.update(db.execute(f"SELECT key, value FROM kept WHERE key IN ({marks})", some))
                    db.execute(f"UPDATE kept SET used = ? WHERE used != ? AND key IN ({marks})",
                               [self._today, self._today, *some])
        except sqlite3.Error:  # locked past the timeout, disk full, …: format afresh
            return {}
        return found

    def put(self, answers: dict[str, str]) -> None:
        """Keep `answers` (key -> text); what cannot be written is simply not kept."""
        if not answers:
            return
        try:
            db = self._connection()
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO kept VALUES (?, ?, ?)",
                               [(k, v, self._today) for k, v in answers.items()])
                oldest = (dt.date.fromisoformat(self._today) - dt.timedelta(days=KEEP_DAYS)).isoformat()
                db.execute("DELETE FROM kept WHERE used < ?", [oldest])
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None
