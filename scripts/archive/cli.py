"""Command line: `python scripts/build.py check|generate|site|serve|urls|version`."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import time
from pathlib import Path

from archive.content.validate import check

ROOT = Path(__file__).resolve().parents[2]


def _report(errors) -> int:
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(errors)} error(s); nothing was published.", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__)
    parser.add_argument("command", choices=["check", "generate", "site", "serve", "urls", "version", "deploy"])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="authored pages (default: docs/)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "docs", help="generated Markdown tree")
    parser.add_argument("--site", type=Path, help="rendered site (default: site/; serve: a temporary folder)")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--addr", default="127.0.0.1:8000", help="address for serve (default: 127.0.0.1:8000)")
    parser.add_argument("--serial", action="store_true", help="run every step in order, in this process (the reference path)")
    parser.add_argument("--cache", type=Path, help="where one build keeps for the next the citations it formatted, "
                                                   "the state of its generation and the citation records it linked "
                                                   "into the site (default: build/cache/ beside mkdocs.yml)")
    parser.add_argument("--no-cache", action="store_true", help="keep nothing between builds: format every citation "
                                                                "and generate every page afresh (the plain path)")
    parser.add_argument("--remote", default="origin", help="deploy: the git remote holding gh-pages (default: origin)")
    parser.add_argument("--push", action="store_true", help="deploy: push gh-pages to the remote")
    args = parser.parse_args(argv)
    site_given = args.site.resolve() if args.site else None
    args.site = args.site or ROOT / "site"
    # MkDocs resolves docs_dir against mkdocs.yml's folder, not the working directory.
    for name in ("docs", "out", "site", "config"):
        setattr(args, name, getattr(args, name).resolve())

    started = time.perf_counter()
    if args.command == "version":  # the release version (CITATION.cff), for the deploy workflow
        from archive.citation.versions import read_identity
        from archive.site.build import CITATION_CFF

        print(read_identity(args.config.parent / CITATION_CFF).version)
        return 0
    if args.command == "deploy":  # mike, refusing a version already published (archive/site/deploy.py)
        from archive.site import deploy

        try:
            version = deploy.deploy(args.config, args.remote, args.push)
        except deploy.DeployRefused as exc:
            print(f"{args.config.parent / 'CITATION.cff'}: {exc}", file=sys.stderr)
            return 1
        print(f"version {version} deployed to {args.remote}/{deploy.BRANCH}" + ("" if args.push else " (not pushed)"))
        return 0
    if args.command == "check":
        corpus, errors = check(args.docs)
        if errors:
            return _report(errors)
        print(f"{len(corpus.entities)} pages checked, no errors ({time.perf_counter() - started:.2f} s).")
        return 0
    # Imported here, not above: `check` needs none of this (rendering, citeproc, jsonschema, MkDocs).
    from archive.runner import Parallel, Serial
    from archive.site.build import Build

    build = Build.from_config(args.config, docs=args.docs, out=args.out,
                              runner=Serial() if args.serial else Parallel(), serving=args.command == "serve",
                              **({"cache": None} if args.no_cache else {"cache": args.cache.resolve()} if args.cache else {}))
    if args.command == "serve":
        return serve(build, args.config, args.addr, site_given)
    try:
        return _generate_and_publish(build, args, started)
    finally:
        build.finish()


def _generate_and_publish(build, args, started: float) -> int:
    """`site` and `urls`: generate, then publish the site or update the manifest of published URLs."""
    from archive.content import urls
    from archive.citation.csl import CitationError
    from archive.content.errors import ContentErrors
    from archive.site import publish

    try:
        result = build.generate()
    except ContentErrors as exc:
        return _report(exc.errors)
    except CitationError as exc:  # citeproc-js missing or failing: say what to do, no traceback
        print(exc, file=sys.stderr)
        return 1
    afresh = "" if result.computed is None else f"; {result.computed} part(s) generated afresh"
    print(f"generated {len(result.pages)} pages into {args.out} ({len(result.written)} changed, {len(result.removed)} removed{afresh})")
    if args.command == "urls":
        added = urls.update(args.docs, urls.published(result.corpus, result.pages))
        print(f"{args.docs / urls.MANIFEST}: {len(added)} URL(s) added" + "".join(f"\n  {u}" for u in added))
        return 0
    if args.command == "site":
        # MkDocs reads the tree from disk: its text, held twice (Markdown and bytes), is let go (peak
        # memory). The corpus stays alive until the end: keep it out of the cyclic garbage collector's
        # scans, which otherwise grow with the corpus and slow MkDocs's build.
        result.pages.clear()
        result.files.clear()
        del result
        gc.collect()
        gc.freeze()
        try:
            build.publish(args.config, args.site)
        except publish.BuildFailed as exc:
            print(f"{args.config}: mkdocs build failed: {exc}; site/ was left as it was.", file=sys.stderr)
            return 1
        print(f"site built into {args.site} ({time.perf_counter() - started:.1f} s; "
              f"{build.runner.forked} step(s) run beside the build)")
        if build.local:  # a preview: every address in it is this machine's
            print(f"{args.config}: built for local reading only: site_url is {build.release.canonical_base}, so every "
                  "link and citation in site/ names this machine. To publish, build with SITE_URL set to the "
                  "public address (`make site SITE_URL=https://…/`) or deploy (README, Deploying).", file=sys.stderr)
    return 0


STOPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(build, config: Path, addr: str, site: Path | None) -> int:
    """The live preview (archive/site/preview.py) on `addr`, following edits under docs/."""
    import shutil
    import tempfile

    from archive.site.preview import Preview, server

    host, _, port = addr.rpartition(":")
    if not port.isdigit():
        print(f"--addr {addr}: expected host:port, e.g. 127.0.0.1:8001", file=sys.stderr)
        return 2
    temporary = site is None
    site = site or Path(tempfile.mkdtemp(prefix="archive-preview-"))
    for stop in STOPS:  # `kill`, a terminal closing: stop as Ctrl+C does, cleaning up
        signal.signal(stop, _interrupt)
    preview = Preview(build, config, site)
    try:
        live = server(preview, host or "127.0.0.1", int(port))
    except OSError as exc:
        print(f"cannot serve on {addr}: {exc.strerror} (another `make serve`? try `make serve PORT=8001`)", file=sys.stderr)
        if temporary:
            shutil.rmtree(site, ignore_errors=True)
        return 1
    try:
        preview.update()  # the first build; its errors are shown like any other round's
        live.watch(str(build.docs))
        live.watch(str(config), recursive=False)
        print(f"Serving the live preview on {live.url} (the site in {site}); edits under {build.docs} are followed. "
              "Ctrl+C stops.", file=sys.stderr, flush=True)
        live.serve()
    except KeyboardInterrupt:
        pass
    finally:
        for stop in STOPS:  # a second signal must not cut the cleaning up short
            signal.signal(stop, signal.SIG_IGN)
        live.shutdown()
        build.settle_search(stop=True)
        if temporary:
            shutil.rmtree(site, ignore_errors=True)
    return 0
