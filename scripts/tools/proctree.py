"""A process and its descendants as Linux's /proc shows them now: what the benchmarks measure a build
or a server by, since its steps (forked children, Node, Pagefind) are processes of their own."""

from __future__ import annotations

import os


def tree(root: int) -> dict[int, list[bytes]]:
    """pid -> /proc/<pid>/stat fields after the command name (field 3 onwards), for `root` and every
    process under it now; empty once it is gone."""
    children: dict[int, list[int]] = {}
    fields: dict[int, list[bytes]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                row = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(row[1]), []).append(pid)  # row[1]: the parent's pid
        fields[pid] = row
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in fields:
            found[pid] = fields[pid]
        todo.extend(children.get(pid, ()))
    return found


def pss(root: int) -> int:
    """Proportional set size of `root` and its descendants now: each page shared by n processes counts
    1/n in each, so the sum is the memory the tree holds, shared pages once."""
    return sum(each_pss(tree(root)).values())


def each_pss(pids) -> dict[int, int]:
    """pid -> proportional set size now, for each of `pids` still running (a tree(): pss() per process)."""
    sizes = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                sizes[pid] = next(int(line.split()[1]) for line in f if line.startswith(b"Pss:")) * 1024
        except (OSError, StopIteration):
            continue  # gone, or a kernel thread without mappings
    return sizes


def cpu(root: int) -> float:
    """CPU seconds used by `root` and every process under it, with the children each has waited for."""
    return sum(int(v) for row in tree(root).values() for v in row[11:15]) / os.sysconf("SC_CLK_TCK")  # utime .. cstime
