"""What generating the tree keeps from one build to the next (build/cache/generation.pickle).

The live preview regenerates after an edit only what the edit changed: tree.Regenerator keeps each
generated part with the objects it was made from (Memo), and each authored file's Entity (read.load's
cache). A build keeps that state when it ends, so that the next one starts from it: a file whose bytes
are unchanged is not parsed or checked again, a part whose inputs are unchanged is not made again,
and the editor's loop (edit, `make site`) regenerates what an edit reaches, not the whole archive.

The state holds for one engine and one configuration: its key digests the engine's code and the
build's settings, and a file of another key is not used. The settings leave out the build's date
(and SOURCE_DATE_EPOCH's revision date): every part that shows it (citations' access dates, the open
data, the feed) has the release among its inputs, so a new day remakes those parts only. An authored
file is taken as it was only if its bytes are (the digest of the bytes parsed is kept with each): a
checkout or a copy may keep a file's modification time or change it, whatever its bytes.

A cache only saves time: a missing, torn or foreign file is ignored, and a build without one (the
plain path, `--no-cache`) gives the same bytes (tests/test_build_paths.py). It is a pickle, so it is
read only from the build's own cache folder, never from elsewhere.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import sys
from pathlib import Path

from archive.citation.kept import Kept
from archive.content.read import file_digest, file_signature

FILE = "generation.pickle"
ENGINE = Path(__file__).resolve().parents[1]  # scripts/archive: the code that generates
ROOT = ENGINE.parents[1]
# Beside the engine, what decides a citation's text (kept parts hold formatted citations) and the pins.
ALSO = ("cite/render.js", "cite/package-lock.json", "requirements.txt")


def key(release, limits, docs: Path, out: Path) -> str:
    """The key of a state: the engine's code, the release but for its dates, the limits and folders."""
    code = sorted(p for p in ENGINE.rglob("*") if p.suffix in (".py", ".csv") and p.is_file())
    settings = (dataclasses.replace(release, built="", revised=None), limits, str(docs), str(out), sys.version)
    return Kept.fingerprint(*code, *(ROOT / name for name in ALSO if (ROOT / name).is_file())) + repr(settings)


def restore(folder: Path, wanted: str) -> tuple | None:
    """(memo, read cache) as the last build with key `wanted` left them, each authored file's entry kept
    only if the file's bytes are the same; None if there is no such state."""
    collecting = gc.isenabled()
    gc.disable()  # the collector would walk the objects being loaded again and again (four times the load)
    try:
        with (folder / FILE).open("rb") as stream:
            if pickle.load(stream) != wanted:  # the key first: a foreign state is not loaded
                return None
            memo, read = pickle.load(stream)
    except Exception:  # noqa: BLE001 - missing, torn, or made by other code: a cache only saves time
        return None
    finally:
        if collecting:
            gc.enable()
    files = read.get("read", {})
    for name, entry in list(files.items()):
        now = _same(Path(name), entry[-1])
        if now is None:
            del files[name]
        else:
            files[name] = (now, *entry[1:])
    return memo, read


def save(folder: Path, wanted: str, memo, read: dict) -> None:
    """Keep `memo` and `read` (tree.Regenerator's) under key `wanted`: written whole, then moved into
    place, so that a build reading it meanwhile finds the old state or the new one."""
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    partial = folder / f"{FILE}.{os.getpid()}"
    try:
        with partial.open("wb") as stream:
            pickle.dump(wanted, stream, pickle.HIGHEST_PROTOCOL)
            pickle.dump((memo, read), stream, pickle.HIGHEST_PROTOCOL)
        os.replace(partial, folder / FILE)
    finally:
        partial.unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    """Remove what a killed save left (FILE.<pid> of a process that is gone)."""
    for partial in folder.glob(f"{FILE}.*"):
        pid = partial.suffix[1:]
        if pid.isdigit() and not _running(int(pid)):
            partial.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: running
        pass
    return True


def _same(path: Path, digest: bytes) -> tuple | None:
    """The file's signature (read.file_signature) now, if its bytes have `digest`; else None."""
    try:
        before = file_signature(path)
        data = path.read_bytes()
        after = file_signature(path)
    except OSError:
        return None
    return after if before == after and file_digest(data) == digest else None
