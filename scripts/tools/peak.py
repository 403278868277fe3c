#!/usr/bin/env python3
"""What a command's peak memory is made of: `python scripts/tools/peak.py COMMAND...` runs the command,
samples the proportional set size of it and of every process under it twice a second, and prints on
stderr, when it ends, the largest total seen and each process's share at that moment (pid, parent,
command line), largest first. Its exit code is the command's.

    python scripts/tools/peak.py python scripts/tools/phases.py site --docs DOCS --out OUT --site SITE

A build's forked steps have the build's own command line: phases.py names each ("in forked step PID").
`make bench` gives the peak of the whole tree; this says which process holds it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import proctree  # noqa: E402

EVERY = 0.5  # seconds between samples


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "(gone)"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    started = time.perf_counter()
    process = subprocess.Popen(argv)
    peak, when, shares = 0, 0.0, {}
    while process.poll() is None:
        rows = proctree.tree(process.pid)
        sizes = proctree.each_pss(rows)
        if sum(sizes.values()) > peak:  # the command lines now, while those processes still run
            peak, when = sum(sizes.values()), time.perf_counter() - started
            shares = {pid: (size, int(rows[pid][1]), command_line(pid)) for pid, size in sizes.items()}
        time.sleep(EVERY)
    print(f"peak {peak / 2**20:,.0f} MB at {when:.1f} s of {time.perf_counter() - started:.1f} s "
          f"(proportional set sizes, sampled every {EVERY} s):", file=sys.stderr)
    for pid, (size, parent, line) in sorted(shares.items(), key=lambda row: -row[1][0]):
        print(f"  {size / 2**20:9,.0f} MB  pid {pid} (parent {parent})  {line[:160]}", file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
