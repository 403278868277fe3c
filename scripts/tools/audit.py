#!/usr/bin/env python3
"""`make audit`: Lighthouse (pinned in audit/package.json) with Debian's Chromium on the home page, a
document and the timeline of the site, built for and served on 127.0.0.1. Prints the four category
scores per page, for Lighthouse's mobile (default) and desktop settings. Not part of `make test`:
scores vary a little from run to run; the figures go in the README.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from archive.content.errors import ContentErrors  # noqa: E402
from archive.pages.tree import generate  # noqa: E402
from archive.site.publish import BuildFailed, publish  # noqa: E402
from support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from support.server import SiteServer  # noqa: E402

LIGHTHOUSE = ROOT / "audit" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def first_document(site: Path) -> str:
    docs = sorted(p.parent.name for p in (site / "documents").glob("*/index.html"))
    if not docs:
        raise SystemExit(f"{site}: no document page to audit")
    return f"documents/{docs[0]}/"


def lighthouse(url: str, preset: str, save: Path | None = None) -> dict[str, int]:
    command = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=" + " ".join(a for a in CHROMIUM_ARGS if a != "--headless") + " --headless=new",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    run = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    if run.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    if save:  # the whole report, to see which audits cost points
        save.write_text(run.stdout)
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "audit")
    parser.add_argument("--reports", type=Path, help="also write each Lighthouse JSON report here, as <page>-<preset>.json")
    args = parser.parse_args()

    server = SiteServer()
    try:
        generate(args.docs, args.workdir / "docs")
        publish(ROOT / "mkdocs.yml", args.workdir / "docs", args.workdir / "site", site_url=server.url)
    except ContentErrors as exc:
        print("\n".join(map(str, exc.errors)), file=sys.stderr)
        return 1
    except BuildFailed as exc:
        print(f"mkdocs build failed: {exc}", file=sys.stderr)
        return 1
    server.start(args.workdir / "site")
    if args.reports:
        args.reports.mkdir(parents=True, exist_ok=True)
    pages = {"home": "", "document": first_document(args.workdir / "site"), "timeline": "timeline/"}
    try:
        print(f"Lighthouse {_version()} with {CHROMIUM}")
        print(f"{'page':<10} {'preset':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES))
        for name, path in pages.items():
            for preset in ("mobile", "desktop"):
                save = args.reports / f"{name}-{preset}.json" if args.reports else None
                scores = lighthouse(server.url + path, preset, save)
                print(f"{name:<10} {preset:<8} " + " ".join(f"{scores[c]:>14}" for c in CATEGORIES), flush=True)
    finally:
        server.stop()
    return 0


def _version() -> str:
    return json.loads((ROOT / "audit" / "node_modules" / "lighthouse" / "package.json").read_text())["version"]


if __name__ == "__main__":
    sys.exit(main())
