#!/usr/bin/env python3
"""HTTP load on Nghe Dân's pages, against a server this script starts for itself.

    .venv/bin/python bench/http_load.py [--duration 20] [--rounds 4] [--concurrency 8]
                                        [--workers N] [--threads N] [--no-write]

It prepares a fresh SQLite database with the reference places and the demo under
var/bench/http/, starts `manage.py serve` on a free loopback port (web processes and the
background worker, as `make start` does), and drives it with keep-alive connections from
threads in this process. Each page gets `--duration` seconds in all, cut into `--rounds`
slices taken in turn with the other pages, so that a noisy neighbour on a shared CPU weighs
on every page alike. /healthz (one `SELECT 1`, no template) is measured the same way as the
baseline: on a shared machine read the ratios, not the raw figures.

Writes its section of docs/benchmarks.md (unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report  # noqa: E402

ROOT = report.ROOT
# The first is the baseline: a static file (WhiteNoise, no database, no template).
PAGES = [
    ("baseline: static file", "/static/nghedan/site.css"),
    ("/healthz (SELECT 1)", "/healthz"),
    ("trang chủ / home: /", "/"),
    ("đăng nhập / sign-in: /dang-nhap/", "/dang-nhap/"),
]


@dataclass
class Measure:
    rates: list[float] = field(default_factory=list)  # requests per second, one per slice
    latencies: list[float] = field(default_factory=list)  # seconds, every request
    requests: int = 0
    errors: int = 0


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(var_dir: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("NGHEDAN_")}
    env.update(
        NGHEDAN_VAR_DIR=str(var_dir),
        NGHEDAN_SECRET_KEY=secrets.token_urlsafe(50),
        NGHEDAN_HTTPS="false",
        NGHEDAN_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [python(), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def prepare(env: dict[str, str]) -> str:
    print("Chuẩn bị cơ sở dữ liệu / Preparing the database…", file=sys.stderr)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    commands = manage(env, "help", "--commands", capture=True).split()
    loaded = []
    for command in ("load_places", "load_demo"):
        if command in commands:
            manage(env, command, "-v0")
            loaded.append(command)
    return ", ".join(loaded) or "no reference data"


def get(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.will_close:
        connection.close()
    return response.status


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (code {server.returncode})")
        try:
            if get(http.client.HTTPConnection("127.0.0.1", port, timeout=2), "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer /healthz in time")


def hammer(port: int, path: str, seconds: float, concurrency: int, into: Measure | None) -> None:
    """`concurrency` closed-loop clients on keep-alive connections for `seconds`."""
    lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0}
    deadline = [0.0]

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        errors = 0
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                status = get(connection, path)
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            mine.append(time.perf_counter() - began)
            if not 200 <= status < 400:
                errors += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            counts["requests"] += len(mine)
            counts["errors"] += errors

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if into is not None:
        into.rates.append(counts["requests"] / elapsed)
        into.latencies.extend(latencies)
        into.requests += counts["requests"]
        into.errors += counts["errors"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per page (default 20)")
    parser.add_argument("--rounds", type=int, default=4, help="slices per page (default 4)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds per page, not counted")
    parser.add_argument("--concurrency", type=int, default=8, help="connections (default 8)")
    parser.add_argument("--workers", type=int, help="web processes (default: NGHEDAN_WEB_WORKERS)")
    parser.add_argument("--threads", type=int, help="threads per web process (default 4)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    var_dir = ROOT / "var" / "bench" / "http"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    env = server_env(var_dir)
    data = prepare(env)

    port = free_port()
    argv = [python(), "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--no-access-log"]
    if options.workers:
        argv += ["--workers", str(options.workers)]
    if options.threads:
        argv += ["--threads", str(options.threads)]
    log = (var_dir / "serve.log").open("w")
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    results = {label: Measure() for label, _ in PAGES}
    try:
        wait_until_up(port, server)
        for _label, path in PAGES:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            status = get(connection, path)
            connection.close()
            if status != 200:
                raise SystemExit(f"{path} answered {status}; see {var_dir / 'serve.log'}")
            hammer(port, path, options.warmup, options.concurrency, None)
        slice_seconds = options.duration / options.rounds
        cpu_began, wall_began = time.process_time(), time.perf_counter()
        for round_number in range(options.rounds):
            for label, path in PAGES:
                print(f"  round {round_number + 1}/{options.rounds}: {path}", file=sys.stderr)
                hammer(port, path, slice_seconds, options.concurrency, results[label])
        client_cpu = (time.process_time() - cpu_began) / (time.perf_counter() - wall_began)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    baseline = report.median(results[PAGES[0][0]].rates)
    rows = []
    for label, _ in PAGES:
        measure = results[label]
        rate = report.median(measure.rates)
        ms = [report.percentile(measure.latencies, q) * 1000 for q in (0.5, 0.95, 0.99)]
        rows.append(
            f"| {label} | {rate:,.0f} | {rate / baseline:.2f} | {ms[0]:.1f} | {ms[1]:.1f} | "
            f"{ms[2]:.1f} | {measure.requests:,} | {measure.errors} |"
        )
    web = (
        f"{options.workers} web processes"
        if options.workers
        else f"{report.serve_workers()} web processes (the default)"
    )
    threads = options.threads or 4
    body = f"""
## HTTP load (`bench/http_load.py`)

Measured {report.now()} on {report.machine()}.

- Server: `manage.py serve` on 127.0.0.1: {web} × {threads} threads
  (gunicorn gthread) and 1 background worker; SQLite (WAL), a fresh database with {data};
  DEBUG off.
- Load: {options.concurrency} keep-alive connections from one Python process on the same
  machine, which shares the CPUs with the server (the client used {client_cpu:.0%} of one
  CPU); {options.duration:g} s per page in {options.rounds} slices taken in turn, after
  {options.warmup:g} s of warm-up per page.
- Requests/s is the median over the slices; latencies are over every request.

| page | requests/s | ÷ baseline | p50 ms | p95 ms | p99 ms | requests | errors |
|---|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}
"""
    print(body)
    if not options.no_write:
        report.write_section("http_load", body)




if __name__ == "__main__":
    main()
