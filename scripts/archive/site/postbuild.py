"""What the MkDocs hook adds to every build (so `make site`, `mkdocs serve` and `mike deploy` all get
it): the page that prints the whole record, the Atom feed and the Content-Security-Policy.

The feed (from the generated tree) and the whole record (from the pages' rendered content) are
assembled in forked children while MkDocs renders (archive/runner.py); the policy goes into each
page as MkDocs writes it (archive/csp.py). finish() puts them in place, in the freshly built site
(still the staging dir under `make site`), the policy last so that it sees every page's final HTML.
"""

from __future__ import annotations

from pathlib import Path

from archive.site import csp

from archive.pages import feed

from archive import runner

from archive.site import wholerecord


class PostBuildError(Exception):
    pass


def _feed(generated: Path, site_url: str, name: str, description: str, config_file: Path, changelog: Path) -> bytes:
    return feed.render(generated, site_url, name, description, feed.reference_date(config_file), changelog)


class Finisher:
    def __init__(self, config, generated: Path, docs: Path):
        """Start the feed. `generated`: the Markdown tree MkDocs renders; `docs`: the authored pages
        (the changelog)."""
        self.site_url = config["site_url"] or ""
        self.policy = csp.Policy()
        self._whole_record: runner.Job | None = None
        self._feed = runner.beside(
            _feed, generated, self.site_url, config["site_name"], config["site_description"] or "",
            Path(config["config_file_path"]), docs / "changelog.md",
        )

    def printed(self, sections: list) -> None:
        """Every page's content is known: [(section title, [wholerecord.Printed])], in reading order."""
        self._whole_record = runner.beside(wholerecord.body, sections, self.site_url)

    def finish(self, site_dir: Path) -> None:
        try:
            wholerecord.fill(site_dir, self._whole_record.result())
            (site_dir / feed.FEED_PATH).write_bytes(self._feed.result())
            self.policy.finish(site_dir)
        except (wholerecord.PrintPageError, feed.FeedError, csp.CspError) as exc:
            raise PostBuildError(str(exc)) from None

    def abandon(self) -> None:
        """After a failed build: let the children end before the caller removes the site."""
        runner.settle(self._feed, self._whole_record)
