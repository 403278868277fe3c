"""Steps run on the freshly built site before it is swapped into place (archive/site.publish):
the Atom feed, then the Content-Security-Policy (last, so that it sees every page's final HTML)."""

from __future__ import annotations

from pathlib import Path

from . import csp, feed


class PostBuildError(Exception):
    pass


def finish(site_dir: Path, config, generated: Path, corrections: Path | None = None) -> None:
    try:
        feed.write(
            site_dir,
            generated,
            site_url=config["site_url"] or "",
            site_name=config["site_name"],
            description=config["site_description"] or "",
            fallback=feed.reference_date(Path(config["config_file_path"]).parent),
            corrections=corrections,
        )
        csp.apply(site_dir)
    except (feed.FeedError, csp.CspError) as exc:
        raise PostBuildError(str(exc)) from None
