"""What the benchmark scripts share: the machine's description and docs/benchmarks.md.

Each script owns one section of docs/benchmarks.md, between its own markers, and replaces
only that section; the rest of the page is kept as it is.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Figures measured by the scripts in `bench/` on the machine named in each section. They are
not asserted anywhere: compare runs on the same machine, and on a shared machine read the
ratios to the baseline rather than the raw numbers. Each script rewrites its own section.
"""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def serve_workers() -> int:
    """The web processes `manage.py serve` runs by default (NGHEDAN_WEB_WORKERS's default)."""
    return min(max(cores(), 2), 8)


def machine() -> str:
    return (
        f"{cores()} CPU ({cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_section(name: str, body: str) -> None:
    """Put `body` between this script's markers in docs/benchmarks.md, keeping the rest."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(text, encoding="utf-8")
    print(f"→ {BENCHMARKS.relative_to(ROOT)} ({name})", file=sys.stderr)
