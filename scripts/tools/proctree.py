"""A process and its descendants as Linux's /proc shows them now: what the benchmarks measure a build
or a server by, since its steps (forked children, Node, Pagefind) are processes of their own."""

from __future__ import annotations

import os


def stats(root: int) -> list[list[bytes]]:
    """The /proc/<pid>/stat fields after the command name (field 3 onwards) of `root` and of every
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
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in fields:
            found.append(fields[pid])
        todo.extend(children.get(pid, ()))
    return found


def rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants now (0 once they are gone)."""
    return sum(int(row[21]) for row in stats(root)) * os.sysconf("SC_PAGE_SIZE")  # row[21]: resident pages


def cpu(root: int) -> float:
    """CPU seconds used by `root` and every process under it, with the children each has waited for."""
    return sum(int(v) for row in stats(root) for v in row[11:15]) / os.sysconf("SC_CLK_TCK")  # utime .. cstime
