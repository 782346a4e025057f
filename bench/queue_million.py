#!/usr/bin/env python3
"""The officer queue and the leader's dashboard over a million cases, on PostgreSQL.

    .venv/bin/python bench/queue_million.py [--cases 1000000] [--requests 300] [--page-seconds 20]
                                            [--try-sql bench/queue_indexes.sql] [--tree PATH]
                                            [--label TEXT] [--section NAME] [--no-write]

It starts a private PostgreSQL server (bench/pg.py: a temporary cluster on a free loopback
port, default settings but fsync off, since only reads are measured), migrates, loads the
reference places and the demo, then adds `--cases` cases with set-based SQL (one
INSERT … SELECT over generate_series for the cases, one for their deadlines) spread over the
demo's organizations, categories, kinds, channels and statuses and over two years of
received_at, the open ones with running deadlines (some overdue), the finished ones with
deadlines met (some late); `manage.py rebuild_case_counts` then recounts what the
application keeps as cases change (each case's earliest running due date, the counts per
organization and day), as an operator does after a bulk load. It starts `manage.py serve`
with its defaults, signs in over HTTP
as a ward handler (xuly.saigon: one ward's People's Committee) and as a city supervisor
(giamsat.dandan: every ward and the city government), and for each page and person sends
sequential requests on one keep-alive connection after a warm-up: up to `--requests`, at
most `--page-seconds` seconds. /healthz, measured the same way, is the baseline.

Then it counts each page's queries (django.test.utils.CaptureQueriesContext, in a `manage.py
shell` against the same database) and runs EXPLAIN ANALYZE on the slowest of them; the
plans go to var/bench/queue/explain/. With `--try-sql FILE` it then runs the statements in
FILE (e.g. CREATE INDEX …), ANALYZEs and measures everything again on the same data, so
an index can be judged before it is proposed.

Writes its section of docs/benchmarks.md (unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pg  # noqa: E402
import report  # noqa: E402
from quiet import machine_cpu, process_tree_cpu, wait_for_quiet  # noqa: E402

HANDLER, SUPERVISOR = "xuly.saigon", "giamsat.dandan"
PAGES = [
    ("hàng việc / queue", "/can-bo/vu-viec/"),
    ("hàng việc, đang xử lý theo hạn / queue, open by due date",
     "/can-bo/vu-viec/?status=open&sort=due"),
    ("hàng việc, quá hạn / queue, overdue", "/can-bo/vu-viec/?due=overdue"),
    ("tổng quan 30 ngày / dashboard, 30 days", "/can-bo/tong-quan/"),
    ("tổng quan 365 ngày / dashboard, 365 days", "/can-bo/tong-quan/?ky=365"),
]  # fmt: skip
BASELINE = ("/healthz (SELECT 1)", "/healthz")
VAR = report.ROOT / "var" / "bench" / "queue"

# --- the million ----------------------------------------------------------------------------

# Organizations by code, with their share of the cases: most matters go to the wards'
# People's Committees (where intake routes them), some to residential groups, the Front,
# the city's departments and government.
ORGANIZATION_SHARES = [
    ("sai-gon-ubnd", 18), ("ben-thanh-ubnd", 14), ("binh-thanh-ubnd", 14), ("cu-chi-ubnd", 10),
    ("sai-gon-to-dan-pho-1", 2), ("sai-gon-to-dan-pho-2", 2), ("sai-gon-to-dan-pho-3", 1),
    ("ben-thanh-to-dan-pho-1", 2), ("binh-thanh-to-dan-pho-1", 2), ("cu-chi-to-dan-pho-1", 2),
    ("sai-gon-mttq", 2), ("ben-thanh-mttq", 1), ("binh-thanh-mttq", 1), ("cu-chi-mttq", 1),
    ("hcm-ubnd", 5), ("hcm-ban-tiep-cong-dan", 5), ("hcm-so-xay-dung", 6),
    ("hcm-so-nong-nghiep-moi-truong", 5), ("hcm-so-y-te", 3), ("hcm-so-giao-duc", 2),
    ("hcm-thanh-tra", 2),
]  # fmt: skip
KIND_SHARES = [("feedback", 60), ("recommendation", 20), ("complaint", 15), ("denunciation", 5)]
CHANNEL_SHARES = [
    ("web", 30), ("hotline", 22), ("reception", 10), ("letter", 8), ("api", 5), ("open311", 3),
    ("dialogue", 4), ("voter_meeting", 5), ("press", 3), ("grassroots", 10),
]  # fmt: skip
CATEGORY_SHARES = [
    ("land_housing", 14), ("environment", 12), ("urban_order", 14), ("traffic", 9),
    ("infrastructure", 15), ("administration", 9), ("health", 5), ("education", 4),
    ("labour", 4), ("welfare", 5), ("security", 5), ("official_conduct", 2), ("other", 2),
]  # fmt: skip
# Statuses of cases received more than 60 days ago, and of the recent ones.
OLD_STATUS_SHARES = [
    ("closed", 62), ("resolved", 22), ("refused", 5), ("forwarded", 5), ("withdrawn", 2),
    ("information", 1), ("accepted", 1), ("verifying", 1), ("classified", 0.5), ("received", 0.5),
]  # fmt: skip
NEW_STATUS_SHARES = [
    ("received", 12), ("classified", 10), ("accepted", 18), ("verifying", 20), ("resolved", 18),
    ("closed", 12), ("refused", 4), ("forwarded", 4), ("withdrawn", 1), ("information", 1),
]  # fmt: skip


def pick(shares: list[tuple[str, float]], variable: str) -> str:
    """A SQL CASE choosing among `shares` by a uniform random column `variable` in [0, 1)."""
    total = sum(share for _, share in shares)
    edge, parts = 0.0, []
    for value, share in shares[:-1]:
        edge += share / total
        parts.append(f"WHEN {variable} < {edge:.6f} THEN '{value}'")
    return f"(CASE {' '.join(parts)} ELSE '{shares[-1][0]}' END)"


def generate_sql(cases: int) -> str:
    """Cases and their deadlines, set-based, in one transaction."""
    organizations = ", ".join(f"('{code}', {share})" for code, share in ORGANIZATION_SHARES)
    return f"""
