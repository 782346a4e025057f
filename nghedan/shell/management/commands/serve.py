"""Run Nghe Dân: the web server (gunicorn) and the background worker(s) (db_worker), together.

    manage.py serve [--bind 127.0.0.1:8000] [--workers N] [--threads N] [--task-workers N]
                    [--sweep-every SECONDS]

Both run as child processes in their own process group. SIGINT (Ctrl-C) and SIGTERM stop
both cleanly (a second Ctrl-C kills at once); SIGHUP reloads the web processes and restarts
the workers. A worker that dies is started again, waiting longer each time it dies soon
after starting; if the web server dies, everything stops and the command exits non-zero.

On a larger installation, run `serve --task-workers 0` on the web machines and
`manage.py db_worker` on the worker machines (docs/operator-guide.md).

With `--sweep-every`, it also runs `manage.py sweep_tasks` that often (deadline reminders and
escalations, feeds, lost tasks), one at a time: what `make start` does on one machine, where
production has a cron job or a systemd timer instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

STOP_GRACE_SECONDS = 20
RESTART_DELAY_MAX = 60
# A worker that ran this long before dying is restarted without waiting.
HEALTHY_RUN_SECONDS = 60
PR_SET_PDEATHSIG = 1


def split_bind(bind: str) -> tuple[str, int]:
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(
            f"--bind {bind!r} không hợp lệ: cần máy:cổng, ví dụ 127.0.0.1:8000. "
            f"/ Invalid --bind {bind!r}: expected host:port, e.g. 127.0.0.1:8000."
        )
    return host, int(port)


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _child_setup_factory():
    """What each child runs between fork and exec: die with this process, even if it is killed
    without the chance to stop its children (Linux only; elsewhere a no-op)."""
    parent = os.getpid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        prctl = None

    def setup() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return setup


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_delay: float = 1.0
    restart_at: float | None = None
    restarts: int = 0


class Command(BaseCommand):
    sweeper: Child
    next_sweep_at = 0.0  # time.monotonic() of the next sweep
    help = (
        "Chạy máy chủ web (gunicorn) cùng tác vụ nền (db_worker). "
        "/ Run the web server (gunicorn) and the background worker(s) (db_worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default="127.0.0.1:8000",
            help="Địa chỉ máy:cổng / host:port to listen on (default %(default)s)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.WEB_WORKERS,
            help="Số tiến trình web / web processes (NGHEDAN_WEB_WORKERS, now %(default)s)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.WEB_THREADS,
            help="Số luồng mỗi tiến trình / threads per web process (NGHEDAN_WEB_THREADS)",
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=settings.TASK_WORKERS,
            help="Số tiến trình tác vụ nền, 0 = không / background workers, 0 = none "
            "(NGHEDAN_TASK_WORKERS, now %(default)s)",
        )
        parser.add_argument(
            "--sweep-every",
            type=int,
            default=0,
            help="Chạy sweep_tasks mỗi ngần ấy giây, 0 = không / run sweep_tasks every so many "
            "seconds, 0 = never (default %(default)s: cron or a timer runs it)",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=60,
            help="Giây tối đa cho một yêu cầu / seconds a request may take (default %(default)s)",
        )
        parser.add_argument(
            "--no-access-log",
            action="store_true",
            help="Không ghi nhật ký truy cập / do not log each request",
        )

    # --- building the children -------------------------------------------------------------

    def web_argv(self, options) -> list[str]:
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "nghedan.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--timeout",
            str(options["timeout"]),
            "--graceful-timeout",
            str(STOP_GRACE_SECONDS - 5),
            "--keep-alive",
            "5",
            # A worker is replaced now and then, so a slow leak cannot grow without end; not
            # too often, as a new one spends about 3 s of CPU loading and warming up.
            "--max-requests",
            "20000",
            "--max-requests-jitter",
            "2000",
            "--error-logfile",
            "-",
            # This command is the one that controls gunicorn; several may run on one machine.
            "--no-control-socket",
            # Each web process builds what its requests share before it takes the first one.
            "--config",
            "python:nghedan.shell.web_process",
        ]
        if not options["no_access_log"]:
            argv += ["--access-logfile", "-"]
        # gunicorn's heartbeat files belong in memory, not on a disk that may stall.
        if os.path.isdir("/dev/shm"):  # noqa: S108
            argv += ["--worker-tmp-dir", "/dev/shm"]  # noqa: S108
        return argv

    def worker_argv(self, slot: int) -> list[str]:
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{slot}"
        return [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--queue-name",
            "*",
            "--no-reload",
            "--worker-id",
            worker_id[:64],
        ]

    def sweep_argv(self) -> list[str]:
        return [sys.executable, "-m", "django", "sweep_tasks", "-v0"]

    def sweep_when_due(self, every: int) -> None:
        """Start the sweep when its time has come and the last one has ended."""
        sweeper = self.sweeper
        if not every or (sweeper.process is not None and sweeper.process.poll() is None):
            return
        now = time.monotonic()
        if now >= self.next_sweep_at:
            self.next_sweep_at = now + every
            self.start(sweeper)

    def start(self, child: Child) -> None:
        env = os.environ.copy()
        env.setdefault("DJANGO_SETTINGS_MODULE", "nghedan.settings")
        child.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            child.argv,
            cwd=settings.BASE_DIR,
            env=env,
            process_group=0,  # Ctrl-C reaches this command only; it stops the children in order
            preexec_fn=self.child_setup,  # noqa: PLW1509
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        self.say(f"{child.name}: pid {child.process.pid}")

    def say(self, message: str) -> None:
        self.stdout.write(f"[serve] {message}")
        self.stdout.flush()

    # --- signals ----------------------------------------------------------------------------

    def on_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop_requests += 1
        if self.stop_requests > 1:
            self.kill_all(signal.SIGKILL)

    def on_reload(self, signum: int, frame: FrameType | None) -> None:
        self.reload_requested = True

    # --- running ----------------------------------------------------------------------------

    def handle(self, *args, **options) -> None:
        host, port = split_bind(options["bind"])
        for name in ("workers", "threads"):
            if options[name] < 1:
                raise CommandError(f"--{name} ≥ 1")
        if not port_is_free(host, port):
            raise CommandError(
                f"Cổng {port} trên {host} đang bận: có thể Nghe Dân đang chạy rồi; hãy dừng nó "
                f"hoặc chọn --bind khác. / Port {port} on {host} is in use: Nghe Dân may be "
                f"running already; stop it or choose another --bind."
            )
        task_workers = max(options["task_workers"], 0)
        backend = str(settings.TASKS["default"]["BACKEND"])
        if task_workers and not backend.startswith("django_tasks_db."):
            self.say("tác vụ chạy ngay, không cần tiến trình nền / tasks run at once: no worker")
            task_workers = 0

        self.child_setup = _child_setup_factory()
        self.stop_requests = 0
        self.reload_requested = False
        web = Child("web (gunicorn)", self.web_argv(options))
        workers = [
            Child(f"worker {slot + 1}", self.worker_argv(slot + 1)) for slot in range(task_workers)
        ]
        self.sweeper = Child("sweep", self.sweep_argv())
        self.next_sweep_at = time.monotonic()
        self.children = [web, *workers, self.sweeper]

        signal.signal(signal.SIGINT, self.on_stop)
        signal.signal(signal.SIGTERM, self.on_stop)
        signal.signal(signal.SIGHUP, self.on_reload)
        for child in (web, *workers):
            self.start(child)

        shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104
        url = f"http://{shown if ':' not in shown else f'[{shown}]'}:{port}/"
        ready = False
        code = 0
        while not self.stop_requests:
            time.sleep(0.2)
            if web.process is not None and web.process.poll() is not None:
                code = web.process.returncode or 1
                self.stderr.write(
                    f"[serve] Máy chủ web đã dừng (mã {web.process.returncode}); dừng tất cả. "
                    f"/ The web server stopped (code {web.process.returncode}); stopping all."
                )
                break
            if not ready and answers(shown, port):
                ready = True
                self.say(
                    f"Nghe Dân đang chạy tại {url} (Ctrl-C để dừng) "
                    f"/ Nghe Dân is running at {url} (Ctrl-C to stop)"
                )
            if self.reload_requested:
                self.reload_requested = False
                self.say("tải lại / reloading")
                self.signal_child(web, signal.SIGHUP)
                for worker in workers:
                    worker.restart_delay = 0
                    self.signal_child(worker, signal.SIGTERM)
            for worker in workers:
                self.supervise(worker)
            self.sweep_when_due(options["sweep_every"])

        self.stop_all()
        if code:
            sys.exit(code)
        self.say("đã dừng / stopped")

    def supervise(self, worker: Child) -> None:
        """Start a dead worker again, later each time it dies young."""
        process = worker.process
        now = time.monotonic()
        if worker.restart_at is not None:
            if now >= worker.restart_at:
                worker.restarts += 1
                self.start(worker)
            return
        if process is None or process.poll() is None:
            return
        lived = now - worker.started_at
        if lived >= HEALTHY_RUN_SECONDS:
            worker.restart_delay = 0
        self.stderr.write(
            f"[serve] {worker.name} đã dừng (mã {process.returncode}); chạy lại sau "
            f"{worker.restart_delay:.0f} giây. / {worker.name} stopped (code "
            f"{process.returncode}); restarting in {worker.restart_delay:.0f} s."
        )
        worker.restart_at = now + worker.restart_delay
        worker.restart_delay = min(max(worker.restart_delay * 2, 1), RESTART_DELAY_MAX)

    def signal_child(self, child: Child, signum: int) -> None:
        if child.process is not None and child.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signum)

    def kill_all(self, signum: int) -> None:
        for child in self.children:
            self.signal_child(child, signum)

    def stop_all(self) -> None:
        """SIGTERM to each child, then wait; whatever is left after the grace time is killed."""
        self.say("đang dừng / stopping")
        self.kill_all(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"[serve] {child.name}: SIGKILL")
                child.process.kill()
                child.process.wait()
