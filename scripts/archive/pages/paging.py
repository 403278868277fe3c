"""Long listings split into pages a reader can browse and a link checker can follow.

A listing (a type's index, the timeline, a topic, a hub page's backlinks) longer than
`Limits.listing` items is cut into pages of that many. The first page keeps the listing's URL (a
published URL never breaks); the others live under it, at `<page>/<listing>-<n>/`, which no entity
id can take (ids have no slash). Every page carries the same pager: numbered links, each labelled
with the range it holds (dates, or initial letters), and previous/next.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.content import dates
from archive.pages.markdown import esc, first_date, mark_languages, rel


# The class of the heading of a section on an entity page that lists other pages (a hub's "Cited by",
# "Referenced by", a file's documents; the notes, each a source's title and a locator): the search
# index leaves such sections out (site/search.py).
LISTING = "archive-listing"


def listing_heading(title: str) -> str:
    """The Markdown heading of such a section, classed LISTING."""
    return f"## {esc(title)} {{: .{LISTING} }}\n\n"


@dataclass(frozen=True)
class Limits:
    """How far a generated page may grow before it is split: `listing` items per page of a listing;
    `volume` characters of generated Markdown per printed volume of the whole record (its HTML is about
    twice that). Tests force splitting on a small corpus with small limits. A listing page is what the
    live preview reads again most after an edit (the timeline's page, an index's, a hub's "Cited by"
    page that holds the edited document), so its length is the preview's; it is also what a reader
    downloads to browse a listing."""

    listing: int = 200
    volume: int = 320_000


def chunks(items: list, size: int) -> list[list]:
    """`items` in consecutive runs of `size` (at least one run, perhaps empty)."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def continuation(md_path: str, listing: str, number: int) -> str:
    """Markdown path of page `number` (from 1) of a listing that starts on `md_path`."""
    return md_path if number == 1 else f"{md_path[: -len('.md')]}/{listing}-{number}.md"


@dataclass(frozen=True)
class Pages:
    """Where the pages of one listing are and what each holds."""

    paths: list[str]
    labels: list[str]  # the range each page holds, for its link
    name: str  # what the listing is, for the pager's accessible name

    def pager(self, current: int) -> str:
        """The pager of page `current` (from 0): nothing when the listing fits on one page."""
        if len(self.paths) < 2:
            return ""
        here = self.paths[current]
        items = []
        if current:
            items.append(f'[Previous]({rel(here, self.paths[current - 1])}){{ rel="prev" }}')
        for n, (path, label) in enumerate(zip(self.paths, self.labels)):
            text = f"{n + 1}" + (f" ({mark_languages(esc(label))})" if label else "")
            items.append(f"**{text}**" if n == current else f"[{text}]({rel(here, path)})")
        if current + 1 < len(self.paths):
            items.append(f'[Next]({rel(here, self.paths[current + 1])}){{ rel="next" }}')
        return (f'<nav class="archive-pager" aria-label="Pages of {esc(self.name)}" markdown>\n\n'
                f"Page {current + 1} of {len(self.paths)}: " + " · ".join(items) + "\n\n</nav>\n\n")


def pages_of(md_path: str, listing: str, name: str, runs: list[list], label=None) -> Pages:
    """The pages of a listing cut into `runs`; `label(run)` names the range a run holds."""
    paths = [continuation(md_path, listing, n) for n in range(1, len(runs) + 1)]
    return Pages(paths, [label(run) if label and run else "" for run in runs], name)


def each(pages: Pages, runs: list[list], make, inputs, memo=None) -> dict[str, str]:
    """Path -> `make(n, run)` for every page of a listing. `memo` (tree.Memo, the live preview's): a
    page is made again only when `inputs(n, run)` (what it shows: its run, the pager) changed."""
    if memo is None:
        return {path: make(n, run) for n, (path, run) in enumerate(zip(pages.paths, runs))}
    return {path: memo(("listing", path), inputs(n, run), make, n, run) for n, (path, run) in enumerate(zip(pages.paths, runs))}


def span(first: str, last: str) -> str:
    return first if first == last else f"{first} – {last}"


def mark(entity) -> str:
    """How a page link names an entity at the edge of a run: its date, else its initial."""
    value = first_date(entity)
    return dates.parse(value).human() if value else entity.title[:1].upper()


def run_span(run: list) -> str:
    return span(mark(run[0]), mark(run[-1]))