BEGIN;
SET LOCAL synchronous_commit = off;
CREATE TEMP TABLE bench_org ON COMMIT DROP AS
  SELECT o.id, o.commune_id, s.share,
         sum(s.share) OVER (ORDER BY o.id)::float8 / sum(s.share) OVER () AS upper_edge
    FROM (VALUES {organizations}) AS s(code, share)
    JOIN people_organization o ON o.code = s.code;
CREATE TEMP TABLE bench_handler ON COMMIT DROP AS
  SELECT id FROM people_user WHERE username = '{HANDLER}';
-- The generated cases are those after the demo's.
CREATE TEMP TABLE bench_first ON COMMIT DROP AS SELECT coalesce(max(id), 0) AS id FROM cases_case;

INSERT INTO cases_case (
    code, kind, instance, channel, title, description, address, status, condition, people_count,
    submitter_name, submitter_phone, sender_phone_tail, submitter_email, submitter_address,
    is_anonymous, answer,
    published_answer, reopen_count, received_at, resolved_at, closed_at, created_at, updated_at,
    assignee_id, commune_id, organization_id, category_id)
SELECT
    -- U never appears in a real code (CODE_ALPHABET): no collision with the demo's cases
    'U' || substr(lpad(upper(to_hex(n)), 7, '0'), 1, 3) || '-'
        || substr(lpad(upper(to_hex(n)), 7, '0'), 4, 4),
    g.kind, 1, g.channel,
    'Phản ánh số ' || n || ' về ' || cat.name,
    'Nội dung phản ánh số ' || n || ': người dân đề nghị cơ quan xem xét, xử lý và trả lời.',
    (n % 300 + 1) || ' Lê Lợi',
    g.status, 'normal', 1 + (n % 7 = 0)::int * (n % 40),
    CASE WHEN g.kind = 'denunciation' THEN '' ELSE 'Người dân ' || n END,
    CASE WHEN g.kind = 'denunciation' THEN '' ELSE '09' || lpad((n % 100000000)::text, 8, '0') END,
    -- the indexed tail the application keeps beside the phone (Case.save, phone_tail)
    CASE WHEN g.kind = 'denunciation' THEN '' ELSE '9' || lpad((n % 100000000)::text, 8, '0') END,
    '', '', false,
    CASE WHEN g.status IN ('resolved', 'closed') THEN 'Đã xử lý.' ELSE '' END, '', 0,
    g.received_at,
    CASE WHEN g.status IN ('resolved', 'closed') THEN g.received_at + g.took END,
    CASE WHEN g.status = 'closed' THEN g.received_at + g.took + interval '3 days' END,
    g.received_at, g.received_at + coalesce(g.took, interval '0'),
    CASE WHEN org.id = (SELECT id FROM people_organization WHERE code = 'sai-gon-ubnd')
              AND g.status IN ('accepted', 'verifying', 'resolved', 'closed') AND g.r_assign < 0.3
         THEN (SELECT id FROM bench_handler) END,
    coalesce(org.commune_id, (SELECT commune_id FROM people_organization
                              WHERE code IN ('sai-gon-ubnd', 'ben-thanh-ubnd', 'binh-thanh-ubnd',
                                             'cu-chi-ubnd')
                              ORDER BY id OFFSET (n % 4) LIMIT 1)),
    org.id, cat.id
