"""Command line: `python scripts/build.py check|generate|site|serve`."""

from __future__ import annotations

import argparse
import gc
import os
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
    parser.add_argument("command", choices=["check", "generate", "site", "serve", "urls", "version"])
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="authored pages (default: docs/)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "docs", help="generated Markdown tree")
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="rendered site (default: site/)")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--addr", default="127.0.0.1:8000", help="address for serve (default: 127.0.0.1:8000)")
    args = parser.parse_args(argv)
    # MkDocs resolves docs_dir against mkdocs.yml's folder, not the working directory.
    for name in ("docs", "out", "site", "config"):
        setattr(args, name, getattr(args, name).resolve())

    started = time.perf_counter()
    if args.command == "version":  # the release version (CITATION.cff), for the deploy workflow
        from archive.citation.versions import read_version

        print(read_version())
        return 0
    if args.command == "check":
        corpus, errors = check(args.docs)
        if errors:
            return _report(errors)
        print(f"{len(corpus.entities)} pages checked, no errors ({time.perf_counter() - started:.2f} s).")
        return 0
    # Imported here, not above: `check` needs none of this (rendering, citeproc, jsonschema, MkDocs glue).
    from archive.content import urls
    from archive.content.errors import ContentErrors
    from archive.pages.tree import generate
    from archive.site.publish import BuildFailed, publish

    try:
        # `site`: MkDocs runs next in this process, and its hook takes the late pages (generate.LATE).
        result = generate(args.docs, args.out, defer=args.command == "site")
    except ContentErrors as exc:
        return _report(exc.errors)
    print(f"generated {len(result.pages)} pages into {args.out} ({len(result.written)} changed, {len(result.removed)} removed)")
    if args.command == "urls":
        added = urls.update(args.docs, urls.published(result.corpus, result.pages))
        print(f"{args.docs / urls.MANIFEST}: {len(added)} URL(s) added" + "".join(f"\n  {u}" for u in added))
        return 0
    if args.command == "site":
        os.environ["ARCHIVE_DOCS"] = str(args.docs)  # the hook's post-build reads the changelog
        # The corpus and generated pages stay alive but are never freed: keep them out of the cyclic
        # garbage collector's scans, which otherwise grow with the corpus and slow MkDocs's build.
        del result
        gc.collect()
        gc.freeze()
        try:
            publish(args.config, args.out, args.site)
        except BuildFailed as exc:
            print(f"{args.config}: mkdocs build failed: {exc}; site/ was left as it was.", file=sys.stderr)
            return 1
        print(f"site built into {args.site} ({time.perf_counter() - started:.1f} s)")
    elif args.command == "serve":
        return serve(args.config, args.docs, args.out, args.addr)
    return 0


def serve(config: Path, docs: Path, out: Path, addr: str) -> int:
    """MkDocs's live server on the generated tree; the hook regenerates it when docs/ changes."""
    from mkdocs.commands.serve import serve

    os.environ["ARCHIVE_DOCS"] = str(docs.resolve())  # read by scripts/mkdocs_hooks.py
    try:
        mkdocs_serve(str(config), livereload=True, watch=[str(docs)], docs_dir=str(out), dev_addr=addr)
    except KeyboardInterrupt:
        pass
    return 0
