"""Files that a build writes into the site again and again, linked from a store of their bytes instead
(build/cache/records/): the citation records beside each page (citation/records.py, write_downloads).

Creating a file and writing its bytes costs the kernel several times what a hard link to a file already
written costs (the README gives the figures), and from one build to the next almost every record is the
same. Each stored file is named by a digest of its bytes, so a name always holds what it says: a
changed record is a new name, and nothing stored is ever stale, only unused, and removed at the end of
the whole build that stopped using it.

A cache only saves time: where a link cannot be made (the store on another filesystem, or one
without hard links) the file is written as the plain path writes it, and a build without a store
gives the same bytes (tests/test_build_paths.py). The site's file and the stored one are then one
file: the build never writes into a site file in place (write_downloads replaces it), and a web
server or `mike` only reads them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class Store:
    """The stored files in `folder`: link() places one at a path of the site, prune() removes those no
    link() of this Store asked for."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.used: set[str] = set()
        self.linking = True  # False once a link failed for a reason other than a missing file

    def link(self, data: bytes, target: Path) -> bool:
        """Make `target` (not existing; its folder does) the stored file of `data`, storing it first if
        it is new. False where no link can be made here: the caller writes the file itself."""
        if not self.linking:
            return False
        name = hashlib.blake2b(data, digest_size=16).hexdigest() + target.suffix
        stored = self.folder / name
        self.used.add(name)
        try:
            os.link(stored, target)
            return True
        except FileNotFoundError:
            pass  # not stored yet
        except OSError:  # another filesystem, or links not allowed
            self.linking = False
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = stored.with_name(f"{name}.{os.getpid()}.partial")  # whole or absent under its name
            partial.write_bytes(data)
            os.replace(partial, stored)
            os.link(stored, target)
            return True
        except OSError:
            self.linking = False
            return False

    def prune(self) -> None:
        """Remove the stored files this Store did not link (a site built before keeps its own links)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return
        for entry in entries:
            if entry.name not in self.used:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