FROM (
    SELECT n, r_org, r_assign, kind, channel, category, received_at,
           CASE WHEN received_at < now() - interval '60 days'
                THEN {pick(OLD_STATUS_SHARES, "r_status")}
                ELSE {pick(NEW_STATUS_SHARES, "r_status")} END AS status,
           -- how long it took to answer: mostly within the deadline, some late
           (interval '1 day' * (2 + floor(power(r_took, 4) * 60))) AS took
    FROM (
        SELECT n, random() AS r_org, random() AS r_assign, random() AS r_status,
               random() AS r_took,
               {pick(KIND_SHARES, "r_kind")} AS kind,
               {pick(CHANNEL_SHARES, "r_channel")} AS channel,
               {pick(CATEGORY_SHARES, "r_category")} AS category,
               -- two years back, a little more of it recent
               date_trunc('second', now() - interval '730 days' * power(r_age, 1.15))
                   AS received_at
        FROM (SELECT n, random() AS r_kind, random() AS r_channel, random() AS r_category,
                     random() AS r_age
                FROM generate_series(1, {cases}) AS n) AS draws
    ) AS drawn
) AS g
JOIN LATERAL (SELECT id, commune_id FROM bench_org WHERE bench_org.upper_edge > g.r_org
              ORDER BY upper_edge LIMIT 1) AS org ON true
JOIN cases_category cat ON cat.code = g.category;

-- Deadlines: the receiving stage for every case processed by law (not information);
-- acceptance for complaints and denunciations past classification; resolution once
-- accepted. Finished stages are met, most on time; the running one of an open case is
-- due 10 working days (about 14 calendar days) after it started, so some are overdue.
INSERT INTO cases_casedeadline (case_id, stage, rule_id, starts_on, due_on, extensions,
                                met_on, reminded, escalated)
SELECT c.id, 'receive', r.id, c.received_at::date, c.received_at::date + 14, 0,
       CASE WHEN c.status IN ('received') THEN NULL
            ELSE c.received_at::date + (c.id % 12)::int END,
       false, false
  FROM cases_case c
  JOIN cases_deadlinerule r ON r.kind = c.kind AND r.stage = 'receive' AND r.condition = 'normal'
 WHERE c.id > (SELECT id FROM bench_first) AND c.status <> 'information';

INSERT INTO cases_casedeadline (case_id, stage, rule_id, starts_on, due_on, extensions,
                                met_on, reminded, escalated)
