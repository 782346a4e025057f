#!/usr/bin/env python3
"""Public intake under load: citizens sending the form at /gui-y-kien/, on PostgreSQL and SQLite.

    .venv/bin/python bench/intake_load.py [--backends postgresql,sqlite] [--rate 150]
                                          [--duration 60] [--capacity 20] [--connections 48]
                                          [--tree PATH] [--label TEXT] [--section NAME]
                                          [--multipart] [--no-write]

`--multipart` sends the form as a browser does (multipart/form-data, with the empty file part
of the attachments field) instead of urlencoded.

`--tree` serves another copy of the application (e.g. one with a change being weighed)
with this checkout's virtual environment; `--section` names the docs/benchmarks.md section.

For each database it prepares a fresh one with the reference places and the demo
(PostgreSQL: a private server this script starts on a free loopback port, see bench/pg.py;
SQLite: a file under var/bench/intake/), starts `manage.py serve` with its default web
processes, threads and background worker, and drives it from a separate client process with
keep-alive connections (threads, http.client):

1. /healthz (one `SELECT 1`, no template), closed loop: the baseline of this run.
2. Intake at a fixed arrival rate (`--rate` submissions a second, open loop) for `--duration`
   seconds: each submission is one POST of the public form by a new citizen (a CSRF token
   from an earlier GET of the form on that connection, no session yet), who is sent on to the
   confirmation page (302). Latency is counted from the moment the submission was due, so
   a server that falls behind shows it.
3. Intake capacity: the same POSTs in a closed loop for `--capacity` seconds.
4. /healthz again; the baseline is the median of both.

Every citizen has their own address and phone number. The server runs with
NGHEDAN_TRUSTED_PROXIES=1 (as behind one reverse proxy) and the client sends each submission's
address in X-Forwarded-For, so the per-address limit (10 an hour) and the per-contact limit
(5 a day) are counted for every submission, as in production, and none is reached.

Writes its section of docs/benchmarks.md (unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import queue
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg  # noqa: E402
import report  # noqa: E402
from quiet import machine_cpu, process_tree_cpu, wait_for_quiet  # noqa: E402

FORM = "/gui-y-kien/"
DONE = "/gui-y-kien/da-gui/"

# Places in the demo's four wards, new and old names, as people write them.
ADDRESSES = [
    "12 Lê Lợi, Phường Sài Gòn, TP Hồ Chí Minh",
    "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM",
    "45 Lê Thánh Tôn, Phường Bến Thành, TP.HCM",
    "Khu phố 5, Phường Bình Thạnh, TP Hồ Chí Minh",
    "Ấp Bàu Tre, Xã Củ Chi, TP Hồ Chí Minh",
]
CATEGORIES = [
    "land_housing", "environment", "urban_order", "traffic", "infrastructure", "administration",
    "health", "education", "labour", "welfare", "security", "official_conduct", "other",
]  # fmt: skip
# (kind, weight): mostly feedback, as a city hears it; denunciations seal an identity.
KINDS = [("feedback", 70), ("recommendation", 20), ("complaint", 7), ("denunciation", 3)]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Huỳnh"]
GIVEN = ["Văn An", "Thị Bích", "Minh Châu", "Quốc Dũng", "Thị Hoa", "Thanh Sơn", "Thu Trang"]
DESCRIPTION = (
    "Từ đầu tháng đến nay, tình trạng này diễn ra gần như mỗi ngày, nhất là vào giờ cao điểm "
    "buổi sáng và buổi chiều. Người dân trong khu phố đã nhắc nhở nhiều lần nhưng không có "
    "chuyển biến. Đề nghị chính quyền phường cử cán bộ xuống kiểm tra, xử lý dứt điểm và thông "
    "báo kết quả cho người dân được biết. "
)


@dataclass
class Phase:
    """What the client process measured in one phase."""

    name: str
    seconds: float = 0.0
    sent: int = 0
    ok: int = 0
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)  # seconds, successful requests
    retries: int = 0
    client_cpu: float = 0.0  # CPU seconds the client used per wall second
    late: int = 0  # open loop: submissions sent more than 100 ms after they were due

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


# --- the client (runs in its own process) -------------------------------------------------


class Citizen:
    """One keep-alive connection, playing one new citizen per submission."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None
        self.token = ""
        self.cookie = ""
        self.fresh = True

    def open(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.fresh = True

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def exchange(self, method: str, path: str, body: str | None = None,
                 headers: dict | None = None) -> tuple[int, dict, bytes]:  # fmt: skip
        if self.connection is None:
            self.open()
        assert self.connection is not None
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        data = response.read()
        self.fresh = False
        if response.will_close:
            self.close()
        return response.status, dict(response.getheaders()), data

    def request(self, method, path, body=None, headers=None) -> tuple[int, dict, bytes, int]:
        """One request; retried once, on a new connection, when a kept-alive connection turns
        out to have been closed by the server before it read anything (as browsers do)."""
        retries = 0
        while True:
            reused = self.connection is not None and not self.fresh
            try:
                status, got, data = self.exchange(method, path, body, headers)
                return status, got, data, retries
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if not reused or retries:
                    raise
                retries += 1

    def fetch_token(self) -> None:
        """The form's CSRF token and cookie, as a browser gets them with the page."""
        status, headers, data, _ = self.request("GET", FORM)
        if status != 200:
            raise RuntimeError(f"GET {FORM} answered {status}")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data)
        cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
        if not match or not cookie:
            raise RuntimeError("no CSRF token in the form")
        self.token, self.cookie = match.group(1).decode(), cookie.group(1)


