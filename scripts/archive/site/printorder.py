"""The order of the page that prints the whole record (archive/printpage.py, print_page/): each
type in reading order, its pages in the order of the type's generated index
(documents and events by date, essays by their `order`, sources as in the bibliography).
"""

from __future__ import annotations

import re

from archive.content.model import ENTITY_TYPES, FOLDERS, PLURAL_LABELS

TYPE_ORDER = tuple(sorted(ENTITY_TYPES, key=lambda t: ENTITY_TYPES[t].print_order))
# Links of a generated index to its own entries: [Title](<id>.md)
_ENTRY_LINK = re.compile(r"\]\(([a-z0-9]+(?:-[a-z0-9]+)*)\.md\)")


def sections(index_markdown: dict[str, str]) -> list[tuple[str, list[str]]]:
    """(section title, [generated page paths]) from each type folder's index Markdown, keyed by folder."""
    out = []
    for type_name in TYPE_ORDER:
        folder = FOLDERS[type_name]
        ids = list(dict.fromkeys(_ENTRY_LINK.findall(index_markdown.get(folder, ""))))
        if ids:
            out.append((PLURAL_LABELS[type_name], [f"{folder}/{i}.md" for i in ids]))
    return out