SELECT c.id, 'accept', r.id, c.received_at::date + 10, c.received_at::date + 17, 0,
       CASE WHEN c.status = 'classified' THEN NULL
            ELSE c.received_at::date + 10 + (c.id % 9)::int END,
       false, false
  FROM cases_case c
  JOIN cases_deadlinerule r ON r.kind = c.kind AND r.stage = 'accept' AND r.condition = 'normal'
 WHERE c.id > (SELECT id FROM bench_first) AND c.kind IN ('complaint', 'denunciation')
   AND c.status NOT IN ('received', 'information', 'refused', 'forwarded', 'withdrawn');

INSERT INTO cases_casedeadline (case_id, stage, rule_id, starts_on, due_on, extensions,
                                met_on, reminded, escalated)
SELECT c.id, 'resolve', r.id, c.received_at::date + 12,
       c.received_at::date + 12 + CASE WHEN r.basis = 'working' THEN r.days * 7 / 5 ELSE r.days END,
       0,
       CASE WHEN c.status IN ('accepted', 'verifying') THEN NULL
            ELSE (c.resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date END,
       false, false
  FROM cases_case c
  JOIN cases_deadlinerule r ON r.kind = c.kind AND r.stage = 'resolve' AND r.condition = 'normal'
 WHERE c.id > (SELECT id FROM bench_first)
   AND c.status IN ('accepted', 'verifying', 'resolved', 'closed');
COMMIT;
VACUUM ANALYZE cases_case;
VACUUM ANALYZE cases_casedeadline;
"""


DISTRIBUTION_SQL = """
SELECT 'cases', count(*)::text FROM cases_case
UNION ALL SELECT 'deadlines', count(*)::text FROM cases_casedeadline
UNION ALL SELECT 'running deadlines', count(*)::text FROM cases_casedeadline WHERE met_on IS NULL
UNION ALL SELECT 'overdue (running, due before today)', count(*)::text FROM cases_casedeadline
    WHERE met_on IS NULL AND due_on < current_date
UNION ALL SELECT 'open cases', count(*)::text FROM cases_case
    WHERE status IN ('received', 'classified', 'accepted', 'verifying')
UNION ALL SELECT 'received in the last 30 days', count(*)::text FROM cases_case
    WHERE received_at >= now() - interval '30 days'
UNION ALL SELECT 'xuly.saigon''s scope (sai-gon-ubnd subtree)', count(*)::text FROM cases_case c
    JOIN people_organization o ON o.id = c.organization_id WHERE o.path LIKE (
        SELECT path FROM people_organization WHERE code = 'sai-gon-ubnd') || '%'
UNION ALL SELECT 'assigned to xuly.saigon', count(*)::text FROM cases_case
    WHERE assignee_id = (SELECT id FROM people_user WHERE username = 'xuly.saigon')
UNION ALL SELECT 'table and indexes, cases_case',
    pg_size_pretty(pg_total_relation_size('cases_case'))
UNION ALL SELECT 'table and indexes, cases_casedeadline',
    pg_size_pretty(pg_total_relation_size('cases_casedeadline'))
UNION ALL SELECT 'kept counts (cases_casecount rows: day, month)',
    (SELECT count(*) FROM cases_casecount WHERE span = 'day')::text || ', '
    || (SELECT count(*) FROM cases_casecount WHERE span = 'month')::text
UNION ALL SELECT 'table and indexes, cases_casecount',
    pg_size_pretty(pg_total_relation_size('cases_casecount'));
"""

# --- the server and the client --------------------------------------------------------------


def python() -> str:
    venv = report.ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def server_env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("NGHEDAN_")}
    env.update(
        NGHEDAN_VAR_DIR=str(var_dir),
        NGHEDAN_SECRET_KEY=secrets.token_urlsafe(50),
        NGHEDAN_HTTPS="false",
        NGHEDAN_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        NGHEDAN_DATABASE_URL=database_url,
        NGHEDAN_LOG_LEVEL="WARNING",
    )
    return env


def manage(tree: Path, env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [python(), "manage.py", *args], cwd=tree, env=env, check=True, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )  # fmt: skip
    return result.stdout or ""


class Browser:
    """One keep-alive connection with its cookies: one person at their desk."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, content = cookie.partition("=")
                self.cookies[key.strip()] = content.strip()
        if response.will_close:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return response.status, data

    def sign_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/dang-nhap/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise SystemExit(f"sign-in page answered {status}")
        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(),
                          "username": username, "password": password})  # fmt: skip
        status, _ = self.request("POST", "/dang-nhap/", body)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"signing in as {username} answered {status}")


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


