"""The generated Topics page (tags.md): every page by topic, the topics themselves being the model's
`tags` field, which the page writer puts into each page's front matter (pages/entity.py).

The listing is ours, not Material's tags plugin's (which has no pages): one entry per topic and
page, topics in alphabetical order, split into pages of `Limits.listing` entries like every long
listing. Each topic's heading keeps the id Material gave it (`tag:<slug>`), so a link to a topic
still lands on it, and the topic chips at the top of every page link to where their topic starts
(`links()`, which the build gives the template).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from markdown.extensions.toc import slugify

from archive.content.model import TAGS
from archive.content.read import Entity
from archive.pages import paging
from archive.pages.markdown import esc, front_matter, link, mark_languages, sort_key
from archive.pages.paging import Limits

PATH = "tags.md"


@dataclass(frozen=True)
class Chip:
    """A topic as Material's partials/tags.html shows it: its name and the URL of its listing."""

    name: str
    url: str
    hidden: bool = False


def anchor(tag: str) -> str:
    """The id of a topic's heading, as Material's tags plugin made it."""
    return f"tag:{slugify(tag, '-')}"


@dataclass(frozen=True)
class Listing:
    """Every (topic, page) pair in the listing's order, cut into its pages: what the Topics pages show
    and where each topic's chips link to, sorted once for both."""

    runs: list[list[tuple[str, Entity]]]
    pages: paging.Pages
    topics: int  # how many topics
    tagged: int  # how many pages have one


def tagged(entities: list[Entity]) -> list[Entity]:
    """The pages with a topic: all that listing() reads."""
    return [entity for entity in entities if entity.get(TAGS)]


def listing(entities: list[Entity], limits: Limits = Limits()) -> Listing:
    pairs, count = [], 0
    for entity in entities:
        if tags := entity.get(TAGS):
            count += 1
            key = sort_key(entity)  # once per page, not per topic
            pairs += [((tag.casefold(), tag, key), tag, entity) for tag in tags]
    pairs.sort(key=itemgetter(0))
    runs = paging.chunks([(tag, entity) for _, tag, entity in pairs], limits.listing)
    pages = paging.pages_of(PATH, "page", "the topics", runs, lambda run: paging.span(run[0][0], run[-1][0]))
    return Listing(runs, pages, len({tag for _, tag, _ in pairs}), count)


def topics_page(listed: Listing, memo=None) -> dict[str, str]:
    """Path -> Markdown of the Topics pages. `memo`: paging.each's."""
    runs, pages = listed.runs, listed.pages
    intro = (
        f"{listed.topics} topics across {listed.tagged} pages. Each topic lists the pages tagged with it; "
        "the topics of a page are shown at its top."
        if listed.tagged
        else "No page has topics yet."
    )

    def before(n: int) -> str | None:
        """The topic the page before ends with: if this page starts with it, it continues it."""
        return runs[n - 1][-1][0] if n and runs[n - 1] else None

    def make(n: int, run: list[tuple[str, Entity]]) -> str:
        path = pages.paths[n]
        title = "Topics" if not n else f"Topics, page {n + 1}"
        text = [front_matter({"title": title, "generated": True}), f"# {title}\n\n{intro}\n\n", pages.pager(n)]
        for tag, group in groupby(run, key=lambda pair: pair[0]):
            if tag == before(n):
                text.append(f"## {esc(tag)} (continued)\n\n")
            else:
                text.append(f"## {esc(tag)} {{ #{anchor(tag)} }}\n\n")
            text.append("\n".join(f"- {link(path, e)}" for _, e in group) + "\n\n")
        text.append(pages.pager(n))
        return text[0] + mark_languages("".join(text[1:])).rstrip("\n") + "\n"

    return paging.each(pages, runs, make, lambda n, run: [intro, tuple(pages.labels), before(n), *run], memo)


def links(listed: Listing) -> dict[str, str]:
    """Topic -> the site URL where its listing starts (`tags/#tag:x`, or a later page of the topics)."""
    out = {}
    for path, run in zip(listed.pages.paths, listed.runs):
        for tag, _ in run:
            if tag not in out:  # a topic's anchor made once, not once per page it lists
                out[tag] = f"{path[: -len('.md')]}/#{anchor(tag)}"
    return out
