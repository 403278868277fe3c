"""What generating the tree keeps from one build to the next (build/cache/generation.pickle).

The live preview regenerates after an edit only what the edit changed: tree.Regenerator keeps each
generated page with the objects it was made from (Memo), and each authored file's Entity (check()'s
cache). A build keeps that state when it ends, so that the next one starts from it: a page whose
inputs are unchanged is neither read nor generated again, and the editor's loop (edit, `make site`)
regenerates what an edit reaches, not the whole archive.

The state holds for one engine and one configuration only: its key digests the engine's code and
the build's release, limits and folders, and a file of another key is not used. An authored file is
taken as it was only if its bytes are (a digest is kept with the state): a checkout or a copy may keep
a file's modification time or change it, whatever its bytes.

A cache only saves time: a missing, torn or foreign file is ignored, and a build without one (the
plain path, `--no-cache`) gives the same bytes (tests/test_build_paths.py).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from pathlib import Path

from archive.citation.kept import Kept
from archive.content.read import file_signature

FILE = "generation.pickle"
ENGINE = Path(__file__).resolve().parents[1]  # scripts/archive: the code that generates
ROOT = ENGINE.parents[1]
# Beside the engine, what decides a citation's text (a serial build formats the bibliography in this
# process, so it is kept with the state) and the pinned packages.
ALSO = ("cite/render.js", "cite/package-lock.json", "requirements.txt")


def key(*settings) -> str:
    """The key of a state: the engine's code and `settings` (the release, limits and folders, by repr)."""
    code = sorted(p for p in ENGINE.rglob("*") if p.suffix in (".py", ".csv") and p.is_file())
    return Kept.fingerprint(*code, *(ROOT / name for name in ALSO if (ROOT / name).is_file())) + repr((*settings, sys.version))


def restore(folder: Path, wanted: str) -> tuple | None:
    """(memo, read cache) as the last build with key `wanted` left them, each authored file's entry kept
    only if the file's bytes are the same; None if there is no such state."""
    collecting = gc.isenabled()
    gc.disable()  # the collector would walk the objects being loaded again and again (four times the load)
    try:
        with (folder / FILE).open("rb") as stream:
            if pickle.load(stream) != wanted:  # the key first: a foreign state is not loaded
                return None
            memo, read, digests = pickle.load(stream)
    except Exception:  # noqa: BLE001 - missing, torn, or made by other code: a cache only saves time
        return None
    finally:
        if collecting:
            gc.enable()
    files = read.get("read", {})
    for name, entry in list(files.items()):
        now = _same(Path(name), digests.get(name))
        if now is None:
            del files[name]
        else:
            files[name] = (now, *entry[1:])
    return memo, read


def save(folder: Path, wanted: str, memo, read: dict) -> None:
    """Keep `memo` and `read` (tree.Regenerator's) under key `wanted`, with a digest of each authored
    file read as it was read; written whole, then moved into place."""
    digests = {}
    for name, entry in read.get("read", {}).items():
        try:
            data = Path(name).read_bytes()
            if file_signature(Path(name)) == entry[0]:  # unchanged since it was read, so these are its bytes
                digests[name] = hashlib.blake2b(data).digest()
        except OSError:
            pass
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{FILE}.{os.getpid()}"
    try:
        with partial.open("wb") as stream:
            pickle.dump(wanted, stream, pickle.HIGHEST_PROTOCOL)
            pickle.dump((memo, read, digests), stream, pickle.HIGHEST_PROTOCOL)
        os.replace(partial, folder / FILE)
    finally:
        partial.unlink(missing_ok=True)


def _same(path: Path, digest: bytes | None) -> tuple | None:
    """The file's signature (read.file_signature) now, if its bytes have `digest`; else None."""
    if digest is None:
        return None
    try:
        before = file_signature(path)
        data = path.read_bytes()
        after = file_signature(path)
    except OSError:
        return None
    return after if before == after and hashlib.blake2b(data).digest() == digest else None
