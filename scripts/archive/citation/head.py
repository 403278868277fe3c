"""Machine-readable metadata for a page's <head>: Highwire Press, Dublin Core, schema.org JSON-LD, OpenGraph.

Every value comes from the model: a field's Dublin Core term and schema.org property are the `dc`
and `schema_org` columns of fields.csv; the bibliographic values (title, editors, date, version) are
the page's CSL item (citation/formats.py). The canonical link is Material's own (site_url + page URL).
"""

from __future__ import annotations

import html
import json

from archive.citation.formats import issued_iso
from archive.citation.versions import Release
from archive.content.model import PLACE, SCHEMA_ORG_TYPES, SINGULAR_LABELS, SUMMARY, fields_for
from archive.content.read import Entity

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
RIGHTS = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
# The Dublin Core terms of the model that describe the page itself; the others (type, creator, date
# created, language, isPartOf, source, relation, ...) describe the thing the page is about, and a
# reader of the head would take them for the page's own (Zotero makes dcterms:type the item type,
# dcterms:source the website, dcterms:alternative the journal abbreviation).
_PAGE_TERMS = ("dcterms:title", "dcterms:abstract", "dcterms:subject")
DCTERMS = "http://purl.org/dc/terms/"


def _meta(attr: str, key: str, value: object) -> str:
    return f'<meta {attr}="{html.escape(key)}" content="{html.escape(str(value))}">'


def json_ld(data: dict) -> str:
    """A JSON-LD script element whose text cannot end the element or open a comment early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


class HeadWriter:
    """Head metadata of every page of one corpus (targets of relations are looked up in `index`)."""

    def __init__(self, index: dict[str, Entity], release: Release):
        self.index = index
        self.release = release

    def subject_id(self, entity: Entity) -> str:
        return self.release.canonical(entity.url_path) + "#subject"

    def _ref(self, target_id: str) -> dict:
        target = self.index[target_id]
        return {"@type": SCHEMA_ORG_TYPES[target.type], "@id": self.subject_id(target), "name": target.title}

    def _title(self, target_id: str) -> str:
        return self.index[target_id].title

    def subject(self, entity: Entity) -> dict:
        """The schema.org description of what the page is about, property by property from the model."""
        out: dict = {"@type": SCHEMA_ORG_TYPES[entity.type], "@id": self.subject_id(entity)}
        for spec in fields_for(entity.type):
            value = entity.get(spec.name)
            if not spec.schema_org or value in (None, "", []):
                continue
            new = {"@type": "Place", "name": value} if spec.name == PLACE else spec.form.schema_org(value, self._ref)
            if spec.schema_org in out:  # e.g. alternateName from several fields
                old = out[spec.schema_org]
                out[spec.schema_org] = (old if isinstance(old, list) else [old]) + (new if isinstance(new, list) else [new])
            else:
                out[spec.schema_org] = new
        if entity.type == "event" and "startDate" in out and "endDate" not in out:
            out["endDate"] = out["startDate"]  # a single-date event starts and ends within that date
        return out

    def head(self, entity: Entity, item: dict) -> str:
        """Every tag for one content page, given its CSL item.

        The tags describe the page, a web page of this archive (see the README, "Head metadata"):
        Dublin Core and OpenGraph, which Zotero's Embedded Metadata translator reads, and schema.org,
        whose `about` alone describes the document, person or event. No Highwire `citation_*`: Google
        Scholar indexes scholarly articles by their personal authors, and no page of the archive is one.
        URLs are those of the version read; the canonical link (Material's) is the latest version's."""
        release = self.release
        url = item["URL"]
        revised = issued_iso(item)
        tags = [f'<link rel="schema.DCTERMS" href="{DCTERMS}">']
        for spec in fields_for(entity.type):
            value = entity.get(spec.name)
            if spec.dc in _PAGE_TERMS and value not in (None, "", []):
                term = "DCTERMS." + spec.dc.split(":", 1)[1]
                tags.extend(_meta("name", term, v) for v in spec.form.dc_values(value, self._title))
        tags += [
            _meta("name", "DCTERMS.date", revised),
            _meta("name", "DCTERMS.modified", revised),
            _meta("name", "DCTERMS.identifier", url),
            _meta("name", "DCTERMS.language", item["language"]),
            _meta("name", "DCTERMS.publisher", release.site_name),
            _meta("name", "DCTERMS.hasVersion", release.version),
            _meta("name", "DCTERMS.rights", RIGHTS),
            _meta("name", "DCTERMS.license", LICENSE),
            # Zotero's own namespace: its RDF step copies z:extra into Extra, whose "version:" line its
            # citations read as the CSL version (a web page has no version field of its own).
            _meta("name", "z:extra", f"version: {release.version}"),
            _meta("property", "og:type", "website"),
            _meta("property", "og:title", entity.title),
            _meta("property", "og:url", url),
            _meta("property", "og:site_name", release.site_name),
            _meta("property", "og:locale", "en"),
        ]
        if entity.get(SUMMARY):
            tags.append(_meta("property", "og:description", entity.get(SUMMARY)))
        page = {
            "@type": "WebPage",
            "@id": release.canonical(entity.url_path),
            "url": url,
            "name": entity.title,
            "genre": SINGULAR_LABELS[entity.type],
            "version": release.version,
            "dateModified": revised,
            "inLanguage": "en",
            "license": LICENSE,
            "author": {"@type": "Organization", "name": release.editors},
            "isPartOf": {"@id": release.canonical("") + "#website"},
            "about": {"@id": self.subject_id(entity)},
        }
        tags.append(json_ld({"@context": "https://schema.org", "@graph": [page, self.subject(entity)]}))
        return "\n".join(tags) + "\n"

    def site_head(self, description: str, distributions: list[tuple[str, str, str]]) -> str:
        """Head of the home page: the site as a WebSite and, for its open data, a Dataset.

        `distributions` are (relative path, media type, name) of the published data files."""
        release = self.release
        root = release.canonical("")
        editors = {"@type": "Organization", "name": release.editors}
        website = {"@type": "WebSite", "@id": root + "#website", "url": root, "name": release.site_name,
                   "description": description, "inLanguage": "en", "version": release.version,
                   "publisher": editors, "license": LICENSE}
        dataset = {
            "@type": "Dataset", "@id": root + "#dataset", "name": release.site_name, "description": description,
            "url": root, "version": release.version, "creator": editors, "license": LICENSE,
            "isAccessibleForFree": True,
            "distribution": [
                {"@type": "DataDownload", "contentUrl": root + path, "encodingFormat": media, "name": name}
                for path, media, name in distributions
            ],
        }
        tags = [
            _meta("property", "og:type", "website"),
            _meta("property", "og:title", release.site_name),
            _meta("property", "og:url", release.fixed("")),  # the version read, as on every page
            _meta("property", "og:site_name", release.site_name),
            _meta("property", "og:description", description),
            json_ld({"@context": "https://schema.org", "@graph": [website, dataset]}),
        ]
        return "\n".join(tags) + "\n"