def measure(browser: Browser, path: str, requests: int, seconds: float, warmup: int) -> dict:
    """Sequential requests: `warmup` not counted, then up to `requests` or `seconds`."""
    for _ in range(warmup):
        browser.request("GET", path)
    latencies, errors, size = [], 0, 0
    deadline = time.perf_counter() + seconds
    while len(latencies) < requests and time.perf_counter() < deadline:
        began = time.perf_counter()
        status, data = browser.request("GET", path)
        latencies.append(time.perf_counter() - began)
        size = len(data)
        if status != 200:
            errors += 1
    return {"latencies": latencies, "errors": errors, "bytes": size}


# --- queries ------------------------------------------------------------------------------

COUNT_QUERIES = r"""
import json, time
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from nghedan.people.models import User
out = {}
for username in USERS:
    client = Client()
    client.force_login(User.objects.get(username=username))
    for path in PATHS:
        client.get(path)  # warm: sessions, caches
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(path)
            took = time.perf_counter() - began
        assert response.status_code == 200, (path, response.status_code)
        out[f"{username} {path}"] = {
            "count": len(captured.captured_queries), "seconds": took,
            "queries": [{"sql": q["sql"], "time": float(q["time"])}
                        for q in captured.captured_queries],
        }
print("JSON" + json.dumps(out))
"""


def count_queries(tree: Path, env: dict[str, str]) -> dict:
    code = COUNT_QUERIES.replace("USERS", repr([HANDLER, SUPERVISOR])).replace(
        "PATHS", repr([path for _, path in PAGES])
    )
    output = manage(tree, env, "shell", "-c", code, capture=True)
    line = next(line for line in output.splitlines() if line.startswith("JSON"))
    return json.loads(line[4:])


def short_sql(sql: str) -> str:
    """What a query does, in a few words: the table, the aggregate, the telling conditions."""
    sql = re.sub(r'DECLARE "[^"]+" NO SCROLL CURSOR WITH HOLD FOR ', "", sql)
    table = re.search(r'"(\w+)"\."', sql) or re.search(r'FROM "(\w+)"', sql)
    words = [table.group(1) if table else "?"]
    if sql.startswith("SELECT COUNT(*)"):
        words.append("COUNT(*)")
    elif "FILTER (WHERE" in sql:
        words.append(
            "SUM … FILTER" if sql.startswith("SELECT") and "SUM(" in sql else "COUNT … FILTER"
        )
    grouped = re.search(r'SELECT "\w+"\."(\w+)" AS "\w+", COUNT', sql)
    if grouped and "GROUP BY" in sql:
        words.append(f"GROUP BY {grouped.group(1)}")
    features = [
        ('"received_at" >=', "received in the period"),
        ('"status" IN', "status IN"),
        ("EXISTS(", "EXISTS deadline"),
        ('SELECT U0."due_on"', "due-date subquery"),
        ('IN (SELECT V0."commune_id"', "communes of the cases"),
        ('"open_due"', "open_due"),
        ('"cases_casecount"', "kept counts"),
        ("LIMIT 1001", "LIMIT 1001"),
        ("LIMIT 50", "LIMIT 50"),
    ]
    words += [label for needle, label in features if needle in sql]
    return " · ".join(words)


