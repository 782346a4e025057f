#!/usr/bin/env python3
"""How long the first command takes: from a fresh copy of the project to the first page.

    python3 bench/first_start.py [--source head|worktree] [--cold-pip-cache] [--keep] [--no-write]

Copies the committed tree (`--source head`, the default; `worktree` copies the files in the
work tree that git would see, committed or not) into a temporary folder, runs `make start`
there on a free loopback port and polls http://127.0.0.1:PORT/ until it answers 200. It then
stops it as Ctrl-C would (SIGINT to the terminal's process group), checks that nothing was
left running, and does it all a second time to time a start on a machine already set up.

pip's download cache is used as it is unless --cold-pip-cache. Writes its section of
docs/benchmarks.md (unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # noqa: E402

ROOT = report.ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def copy_project(source: str, destination: Path) -> None:
    destination.mkdir(parents=True)
    if source == "head":
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
        return
    listed = (
        subprocess.run(
            [
                "git",
                "-C",
                str(ROOT),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        origin = ROOT / name
        if origin.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def processes_in(folder: Path) -> list[int]:
    """Processes whose working directory is inside `folder` (what a clean stop leaves: none)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd == str(folder) or cwd.startswith(f"{folder}/"):
            found.append(int(entry.name))
    return found


def start_once(project: Path, port: int, env: dict[str, str], log: Path) -> dict:
    """One `make start`: seconds to each step, to the first page, and to a clean stop."""
    url = f"http://127.0.0.1:{port}/"
    began = time.monotonic()
    process = subprocess.Popen(
        ["make", "start", f"BIND=127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    steps: list[tuple[float, str]] = []
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("==> "):
                steps.append((time.monotonic() - began, line[4:].strip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    first_page = None
    try:
        while time.monotonic() - began < 1800:
            if answers(url):
                first_page = time.monotonic() - began
                break
            if process.poll() is not None:
                break
            time.sleep(0.25)
    finally:
        stop_began = time.monotonic()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        stopped_in = time.monotonic() - stop_began
        reader.join(timeout=5)
        log.write_text("".join(lines))
    if first_page is None:
        raise SystemExit(f"no page was served; the output is in {log}")
    time.sleep(0.5)
    return {
        "first_page": first_page,
        "steps": steps,
        "stopped_in": stopped_in,
        "left_running": processes_in(project),
        "port_free_after": not answers(url),
        "printed_logins": "Tài khoản mẫu" in "".join(lines),
    }


def step_table(first: dict, second: dict) -> str:
    """Seconds each step took, in both runs (a step the second run skipped shows —)."""

    def durations(result: dict) -> dict[str, float]:
        marks = [*result["steps"], (result["first_page"], "")]
        return {
            short(name): marks[index + 1][0] - at for index, (at, name) in enumerate(marks[:-1])
        }

    took_first, took_second = durations(first), durations(second)
    rows = []
    for name, seconds in took_first.items():
        again = took_second.get(name)
        rows.append(f"| {name} | {seconds:.1f} | {'—' if again is None else f'{again:.1f}'} |")
    return "\n".join(rows)


def short(step: str) -> str:
    """The English half of a step's bilingual title, without paths or ports."""
    name = step.split(" / ", 1)[-1]
    if name.startswith("Made a secret key"):
        return "Made a secret key"
    if name.startswith("Nghe Dân: http"):
        return "serve: until the first page"
    return name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--source", choices=("head", "worktree"), default="head")
    parser.add_argument("--cold-pip-cache", action="store_true", help="PIP_NO_CACHE_DIR=1")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nghedan-first-start-"))
    project = work / "nghedan"
    copy_project(options.source, project)
    env = {name: value for name, value in os.environ.items() if not name.startswith("NGHEDAN_")}
    env.pop("VIRTUAL_ENV", None)
    if options.cold_pip_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
    try:
        print(f"Lần đầu / first start in {project}…", file=sys.stderr)
        first = start_once(project, free_port(), env, work / "first.log")
        print("Lần hai / second start…", file=sys.stderr)
        second = start_once(project, free_port(), env, work / "second.log")
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)

    def clean(result: dict) -> str:
        left = result["left_running"]
        state = "nothing left running" if not left else f"{len(left)} process(es) left running"
        closed = "port closed" if result["port_free_after"] else "PORT STILL ANSWERING"
        return f"{state}, {closed}"

    source = "committed tree (HEAD)" if options.source == "head" else "work tree (git's view of it)"
    cache = "cold (no pip cache)" if options.cold_pip_cache else "pip's download cache as found"

    def row(label: str, result: dict) -> str:
        logins = "yes" if result["printed_logins"] else "no"
        return (
            f"| {label} | {result['first_page']:.1f} s | {result['stopped_in']:.1f} s | "
            f"{clean(result)} | {logins} |"
        )

    body = f"""
## First start (`bench/first_start.py`)

Measured {report.now()} on {report.machine()}; a fresh copy of the {source},
`make start` until http://127.0.0.1:PORT/ answered 200; {cache}.

| run | to the first page | stop after SIGINT | after the stop | demo logins printed |
|---|---:|---:|---|---|
{row("first (new copy: .venv, install, database, places, demo)", first)}
{row("second (same copy, already set up)", second)}

Seconds each step took:

| step | first run | second run |
|---|---:|---:|
{step_table(first, second)}
"""
    print(body)
    if not options.no_write:
        report.write_section("first_start", body)
    if first["left_running"] or second["left_running"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
