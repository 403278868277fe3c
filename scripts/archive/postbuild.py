"""Steps run on the freshly built site, from the MkDocs hook's on_post_build (so `make site`, `mkdocs
serve` and `mike deploy` all get them; under `make site` the site is still the staging dir, before the
swap): the page that prints the whole record, the Atom feed, then the Content-Security-Policy (last, so that it sees every page's final HTML).
"""

from __future__ import annotations

from pathlib import Path

from . import csp, feed, printpage


class PostBuildError(Exception):
    pass


def finish(site_dir: Path, config, generated: Path, docs: Path, printed: list) -> None:
    """`generated`: the Markdown tree MkDocs rendered; `docs`: the authored pages (for the changelog);
    `printed`: [(section title, [printpage.Printed])] for the whole-record page."""
    try:
        printpage.fill(site_dir, printed, config["site_url"] or "")
        feed.write(
            site_dir,
            generated,
            site_url=config["site_url"] or "",
            site_name=config["site_name"],
            description=config["site_description"] or "",
            fallback=feed.reference_date(Path(config["config_file_path"])),
            changelog=docs / "changelog.md",
        )
        csp.apply(site_dir)
    except (printpage.PrintPageError, feed.FeedError, csp.CspError) as exc:
        raise PostBuildError(str(exc)) from None
