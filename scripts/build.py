#!/usr/bin/env python3
"""Entry point of the archive's build: check, generate, site, serve. See `python scripts/build.py -h`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
