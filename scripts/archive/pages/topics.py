"""The generated Topics page (tags.md): Material's tags plugin fills in the listing of every page by
topic at the marker; the topics themselves are the model's `tags` field, which the page writer puts
into each page's front matter (pages/entity.py)."""

from __future__ import annotations

from archive.content.model import TAGS
from archive.content.read import Entity
from archive.pages.markdown import front_matter

PATH = "tags.md"
LISTING = "<!-- material/tags -->"


def topics_page(entities: list[Entity]) -> tuple[str, str]:
    tagged = [e for e in entities if e.get(TAGS)]
    count = len({t for e in tagged for t in e.get(TAGS)})
    intro = (
        f"{count} topics across {len(tagged)} pages. Each topic lists the pages tagged with it; "
        "the topics of a page are shown at its top."
        if tagged
        else "No page has topics yet."
    )
    return PATH, front_matter({"title": "Topics", "generated": True}) + f"# Topics\n\n{intro}\n\n{LISTING}\n"