def normalize(sql: str) -> str:
    """A query's shape, numbers and strings out, to group the same query across pages."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def explain(server: pg.PrivateServer, sql: str) -> tuple[str, float]:
    plan = server.psql("nghedan", f"EXPLAIN (ANALYZE, BUFFERS) {sql};")
    found = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return plan, float(found.group(1)) if found else float("nan")


# --- one measurement ----------------------------------------------------------------------


def measure_all(port: int, options, password: str, ours: list[int | None]) -> dict:
    results: dict[str, dict] = {}
    browsers = {}
    for username in (HANDLER, SUPERVISOR):
        browsers[username] = Browser(port)
        browsers[username].sign_in(username, password)
    anonymous = Browser(port)
    # Rounds, so that a noisy neighbour weighs on every page alike.
    rounds = max(options.rounds, 1)
    plan = [("baseline", BASELINE[1], anonymous)] + [
        (username, path, browsers[username]) for username in (HANDLER, SUPERVISOR)
        for _, path in PAGES
    ]  # fmt: skip
    for round_number in range(rounds):
        for who, path, browser in plan:
            print(f"  round {round_number + 1}/{rounds}: {who} {path}", file=sys.stderr)
            wait_for_quiet(patience=5)
            wall = time.perf_counter()
            busy, mine = machine_cpu()[0], sum(process_tree_cpu(pid) for pid in ours)
            mine += time.process_time()
            got = measure(browser, path, options.requests // rounds, options.page_seconds / rounds,
                          options.warmup if round_number == 0 else 2)  # fmt: skip
            mine = sum(process_tree_cpu(pid) for pid in ours) + time.process_time() - mine
            other = (machine_cpu()[0] - busy) - mine
            wall = time.perf_counter() - wall
            empty = {"latencies": [], "errors": 0, "bytes": 0, "other": 0.0, "wall": 0.0}
            slot = results.setdefault(f"{who} {path}", empty)
            slot["other"] += max(other, 0.0)
            slot["wall"] += wall
            slot["latencies"] += got["latencies"]
            slot["errors"] += got["errors"]
            slot["bytes"] = got["bytes"]
    return results


def run(options) -> dict:
    tree = Path(options.tree).resolve()
    shutil.rmtree(VAR, ignore_errors=True)
    (VAR / "explain").mkdir(parents=True)
    # The demo's shared password, from the tree's own demo module.
    found = re.search(r'DEMO_PASSWORD = "([^"]+)"', (tree / "nghedan/people/demo.py").read_text())
    if not found:
        raise SystemExit("DEMO_PASSWORD not found in nghedan/people/demo.py")
    DEMO_PASSWORD = found.group(1)  # noqa: N806

    server_pg = pg.PrivateServer(fast=True).start()
    outcome: dict = {"postgresql": server_pg.version.split()[0]}
    try:
        url = server_pg.create_database("nghedan")
        env = server_env(VAR, url)
        began = time.perf_counter()
        print("migrate, load_places, load_demo…", file=sys.stderr)
        manage(tree, env, "migrate", "--noinput", "-v0")
        manage(tree, env, "collectstatic", "--noinput", "-v0")
        manage(tree, env, "load_places", "-v0")
        manage(tree, env, "load_demo", "-v0")
        outcome["prepare_seconds"] = time.perf_counter() - began
        print(f"generating {options.cases:,} cases…", file=sys.stderr)
        began = time.perf_counter()
        server_pg.psql("nghedan", generate_sql(options.cases), quiet=True)
        outcome["generate_seconds"] = time.perf_counter() - began
        # The SQL wrote cases and deadlines only: the figures the application keeps as cases
        # change (each case's earliest running due date, the counts per organization and day)
        # are recounted by the command an operator runs after a bulk load.
        print("rebuild_case_counts…", file=sys.stderr)
        began = time.perf_counter()
        manage(tree, env, "rebuild_case_counts", "-v0")
        server_pg.psql("nghedan", "VACUUM ANALYZE cases_case; VACUUM ANALYZE cases_casecount;",
                       quiet=True)  # fmt: skip
        outcome["rebuild_seconds"] = time.perf_counter() - began
        outcome["distribution"] = [
            line.split("|", 1) for line in server_pg.psql("nghedan", DISTRIBUTION_SQL).splitlines()
        ]
        print(f"  {outcome['generate_seconds']:.0f} s; {outcome['distribution']}", file=sys.stderr)

        outcome["before"] = measure_tree(options, tree, env, server_pg, DEMO_PASSWORD, "before")
        if options.try_sql:
            sql = Path(options.try_sql).read_text()
            began = time.perf_counter()
            server_pg.psql("nghedan", sql + "\nANALYZE;", quiet=True)
            outcome["try_sql"] = {"sql": sql.strip(), "seconds": time.perf_counter() - began}
            outcome["after"] = measure_tree(options, tree, env, server_pg, DEMO_PASSWORD, "after")
    finally:
        server_pg.stop()
    return outcome


def measure_tree(options, tree, env, server_pg, password, tag) -> dict:
    port = pg.free_port()
    log = (VAR / f"serve-{tag}.log").open("w")
    server = subprocess.Popen(
        [python(), "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--no-access-log"],
        cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(port, server)
        timings = measure_all(port, options, password, [server.pid, server_pg.pid()])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    print("counting queries…", file=sys.stderr)
    counted = count_queries(tree, env)
    # The slowest query shapes across pages, explained once each.
    slowest: dict[str, dict] = {}
    for key, page in counted.items():
        for query in page["queries"]:
            shape = normalize(query["sql"])
            if shape not in slowest or query["time"] > slowest[shape]["time"]:
                slowest[shape] = {**query, "page": key}
    explained = []
    ranked = sorted(slowest.values(), key=lambda q: -q["time"])
    for number, query in enumerate(ranked[: options.explain]):
        if query["time"] < 0.005:
            break
        plan, execution = explain(server_pg, query["sql"])
        name = f"{tag}-{number + 1}.txt"
        (VAR / "explain" / name).write_text(f"-- {query['page']}\n{query['sql']}\n\n{plan}")
        explained.append({**query, "plan": plan, "execution_ms": execution, "file": name})
    for page in counted.values():
        ranked_here = sorted(page.pop("queries"), key=lambda q: -q["time"])
        page["total"] = sum(q["time"] for q in ranked_here)
        page["top"] = [(q["time"], short_sql(q["sql"])) for q in ranked_here[:3]]
    return {"timings": timings, "queries": counted, "explained": explained}


# --- the report -----------------------------------------------------------------------------


def first_plan_lines(plan: str, lines: int = 6) -> str:
    kept = [line.rstrip() for line in plan.splitlines() if line.strip()][:lines]
    return "\n".join(kept)


def table(measured: dict) -> list[str]:
    timings, counted = measured["timings"], measured["queries"]
    base_slot = timings[f"baseline {BASELINE[1]}"]
    base = base_slot["latencies"]
    base50 = report.percentile(base, 0.5)
    rows = [
        f"| — | {BASELINE[0]} | {len(base)} | {report.percentile(base, 0.5) * 1000:.1f} | "
        f"{report.percentile(base, 0.95) * 1000:.1f} | 1.0 | 1 | 0 | "
        f"{base_slot['other'] / base_slot['wall']:.2f} |"
    ]
    for username in (HANDLER, SUPERVISOR):
        for label, path in PAGES:
            got = timings[f"{username} {path}"]
            lat = got["latencies"]
            p95 = report.percentile(lat, 0.95) * 1000
            mark = "" if p95 < 200 else " ✗"
            rows.append(
                f"| {username} | {label}: `{path}` | {len(lat)} | "
                f"{report.percentile(lat, 0.5) * 1000:.1f} | {p95:.1f}{mark} | "
                f"{report.percentile(lat, 0.5) / base50:.0f} | "
                f"{counted[f'{username} {path}']['count']} | {got['errors']} | "
                f"{got['other'] / got['wall']:.2f} |"
            )
    return rows


def top_queries(measured: dict) -> list[str]:
    lines = []
    for key, page in measured["queries"].items():
        parts = "; ".join(f"{t * 1000:.0f} ms `{text}`" for t, text in page["top"])
        lines.append(f"- {key}: {page['count']} queries, {page['total'] * 1000:.0f} ms; {parts}")
    return lines


def slow_list(measured: dict, limit: int = 6) -> list[str]:
    lines = []
    for query in measured["explained"][:limit]:
        sql = textwrap.shorten(query["sql"], 600, placeholder=" …")
        lines.append(
            f"- {query['time'] * 1000:.0f} ms in the page, {query['execution_ms']:.0f} ms in "
            f"EXPLAIN ANALYZE ({query['page']}; `var/bench/queue/explain/{query['file']}`):\n"
            f"  `{sql}`\n\n  ```\n{textwrap.indent(first_plan_lines(query['plan']), '  ')}\n  ```"
        )
    return lines


def main() -> None:
    # Stopped from outside: leave through `finally` and atexit, which stop the servers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300, help="per page and person")
    parser.add_argument("--page-seconds", type=float, default=20, help="cap per page and person")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--explain", type=int, default=8, help="slowest queries to explain")
    parser.add_argument("--try-sql", help="SQL to run, then measure again (e.g. CREATE INDEX)")
    parser.add_argument("--tree", default=str(report.ROOT), help="the tree to serve (scratch)")
    parser.add_argument("--label", default="", help="what the tree is, for the report")
    parser.add_argument("--section", default="queue_million", help="docs/benchmarks.md section")
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    began = time.perf_counter()
    outcome = run(options)
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "results.json").write_text(json.dumps(outcome, default=str))
    tree = options.label or (
        "this tree" if Path(options.tree).resolve() == report.ROOT else options.tree
    )
    distribution = "\n".join(f"  - {name}: {value}" for name, value in outcome["distribution"])
    workers = report.serve_workers()
    body = f"""
