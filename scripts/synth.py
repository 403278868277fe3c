#!/usr/bin/env python3
"""Write a synthetic corpus in the real content format: `python scripts/synth.py OUT --documents N [--seed S]`.

OUT becomes a docs tree (documents/, events/, people/, organizations/, sources/, essays/) that
`python scripts/build.py check --docs OUT` accepts. The logic lives in archive/synth.py.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive.synth import write_corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the docs tree into (should be empty)")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1989)
    args = parser.parse_args()
    written = write_corpus(args.out, args.documents, args.seed)
    print(", ".join(f"{n} {t}" for t, n in written.items()) + f" written into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
