#!/usr/bin/env python3
"""The cost of one public submission measured inside one process: CPU and queries.

    .venv/bin/python bench/intake_profile.py [--backends postgresql,sqlite] [--count 400]
                                             [--tree PATH] [--baseline-tree PATH]
                                             [--label TEXT] [--baseline-label TEXT]
                                             [--show-queries] [--profile N] [--multipart]
                                             [--no-write]

`--multipart` sends the form as a browser does (multipart/form-data, an empty file part), as
`bench/intake_load.py --multipart` does.

For each database it prepares a fresh one as bench/intake_load.py does (PostgreSQL: a
private server, bench/pg.py; SQLite: a file under var/bench/intake_profile/), with the
reference places and the demo, then runs a separate Python process that loads the
application of `--tree` and sends the public form `/gui-y-kien/` `--count` times through
Django's test client (CSRF checked, DEBUG off, each submission a new citizen with their own
address and phone and no session cookie, the same forms as the load benchmark), after a
warm-up of 50:

- queries per submission (one pass with the queries captured);
- CPU per submission (another pass, nothing captured): the process's own CPU time
  (`time.process_time`, the web side), and the PostgreSQL server's processes (/proc).

A load run shares the CPUs with its client and the machine's other work; this one measures
what a submission costs wherever it runs, so it can be compared from one tree to another
on a busy machine. With `--baseline-tree` (e.g. a copy of an older commit) both trees are
measured in turn on the same fresh databases' twins. Writes its section of
docs/benchmarks.md (unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import intake_load  # noqa: E402
import pg  # noqa: E402
import report  # noqa: E402
from quiet import process_tree_cpu, wait_for_quiet  # noqa: E402

WARM_UP = 50
PROFILE_FILTER = os.environ.get("BENCH_PROFILE_FILTER", "")  # e.g. nghedan/: our code only


# --- the measuring process ----------------------------------------------------------------


def child(
    count_of_submissions: int, show_queries: bool, profile: int, as_browser: bool = False
) -> dict:
    """Runs inside the application's process (DJANGO_SETTINGS_MODULE set, tree on sys.path)."""
    import django

    django.setup()
    from http.cookies import SimpleCookie

    from django.db import connection
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    page = browser.get(intake_load.FORM)
    token = page.cookies["csrftoken"].value
    form_token = page.content.split(b'name="csrfmiddlewaretoken" value="', 1)[1].split(b'"')[0]
    seed = int(time.time()) % 200 + 1
    numbers = iter(range(10**9))

    def send() -> None:
        fields, headers = intake_load.submission(next(numbers), seed)
        fields = {"csrfmiddlewaretoken": form_token.decode(), **fields}
        if as_browser:
            body: str | bytes = intake_load.multipart(fields)
            kind = f"multipart/form-data; boundary={intake_load.MULTIPART_BOUNDARY}"
        else:
            body, kind = urlencode(fields), "application/x-www-form-urlencoded"
        browser.cookies = SimpleCookie({"csrftoken": token})  # a new citizen: no session
        response = browser.generic(
            "POST", intake_load.FORM, body, content_type=kind,
            HTTP_X_FORWARDED_FOR=headers["X-Forwarded-For"],
        )  # fmt: skip
        if response.status_code != 302 or urlsplit(response["Location"]).path != intake_load.DONE:
            raise SystemExit(f"submission answered {response.status_code}")

    for _ in range(WARM_UP):
        send()
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for _ in range(count_of_submissions):
            send()
    queries = len(statements) / count_of_submissions
    with connection.execute_wrapper(count):
        statements.clear()
        send()
    shown = [sql[:160] for sql in statements]

    postmaster = int(os.environ.get("BENCH_POSTMASTER", "0")) or None
    began_db = process_tree_cpu(postmaster)
    began = time.process_time()
    for _ in range(count_of_submissions):
        send()
    web = (time.process_time() - began) / count_of_submissions
    database = (process_tree_cpu(postmaster) - began_db) / count_of_submissions
    result = {"queries": queries, "web_ms": web * 1000, "database_ms": database * 1000}
    if show_queries:
        result["shown"] = shown
    if profile:
        import cProfile
        import io
        import pstats

        # CPU time, not wall time: waiting for the database server is not this process's cost.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(count_of_submissions):
            send()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(PROFILE_FILTER, profile)
        stats.sort_stats("tottime").print_stats(profile)
        result["profile"] = out.getvalue()
    return result


# --- the driver ---------------------------------------------------------------------------