## Officer queue and dashboard over {options.cases:,} cases (`bench/{Path(__file__).name}`)

Measured {report.now()} on {report.machine()}; {tree}; the whole run took
{(time.perf_counter() - began) / 60:.0f} min.

- Database: PostgreSQL {outcome["postgresql"]}, a private server on 127.0.0.1 with default
  settings but fsync off (only reads are measured); migrate, load_places, load_demo
  ({outcome["prepare_seconds"]:.0f} s), then {options.cases:,} cases and their deadlines by
  set-based SQL ({outcome["generate_seconds"]:.0f} s, VACUUM ANALYZE included), then
  `manage.py rebuild_case_counts` for the figures the application keeps as cases change
  (each case's `open_due`, the counts per organization and day:
  {outcome["rebuild_seconds"]:.0f} s, VACUUM ANALYZE included):
{distribution}
- Server: `manage.py serve` with its defaults ({workers} web processes × 4 threads, 1
  background worker), DEBUG off. Client: one keep-alive connection per person, signed in
  over HTTP; sequential requests ({options.requests} per page and person at most, or
  {options.page_seconds:g} s), in {options.rounds} rounds taken in turn, after
  {options.warmup} requests of warm-up. /healthz measured the same way is the baseline.
- Queries: counted by django.test.utils.CaptureQueriesContext for one request of each page
  (a `manage.py shell` against the same database, after one warm request).
