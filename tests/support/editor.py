"""Random edits of the kinds an editor makes, on a copy of the fixture corpus (the live preview's and
the graph's tests)."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

WIKILINK = re.compile(r"\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")


class Editor:
    """Random edits of the kinds an editor makes, on a copy of the fixture corpus."""

    def __init__(self, docs: Path, seed: int):
        self.docs, self.rng, self.added = docs, random.Random(seed), []

    def pages(self, *folders: str) -> list[Path]:
        return sorted(p for f in folders or ("documents", "events", "people", "organizations", "sources", "essays", "files")
                      for p in (self.docs / f).glob("*.md"))

    def ids(self) -> list[str]:
        return [p.stem for p in self.pages()]

    def retitle(self) -> str:
        page = self.rng.choice(self.pages())
        text = page.read_text(encoding="utf-8")
        new = re.sub(r'^title: "?(.*?)"?$', lambda m: f'title: "{m.group(1)} (rev. {self.rng.randint(1, 99)})"', text,
                     count=1, flags=re.M)
        page.write_text(new, encoding="utf-8")
        return f"retitled {page.name}"

    def redate(self) -> str:
        page = self.rng.choice(self.pages("documents"))
        text = page.read_text(encoding="utf-8")
        day = f"1989-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        page.write_text(re.sub(r'^date: .*$', f'date: "{day}"', text, count=1, flags=re.M), encoding="utf-8")
        return f"dated {page.name} {day}"

    def backdate(self) -> str:
        """Last saved on another day (as a file checked out, or edited, after its last commit): the page's
        revision date changes, its text does not."""
        page = self.rng.choice(self.pages())
        when = 1608681600 + 86400 * self.rng.randint(0, 2000)  # from 23 December 2020
        os.utime(page, (when, when))
        return f"backdated {page.name}"

    def link(self) -> str:
        page = self.rng.choice(self.pages("documents", "events", "people"))
        target = self.rng.choice([i for i in self.ids() if i != page.stem])
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(" [@", f" (see [[{target}]]) [@", 1), encoding="utf-8")
        return f"linked {page.name} to {target}"

    def unlink(self) -> str:
        linked = [p for p in self.pages() if WIKILINK.search(p.read_text(encoding="utf-8").split("---", 2)[2])]
        page = self.rng.choice(linked)
        head, body = page.read_text(encoding="utf-8").rsplit("\n---\n", 1)
        body = WIKILINK.sub(lambda m: m.group(2) or "that page", body, count=1)
        page.write_text(f"{head}\n---\n{body}", encoding="utf-8")
        return f"unlinked a page from {page.name}"

    def add(self) -> str:
        ident = f"person-added-{len(self.added) + 1}"
        other = self.rng.choice(self.ids())
        (self.docs / "people" / f"{ident}.md").write_text(
            f"---\nid: {ident}\ntype: person\ntitle: Added Person {len(self.added) + 1}\n---\n"
            f"An added person, who appears beside [[{other}]] [@src-alpha].\n", encoding="utf-8")
        self.added.append(ident)
        return f"added {ident} (linking {other})"

    def delete(self) -> str:
        if not self.added:
            return self.add()
        ident = self.added.pop(self.rng.randrange(len(self.added)))
        for page in self.pages():  # links to it first, as an editor must
            text = page.read_text(encoding="utf-8")
            if f"[[{ident}]]" in text:
                page.write_text(text.replace(f"[[{ident}]]", "a person since removed"), encoding="utf-8")
        (self.docs / "people" / f"{ident}.md").unlink()
        return f"deleted {ident}"

    def release(self) -> str:
        """A document said to be released by an event, or no longer: the event's inverse lists change."""
        page = self.rng.choice(self.pages("documents"))
        text = page.read_text(encoding="utf-8")
        if re.search(r"^release: ", text, flags=re.M):
            page.write_text(re.sub(r"^release: .*\n", "", text, count=1, flags=re.M), encoding="utf-8")
            return f"{page.name} no longer released"
        event = self.rng.choice([p.stem for p in self.pages("events")])
        page.write_text(text.replace("\n---\n", f"\nrelease: {event}\n---\n", 1), encoding="utf-8")
        return f"{page.name} released by {event}"

    EDITS = (retitle, redate, backdate, link, unlink, add, delete, release)

    def edit(self) -> str:
        return self.rng.choice(self.EDITS)(self)
