"""The operator's commands: `serve` (web server and worker together) and `sweep_tasks`."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from nghedan.lib import sweepers
from nghedan.people.models import SignInFailure


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def serve_env(tmp_path: Path) -> dict[str, str]:
    """A fresh migrated SQLite database of its own, whatever database the suite runs on."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("NGHEDAN_")}
    env.update(
        NGHEDAN_VAR_DIR=str(tmp_path),
        NGHEDAN_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        NGHEDAN_SECRET_KEY=secrets.token_urlsafe(50),
        NGHEDAN_HTTPS="false",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    return env


def healthz(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_answers_restarts_a_dead_worker_and_stops_on_sigterm(serve_env, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--task-workers",
                "1",
                "--sweep-every",
                "1",
                "--no-access-log",
            ],
            cwd=settings.BASE_DIR,
            env=serve_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: healthz(port), 60, "/healthz")

        def pids(name: str) -> list[int]:
            return [int(pid) for pid in re.findall(rf"{name}: pid (\d+)", log.read_text())]

        # The sweep runs again and again, one at a time.
        wait_for(lambda: len(pids("sweep")) >= 2, 60, "two sweeps")
        web_pid = pids(r"web \(gunicorn\)")[0]
        first_worker = pids("worker 1")[0]
        os.kill(first_worker, signal.SIGKILL)
        second_worker = wait_for(
            lambda: (found := pids("worker 1")) and len(found) > 1 and found[-1], 30, "restart"
        )
        assert alive(second_worker)

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=40) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert not alive(web_pid)
    assert not alive(second_worker)
    assert "stopped" in log.read_text()


def test_serve_refuses_a_port_in_use(serve_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=serve_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is in use" in result.stderr


# --- sweep_tasks ---------------------------------------------------------------------------


def task_row(status: str, started_minutes_ago: int | None) -> DBTaskResult:
    started = None
    if started_minutes_ago is not None:
        started = timezone.now() - timedelta(minutes=started_minutes_ago)
    return DBTaskResult.objects.create(
        status=status,
        started_at=started,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="nghedan.example.tasks.nothing",
        backend_name="default",
        run_after=get_date_max(),
    )


def sweep() -> str:
    out = StringIO()
    call_command("sweep_tasks", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_a_lost_task_is_made_ready_again_and_a_recent_one_is_left_alone(settings):
    settings.TASK_LOST_AFTER_MINUTES = 30
    lost = task_row(TaskResultStatus.RUNNING, started_minutes_ago=31)
    busy = task_row(TaskResultStatus.RUNNING, started_minutes_ago=5)
    done = task_row(TaskResultStatus.SUCCESSFUL, started_minutes_ago=90)

    output = sweep()

    lost.refresh_from_db()
    busy.refresh_from_db()
    done.refresh_from_db()
    assert lost.status == TaskResultStatus.READY and lost.started_at is None
    assert busy.status == TaskResultStatus.RUNNING
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert "Lost tasks (running over 30 minutes) re-enqueued: 1." in output
    assert output.index("Tác vụ bị mất") < output.index("Lost tasks")
    assert "re-enqueued: 0." in sweep()


@pytest.fixture
def registered() -> Iterator[Callable[[str, sweepers.Sweeper], None]]:
    names: list[str] = []

    def add(name: str, fn: sweepers.Sweeper) -> None:
        sweepers.register(name, fn)
        names.append(name)

    yield add
    for name in names:
        sweepers.unregister(name)


@pytest.mark.django_db
def test_each_registered_sweeper_runs_and_one_failure_does_not_stop_the_others(registered):
    calls = []

    def broken() -> int:
        raise RuntimeError("database of the moon unavailable")

    def fine() -> int:
        calls.append("fine")
        return 3

    registered("test.broken", broken)
    registered("test.fine", fine)
    out = StringIO()
    with pytest.raises(CommandError, match="test.broken"):
        call_command("sweep_tasks", stdout=out, stderr=StringIO())
    assert calls == ["fine"]
    assert "Sweeper test.fine: re-enqueued 3." in out.getvalue()


@pytest.mark.django_db
def test_old_sign_in_failures_are_pruned(settings):
    settings.SIGN_IN_LOCK_MINUTES = 15
    old = SignInFailure.objects.create(username="xuly.saigon", address="127.0.0.1")
    SignInFailure.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    recent = SignInFailure.objects.create(username="xuly.saigon", address="127.0.0.1")

    assert "Old sign-in failures pruned: 1." in sweep()
    assert list(SignInFailure.objects.values_list("pk", flat=True)) == [recent.pk]