def submission(number: int, seed: int) -> tuple[dict[str, str], dict]:
    """The form a new citizen sends: fields and headers (their own address and phone)."""
    pick = random.Random(seed * 1_000_003 + number)
    kind = pick.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
    address = pick.choice(ADDRESSES)
    name = f"{pick.choice(SURNAMES)} {pick.choice(GIVEN)}"
    serial = seed * 10_000_000 + number
    fields = {
        "kind": kind,
        "category": pick.choice(CATEGORIES),
        "address": address,
        "commune": "",
        "title": f"Phản ánh số {number}: {pick.choice(['ngập nước', 'lấn chiếm vỉa hè', 'tiếng ồn', 'đèn đường hỏng', 'rác thải'])} tại {address.split(',')[0]}",  # noqa: E501
        "description": DESCRIPTION * pick.randint(1, 3),
        "people_count": str(pick.choice([1, 1, 1, 1, 2, 5, 12])),
        "submitter_name": name,
        "submitter_phone": f"09{serial % 100_000_000:08d}",
        "submitter_email": f"nguoidan{serial}@example.vn" if pick.random() < 0.4 else "",
        "submitter_address": f"{pick.randint(1, 300)} Nguyễn Huệ, Phường Sài Gòn, TP Hồ Chí Minh",
        "website": "",
    }
    # A distinct client address per citizen: 10.x.y.z from the serial.
    forwarded = f"10.{(serial >> 16) & 255}.{(serial >> 8) & 255}.{serial & 255}"
    return fields, {"X-Forwarded-For": forwarded}


MULTIPART_BOUNDARY = "----NgheDanBenchBoundary7MA4YWxkTrZu0gW"


