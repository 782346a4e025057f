"""How busy the machine is, so that a benchmark on a shared machine can wait for quiet and
say how much else ran while it measured."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def machine_cpu() -> tuple[float, float]:
    """Seconds of CPU busy and stolen by the hypervisor so far, all CPUs (/proc/stat)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    steal = fields[7] if len(fields) > 7 else 0
    return (sum(fields[:8]) - idle - steal) / ticks, steal / ticks


def process_tree_cpu(pid: int | None) -> float:
    """CPU seconds used so far by `pid` and every process under it, counting children that
    ended and were waited for (/proc/PID/stat)."""
    if not pid:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        if current in stats:
            total += sum(int(n) for n in stats[current][11:15]) / ticks
        todo.extend(children.get(current, []))
    return total


def wait_for_quiet(limit: float = 0.3, patience: float = 180) -> float:
    """Wait (at most `patience` s) until the machine's CPUs are idle but for `limit` of one
    CPU, so that a measurement does not start while something else runs; the load last seen."""
    deadline = time.monotonic() + patience
    while True:
        busy, _ = machine_cpu()
        time.sleep(2)
        load = (machine_cpu()[0] - busy) / 2
        if load <= limit or time.monotonic() > deadline:
            return load
        print(f"  the machine is busy ({load:.2f} CPU); waiting…", file=sys.stderr)
