"""A private PostgreSQL server for one benchmark run, as .ci/run starts one for the tests.

    with PrivateServer() as server:
        url = server.create_database("nghedan")  # postgres://nghedan:…@127.0.0.1:PORT/nghedan
        server.psql("nghedan", "SELECT 1")

The cluster lives in a temporary folder, listens on a free loopback port only, runs as the
postgres user when this runs as root (the server refuses root), and is stopped and deleted on
leaving the block, or at exit if the script dies. Durability is kept as in production unless
`fast=True` (fsync off, as CI runs): benchmarks that measure writes leave it on.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def bin_dir() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: [int(n) if n.isdigit() else 0 for n in path.parent.name.split(".")],
    )
    for candidate in reversed(found):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    raise SystemExit(
        "PostgreSQL server binaries not found: apt-get install postgresql (as .ci/run does)"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateServer:
    def __init__(self, *, fast: bool = False, settings: dict[str, str] | None = None) -> None:
        self.bin = bin_dir()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="nghedan-bench-pg."))
        self.data = self.dir / "data"
        self.fast = fast
        self.settings = settings or {}
        self.running = False
        self.as_postgres = os.getuid() == 0
        self.version = ""

    # --- running commands as the server's owner ---------------------------------------------

    def _demote(self):
        if not self.as_postgres:
            return None
        owner = pwd.getpwnam("postgres")

        def demote() -> None:
            os.setgid(owner.pw_gid)
            os.setuid(owner.pw_uid)

        return demote

    def run(self, *argv: str, capture: bool = False, stdin: str | None = None) -> str:
        result = subprocess.run(
            [str(self.bin / argv[0]), *argv[1:]],
            cwd="/",
            preexec_fn=self._demote(),  # noqa: PLW1509
            check=True,
            text=True,
            input=stdin,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        )
        return result.stdout or ""

    # --- life -------------------------------------------------------------------------------

    def start(self) -> PrivateServer:
        if self.as_postgres:
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--no-locale",
                 "--auth-local=trust", "--auth-host=scram-sha-256")  # fmt: skip
        options = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.dir),
            "shared_preload_libraries": "pg_stat_statements",
            "max_connections": "200",
            **({"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
               if self.fast else {}),
            **self.settings,
        }  # fmt: skip
        flags = " ".join(f"-c {name}={value}" for name, value in options.items())
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w",
                 "-t", "60", "-o", f"-p {self.port} {flags}", "start")  # fmt: skip
        self.running = True
        atexit.register(self.stop)
        self.version = self.psql("postgres", "SHOW server_version").strip()
        return self

    def stop(self) -> None:
        if self.running:
            self.running = False
            with contextlib.suppress(subprocess.CalledProcessError):
                self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def pid(self) -> int | None:
        """The postmaster's process id (its backends are its children)."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def __enter__(self) -> PrivateServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- databases --------------------------------------------------------------------------

    def psql(self, database: str, sql: str, *, quiet: bool = False) -> str:
        """Run `sql` as the superuser over the private socket; the unaligned output."""
        argv = ["psql", "-h", str(self.dir), "-p", str(self.port), "-U", "postgres", "-d",
                database, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]  # fmt: skip
        return self.run(*argv, capture=not quiet, stdin=sql)

    def create_database(self, name: str = "nghedan") -> str:
        password = secrets.token_hex(16)
        self.psql("postgres", f"CREATE ROLE {name} LOGIN CREATEDB PASSWORD '{password}';\n"
                              f"CREATE DATABASE {name} OWNER {name};")  # fmt: skip
        self.psql(name, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;")
        return f"postgres://{name}:{password}@127.0.0.1:{self.port}/{name}"