def multipart(fields: dict[str, str]) -> bytes:
    """The body a browser sends for the form (enctype multipart/form-data), no file attached:
    the attachments field goes as an empty file part, as browsers send it."""
    parts = [
        f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n"
        for name, value in fields.items()
    ]
    parts.append(
        f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; '
        'filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n'
    )
    return ("".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n").encode()


def post_submission(
    citizen: Citizen, number: int, seed: int, as_browser: bool = False
) -> tuple[int, int]:
    fields, headers = submission(number, seed)
    if not citizen.token:
        citizen.fetch_token()
    fields = {"csrfmiddlewaretoken": citizen.token, **fields}
    if as_browser:
        body = multipart(fields)
        kind = f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"
    else:
        body, kind = urlencode(fields), "application/x-www-form-urlencoded"
    headers = {**headers, "Content-Type": kind, "Cookie": f"csrftoken={citizen.cookie}"}
    status, got, _, retries = citizen.request("POST", FORM, body, headers)
    if status == 302 and urlsplit(got.get("Location", "")).path != DONE:
        status = -302  # sent somewhere else than the confirmation
    return status, retries


def get_health(citizen: Citizen, number: int, seed: int) -> tuple[int, int]:
    status, _, _, retries = citizen.request("GET", "/healthz")
    return status, retries


def post_as_browser(citizen: Citizen, number: int, seed: int) -> tuple[int, int]:
    return post_submission(citizen, number, seed, as_browser=True)


WORK = {
    "submit": (post_submission, 302),
    "submit-multipart": (post_as_browser, 302),
    "healthz": (get_health, 200),
}


def closed_loop(port: int, work: str, seconds: float, connections: int, seed: int) -> Phase:
    action, expected = WORK[work]
    phase = Phase(f"{work} closed")
    lock = threading.Lock()
    barrier = threading.Barrier(connections + 1)
    deadline = [0.0]
    counter = iter(range(10**9))

    def run() -> None:
        citizen = Citizen(port)
        if work.startswith("submit"):
            citizen.fetch_token()
        mine, statuses, retries = [], {}, 0
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            with lock:
                number = next(counter)
            began = time.perf_counter()
            try:
                status, retried = action(citizen, number, seed)
                retries += retried
            except (OSError, http.client.HTTPException, RuntimeError):
                citizen.close()
                status = 0
            if status == expected:
                mine.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
        citizen.close()
        with lock:
            phase.latencies.extend(mine)
            phase.retries += retries
            for status, count in statuses.items():
                phase.statuses[status] = phase.statuses.get(status, 0) + count

    threads = [threading.Thread(target=run, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    began = time.perf_counter()
    deadline[0] = began + seconds
    barrier.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    phase.seconds = time.perf_counter() - began
    phase.client_cpu = (time.process_time() - cpu) / phase.seconds
    phase.sent = sum(phase.statuses.values())
    phase.ok = phase.statuses.get(expected, 0)
    phase.errors = phase.sent - phase.ok
    return phase


def open_loop(port: int, work: str, rate: float, seconds: float, connections: int,
              seed: int) -> Phase:  # fmt: skip
    """Requests due at a fixed rate, whatever the server does; each waits for a free
    connection, and its latency runs from when it was due."""
    action, expected = WORK[work]
    phase = Phase(f"{work} open")
    due: queue.Queue = queue.Queue()
    lock = threading.Lock()
    citizens = [Citizen(port) for _ in range(connections)]
    if work.startswith("submit"):
        for citizen in citizens:
            citizen.fetch_token()

    def run(citizen: Citizen) -> None:
        mine, statuses, retries, late = [], {}, 0, 0
        while True:
            item = due.get()
            if item is None:
                break
            number, when = item
            if time.perf_counter() - when > 0.1:
                late += 1
            try:
                status, retried = action(citizen, number, seed)
                retries += retried
            except (OSError, http.client.HTTPException, RuntimeError):
                citizen.close()
                status = 0
            if status == expected:
                mine.append(time.perf_counter() - when)
            statuses[status] = statuses.get(status, 0) + 1
        citizen.close()
        with lock:
            phase.latencies.extend(mine)
            phase.retries += retries
            phase.late += late
            for status, count in statuses.items():
                phase.statuses[status] = phase.statuses.get(status, 0) + count

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in citizens]
    for thread in threads:
        thread.start()
    total = int(rate * seconds)
    cpu = time.process_time()
    began = time.perf_counter()
    for number in range(total):
        when = began + number / rate
        pause = when - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put((number, when))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join(timeout=seconds + 120)
    phase.seconds = time.perf_counter() - began
    phase.client_cpu = (time.process_time() - cpu) / phase.seconds
    phase.sent = sum(phase.statuses.values())
    phase.ok = phase.statuses.get(expected, 0)
    phase.errors = phase.sent - phase.ok
    return phase


def client_main(spec: dict) -> dict:
    """Entry point of the client process: one phase, its results as a plain dict."""
    if spec["loop"] == "open":
        phase = open_loop(spec["port"], spec["work"], spec["rate"], spec["seconds"],
                          spec["connections"], spec["seed"])  # fmt: skip
    else:
        phase = closed_loop(spec["port"], spec["work"], spec["seconds"], spec["connections"],
                            spec["seed"])  # fmt: skip
    return phase.__dict__


# --- the server ---------------------------------------------------------------------------


def python() -> str:
    venv = report.ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def server_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("NGHEDAN_")}
    env.update(
        NGHEDAN_VAR_DIR=str(var_dir),
        NGHEDAN_SECRET_KEY=secrets.token_urlsafe(50),
        NGHEDAN_HTTPS="false",
        NGHEDAN_ALLOWED_HOSTS="127.0.0.1,localhost",
        # The client plays one reverse proxy; each citizen's address comes in X-Forwarded-For.
        NGHEDAN_TRUSTED_PROXIES="1",
        NGHEDAN_LOG_LEVEL="WARNING",
    )
    if database_url:
        env["NGHEDAN_DATABASE_URL"] = database_url
    return env


def web_shape(options) -> list[str]:
    """serve's web processes and threads when given, else its defaults (the settings')."""
    shape = []
    if options.web_workers:
        shape += ["--workers", str(options.web_workers)]
    if options.web_threads:
        shape += ["--threads", str(options.web_threads)]
    return shape


def manage(tree: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run([python(), "manage.py", *args], cwd=tree, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def query(tree: Path, env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [python(), "manage.py", "shell", "-c", code], cwd=tree, env=env, check=True,
        text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


COUNT_CASES = (
    "from nghedan.cases.models import Case, CaseDeadline;"
    "print(Case.objects.count(), CaseDeadline.objects.count())"
)


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (code {server.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer /healthz in time")


@dataclass
class Run:
    backend: str
    detail: str
    phases: dict
    cases_before: tuple
    cases_after: tuple
    server_cpu: dict
    database_cpu: dict
    machine_busy: dict
    machine_steal: dict


def run_backend(backend: str, options, pool) -> Run:
    tree = Path(options.tree).resolve()
    var_dir = report.ROOT / "var" / "bench" / "intake" / backend
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    server_pg = None
    url = None
    if backend == "postgresql":
        server_pg = pg.PrivateServer().start()
        url = server_pg.create_database("nghedan")
        detail = f"PostgreSQL {server_pg.version.split()[0]} (private server, default settings)"
    else:
        detail = "SQLite (WAL, synchronous=NORMAL)"
    env = server_env(var_dir, url)
    print(f"[{backend}] preparing the database…", file=sys.stderr)
    manage(tree, env, "migrate", "--noinput", "-v0")
    manage(tree, env, "collectstatic", "--noinput", "-v0")
    manage(tree, env, "load_places", "-v0")
    manage(tree, env, "load_demo", "-v0")
    before = tuple(int(n) for n in query(tree, env, COUNT_CASES).split())

    port = pg.free_port()
    log = (var_dir / "serve.log").open("w")
    server = subprocess.Popen(
        [python(), "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--no-access-log",
         *web_shape(options)],
        cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    phases: dict[str, dict] = {}
    cpu: dict[str, float] = {}
    database_cpu: dict[str, float] = {}
    busy: dict[str, float] = {}
    steal: dict[str, float] = {}
    seed = random.randrange(1, 200)
    postmaster = server_pg.pid() if server_pg is not None else None

    def phase(name: str, **spec) -> None:
        print(f"[{backend}] {name}…", file=sys.stderr)
        wait_for_quiet(patience=30)
        # Each phase its own citizens: one who sent the same text from the same phone before
        # is answered with the case already made (200), not a new one.
        spec = {"port": port, "seed": seed + len(phases), "connections": options.connections,
                **spec}  # fmt: skip
        began, wall = process_tree_cpu(server.pid), time.perf_counter()
        began_db = process_tree_cpu(postmaster) if postmaster else 0.0
        began_busy, began_steal = machine_cpu()
        phases[name] = pool.apply(client_main, (spec,))
        elapsed = time.perf_counter() - wall
        cpu[name] = (process_tree_cpu(server.pid) - began) / elapsed
        database_cpu[name] = (
            (process_tree_cpu(postmaster) - began_db) / elapsed if postmaster else 0.0
        )
        now_busy, now_steal = machine_cpu()
        busy[name] = (now_busy - began_busy) / elapsed
        steal[name] = (now_steal - began_steal) / elapsed

    try:
        wait_until_up(port, server)
        submit = "submit-multipart" if options.multipart else "submit"
        phase("warm-up", loop="open", work=submit, rate=options.rate / 2, seconds=5)
        phase("healthz 1", loop="closed", work="healthz", seconds=options.baseline,
              connections=8)  # fmt: skip
        phase("intake", loop="open", work=submit, rate=options.rate, seconds=options.duration)
        if options.capacity:
            phase("capacity", loop="closed", work=submit, seconds=options.capacity)
        phase("healthz 2", loop="closed", work="healthz", seconds=options.baseline,
              connections=8)  # fmt: skip
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    after = tuple(int(n) for n in query(tree, env, COUNT_CASES).split())
    if server_pg is not None:
        server_pg.stop()
    return Run(backend, detail, phases, before, after, cpu, database_cpu, busy, steal)


# --- the report ---------------------------------------------------------------------------


def ms(values: list, fraction: float) -> str:
    return f"{report.percentile(values, fraction) * 1000:.0f}"


def statuses(phase: dict) -> str:
    shown = {str(k): v for k, v in sorted(phase["statuses"].items(), key=lambda kv: str(kv[0]))}
    return ", ".join(f"{k}: {v:,}" for k, v in shown.items())


def others(run: Run, name: str, phase: dict) -> float:
    """CPU used by processes that are not part of the benchmark, per second."""
    ours = run.server_cpu[name] + run.database_cpu[name] + phase["client_cpu"]
    return max(run.machine_busy[name] - ours, 0.0)


def describe(run: Run, options) -> tuple[list[str], list[str]]:
    p = run.phases
    health = report.median([p["healthz 1"]["ok"] / p["healthz 1"]["seconds"],
                            p["healthz 2"]["ok"] / p["healthz 2"]["seconds"]])  # fmt: skip
    health_lat = p["healthz 1"]["latencies"] + p["healthz 2"]["latencies"]
    rows = []
    labels = [
        ("healthz 1", "/healthz, before"), ("intake", f"intake at {options.rate:g}/s"),
        ("capacity", "intake, closed loop"), ("healthz 2", "/healthz, after"),
    ]  # fmt: skip
    for name, label in labels:
        if name not in p:
            continue
        phase = p[name]
        rate = phase["ok"] / phase["seconds"]
        lat = phase["latencies"]
        rows.append(
            f"| {run.backend} | {label} | {phase['seconds']:.0f} | {rate:,.1f} | "
            f"{rate / health:.3f} | {ms(lat, 0.5)} | {ms(lat, 0.95)} | {ms(lat, 0.99)} | "
            f"{report.percentile(lat, 0.5) / report.percentile(health_lat, 0.5):.1f} | "
            f"{phase['ok']:,} | {phase['errors']} | {run.server_cpu[name]:.2f} | "
            f"{run.database_cpu[name]:.2f} | {phase['client_cpu']:.2f} | "
            f"{others(run, name, phase):.2f} | {run.machine_steal[name]:.2f} |"
        )
    intake = p["intake"]
    created = run.cases_after[0] - run.cases_before[0]
    submitted = sum(p[name]["ok"] for name in ("warm-up", "intake", "capacity") if name in p)
    p99 = report.percentile(intake["latencies"], 0.99) * 1000
    verdict = (
        "meets" if intake["ok"] / intake["seconds"] >= options.rate * 0.99 and p99 < 500
        and intake["errors"] == 0 else "does not meet"
    )  # fmt: skip
    notes = [
        f"- **{run.backend}** ({run.detail}): {verdict} the target ({options.rate:g} "
        f"submissions/s for {options.duration:g} s, p99 < 500 ms, no error): "
        f"{intake['ok'] / intake['seconds']:.1f}/s, p99 {p99:.0f} ms, {intake['errors']} errors "
        f"({statuses(intake)}); {intake['late']} submissions waited more than 100 ms for a "
        f"free connection in the client; {intake['retries']} retried on a closed keep-alive "
        f"connection. Cases in the database: {run.cases_before[0]:,} → {run.cases_after[0]:,} "
        f"(+{created:,} for {submitted:,} answered 302); deadlines "
        f"{run.cases_before[1]:,} → {run.cases_after[1]:,}."
    ]
    for name in ("intake", "capacity"):
        if name not in p:
            continue
        phase = p[name]
        per_second = phase["ok"] / phase["seconds"]
        if not per_second:
            continue
        web = run.server_cpu[name] / per_second * 1000
        database = run.database_cpu[name] / per_second * 1000
        client = phase["client_cpu"] / per_second * 1000
        notes.append(
            f"  - {name}: CPU per submission {web:.1f} ms in the web processes + "
            f"{database:.1f} ms in the database + {client:.1f} ms in the client = "
            f"{web + database + client:.1f} ms, so 2 CPUs given to this alone would take at "
            f"most {2000 / (web + database + client):.0f} submissions/s "
            f"({2000 / (web + database):.0f}/s with the client elsewhere)."
        )
    return rows, notes


def main() -> None:
    # Stopped from outside: leave through `finally` and atexit, which stop the servers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--rate", type=float, default=150, help="submissions/s (default 150)")
    parser.add_argument("--duration", type=float, default=60, help="seconds at that rate")
    parser.add_argument("--capacity", type=float, default=20, help="closed-loop seconds, 0: none")
    parser.add_argument("--baseline", type=float, default=10, help="seconds of /healthz, twice")
    parser.add_argument("--connections", type=int, default=48, help="client connections")
    parser.add_argument("--tree", default=str(report.ROOT), help="the tree to serve (scratch)")
    parser.add_argument("--label", default="", help="what the tree is, for the report")
    parser.add_argument("--section", default="intake_load", help="docs/benchmarks.md section")
    parser.add_argument("--web-workers", type=int, default=0, help="serve --workers (0: default)")
    parser.add_argument("--web-threads", type=int, default=0, help="serve --threads (0: default)")
    parser.add_argument(
        "--multipart", action="store_true", help="send the form as a browser does (multipart)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    runs = []
    with context.Pool(1) as pool:
        for backend in options.backends.split(","):
            runs.append(run_backend(backend.strip(), options, pool))
    rows, notes = [], []
    for run in runs:
        more_rows, more_notes = describe(run, options)
        rows += more_rows
        notes += more_notes
    raw = report.ROOT / "var" / "bench" / "intake" / "results.json"
    raw.write_text(json.dumps([run.__dict__ for run in runs], default=str))
    workers = options.web_workers or report.serve_workers()
    threads = options.web_threads or 4
    tree = options.label or (
        "this tree" if Path(options.tree).resolve() == report.ROOT else options.tree
    )
    columns = [
        "database", "phase", "s", "per s", "÷ baseline", "p50 ms", "p95 ms", "p99 ms",
        "p50 × baseline", "answered", "errors", "web CPU", "database CPU", "client CPU",
        "other CPU", "stolen",
    ]  # fmt: skip
    header = f"| {' | '.join(columns)} |\n|---|---|{'---:|' * (len(columns) - 2)}"
    sent_as = "as multipart/form-data, as a browser does" if options.multipart else "urlencoded"
    body = f"""
## Public intake under load (`bench/intake_load.py`)

Measured {report.now()} on {report.machine()}; {tree}.

- Server: `manage.py serve` on 127.0.0.1 ({workers} web processes × {threads} threads,
  gunicorn gthread, and 1 background worker), DEBUG off, a fresh database with
  load_places and load_demo, `NGHEDAN_TRUSTED_PROXIES=1`.
- Client: a separate process on the same machine (it shares the 2 CPUs with the server and
  the database), {options.connections} keep-alive connections (threads, http.client).
- A submission is one POST of the public form `/gui-y-kien/`, sent {sent_as}
  (kind, category, a free-text address in one of the demo's wards, title, description,
  people count, name, phone, e-mail for 40 %, contact address, empty honeypot) by a new
  citizen with their own client address (X-Forwarded-For) and phone: each one passes the
  per-address and per-contact limits, which are counted as in production. It succeeds when
  it answers 302 to the confirmation page.
  Kinds: 70 % feedback, 20 % recommendation, 7 % complaint, 3 % denunciation.
- "intake at {options.rate:g}/s": submissions due at a fixed rate for {options.duration:g} s
  (open loop; latency counted from when each was due). "closed loop": as fast as the
  {options.connections} connections go, {options.capacity:g} s. Baseline: /healthz
  (`SELECT 1`), 8 connections, {options.baseline:g} s before and after; its rate is the
  median of both.
- ÷ baseline: requests/s divided by the baseline's; p50 × baseline: the p50 divided by the
  baseline's p50. CPU columns: CPU seconds per second of the phase (2.00 = both CPUs):
  web = `manage.py serve` and its children, database = the PostgreSQL server's processes,
  client = the load generator, other = every other process on the machine (/proc/stat;
  each phase waits, at most 30 s, until the machine is quiet before it starts),
  stolen = time the hypervisor gave to other guests.

{header}
{chr(10).join(rows)}

{chr(10).join(notes)}
"""
    print(body)
    if not options.no_write:
        report.write_section(options.section, body)


if __name__ == "__main__":
    main()