def prepare(tree: Path, backend: str, name: str) -> tuple[dict, pg.PrivateServer | None, str]:
    var_dir = report.ROOT / "var" / "bench" / "intake_profile" / f"{backend}-{name}"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    server = None
    url = None
    if backend == "postgresql":
        server = pg.PrivateServer().start()
        url = server.create_database("nghedan")
        detail = f"PostgreSQL {server.version.split()[0]} (private server, default settings)"
    else:
        detail = "SQLite (WAL, synchronous=NORMAL)"
    env = intake_load.server_env(var_dir, url)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_places", "-v0"],
        ["load_demo", "-v0"],
    ):
        intake_load.manage(tree, env, *command)
    return env, server, detail


def measure(tree: Path, backend: str, name: str, options) -> dict:
    env, server, detail = prepare(tree, backend, name)
    try:
        env = {**env, "DJANGO_SETTINGS_MODULE": "nghedan.settings", "PYTHONPATH": str(tree)}
        if server is not None:
            env["BENCH_POSTMASTER"] = str(server.pid())
        code = (
            f"import sys; sys.path.insert(0, {str(tree)!r}); "
            f"sys.path.insert(1, {str(Path(__file__).resolve().parent)!r}); "
            "import json, intake_profile; "
            f"print(json.dumps(intake_profile.child({options.count}, "
            f"{options.show_queries}, {options.profile}, {options.multipart})))"
        )
        print(f"[{backend}, {name}] {options.count} submissions…", file=sys.stderr)
        wait_for_quiet(patience=30)
        result = subprocess.run(
            [intake_load.python(), "-c", code], cwd=tree, env=env, check=True, text=True,
            stdout=subprocess.PIPE,
        )  # fmt: skip
        measured = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        if server is not None:
            server.stop()
    return {"backend": backend, "tree": name, "detail": detail, **measured}


def row(result: dict) -> str:
    total = result["web_ms"] + result["database_ms"]
    return (
        f"| {result['backend']} | {result['tree']} | {result['queries']:.1f} | "
        f"{result['web_ms']:.1f} | {result['database_ms']:.1f} | {total:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--count", type=int, default=400, help="submissions measured")
    parser.add_argument("--tree", default=str(report.ROOT), help="the tree to measure")
    parser.add_argument("--label", default="this tree", help="what --tree is, for the report")
    parser.add_argument("--baseline-tree", default="", help="another tree measured first")
    parser.add_argument("--baseline-label", default="baseline")
    parser.add_argument("--show-queries", action="store_true", help="print one's queries")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest calls")
    parser.add_argument("--section", default="intake_profile", help="docs/benchmarks.md section")
    parser.add_argument(
        "--multipart", action="store_true", help="send the form as a browser does (multipart)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()

    trees = [(options.label, Path(options.tree).resolve())]
    if options.baseline_tree:
        trees.insert(0, (options.baseline_label, Path(options.baseline_tree).resolve()))
    results = []
    for backend in options.backends.split(","):
        for name, tree in trees:
            result = measure(tree, backend.strip(), name, options)
            for line in result.pop("shown", []):
                print(f"  {line}", file=sys.stderr)
            if "profile" in result:
                print(result.pop("profile"), file=sys.stderr)
            results.append(result)
    details = sorted({f"{r['backend']}: {r['detail']}" for r in results})
    body = f"""
## Cost of one public submission, in one process (`bench/intake_profile.py`)

Measured {report.now()} on {report.machine()}.

- One Python process loads the application (DEBUG off) and sends the public form
  `/gui-y-kien/` {options.count} times through Django's test client after {WARM_UP} for
  warming up: the same forms as `bench/intake_load.py`, each by a new citizen with their own
  address (X-Forwarded-For, `NGHEDAN_TRUSTED_PROXIES=1`) and phone, CSRF checked, no session
  cookie; every one answered 302 to the confirmation page. Fresh databases with load_places
  and load_demo ({"; ".join(details)}).
- queries: statements per submission that Django sends (savepoints included; on SQLite
  also each transaction's BEGIN, which PostgreSQL's driver sends unseen; no COMMIT; not the
  health check, `CONN_HEALTH_CHECKS`, one `SELECT 1` per request on PostgreSQL sent below
  Django's cursors). web CPU: the process's own CPU time per submission (no HTTP server, no
  client); database CPU: the PostgreSQL server's processes. These depend far less than a
  load run's throughput on what else runs on the machine, but on a busy machine they still
  vary by about a fifth from run to run.

| database | tree | queries | web CPU ms | database CPU ms | total ms |
|---|---|---:|---:|---:|---:|
{chr(10).join(row(result) for result in results)}
"""
    print(body)
    if not options.no_write:
        report.write_section(options.section, body)


if __name__ == "__main__":
    main()