- Target: p95 under 200 ms (✗: missed). Other CPU: CPU seconds per second used meanwhile by
  processes outside the benchmark (/proc/stat; each slice first waits, at most 5 s,
  for the machine to be quiet).

### As the tree stands

| person | page | requests | p50 ms | p95 ms | p50 ÷ baseline | queries | errors | other CPU |
|---|---|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(table(outcome["before"]))}

Time in the database per page (one request, as Django measured it) and its three
slowest queries:

{chr(10).join(top_queries(outcome["before"]))}

The slowest queries (plans cut to their first lines, whole in the files named):

{chr(10).join(slow_list(outcome["before"]))}
"""
    if "after" in outcome:
        body += f"""
### After `--try-sql` on the same data

```sql
{outcome["try_sql"]["sql"]}
```

({outcome["try_sql"]["seconds"]:.0f} s to build, ANALYZE included.)

| person | page | requests | p50 ms | p95 ms | p50 ÷ baseline | queries | errors | other CPU |
|---|---|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(table(outcome["after"]))}

Time in the database per page then:

{chr(10).join(top_queries(outcome["after"]))}

The slowest queries then:

{chr(10).join(slow_list(outcome["after"], 4))}
"""
    print(body)
    if not options.no_write:
        report.write_section(options.section, body)


if __name__ == "__main__":
    main()
