"""The README's two commands, checked for real: what `make test` runs, and that `make run`'s runner
serves, has a worker that runs tasks sent through ``config.celery.app``, and stops every child."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app

BASE_DIR = Path(settings.BASE_DIR)
SERVICE_VARIABLES = {"DATABASE_URL", "REDIS_URL", "DATABASE_TEST_NAME"}

pytestmark = pytest.mark.integration


def embedded_env(var_dir: Path) -> dict[str, str]:
    """The environment of a fresh `make run`: no services, everything under ``var_dir``."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update(VAR_DIR=str(var_dir), NO_COLOR="1", PYTHONUNBUFFERED="1", DEBUG="1")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return None


def test_make_test_runs_lint_format_check_migrations_check_and_the_whole_suite():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    commands = subprocess.run(
        ["make", "-n", "test"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert "ruff check ." in commands
    assert "ruff format --check ." in commands
    assert "manage.py makemigrations --check --dry-run" in commands
    assert "-m pytest" in commands


def test_make_run_starts_the_devserver_after_migrate_and_seed():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    commands = subprocess.run(["make", "-n", "run"], cwd=BASE_DIR, capture_output=True, text=True).stdout
    order = [commands.find(step) for step in ("migrate --noinput", "seed_demo", "scripts/devserver.py")]
    assert -1 not in order and order == sorted(order), commands


def test_task_sent_through_the_celery_app_runs_on_a_worker(tmp_path):
    """The configured broker (filesystem when embedded, Redis when REDIS_URL is set) carries the task."""
    queue = f"probe-{uuid.uuid4().hex[:8]}"
    done = tmp_path / "done.txt"
    env = {**os.environ, "VAR_DIR": str(settings.VAR_DIR), "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"),
            *("--include=tests.celery_probe", f"--queues={queue}", "--without-gossip", "--without-mingle"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        app.send_task("tests.celery_probe.touch", args=[str(done), "办好了"], queue=queue)
        wait_for(done.exists, timeout=60, what=f"the worker to run the task (log: {tmp_path / 'worker.log'})")
        assert done.read_text(encoding="utf-8") == "办好了"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()


@pytest.mark.skipif(sys.platform != "linux", reason="walks /proc to find the runner's children")
def test_devserver_serves_runs_tasks_and_stops_every_child_on_ctrl_c(tmp_path):
    port = free_port()
    env = embedded_env(tmp_path)
    runner = subprocess.Popen(
        [sys.executable, "scripts/devserver.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(runner.stdout), daemon=True)
    reader.start()
    children: set[int] = set()
    try:
        wait_for(lambda: http_status(f"http://127.0.0.1:{port}/healthz") == 200, timeout=90, what="/healthz")
        wait_for(
            lambda: any("celery@" in line and "ready" in line for line in lines), timeout=60, what="worker"
        )
        wait_for(lambda: any("beat: Starting" in line for line in lines), timeout=60, what="beat")
        children = descendants(runner.pid)
        assert len(children) >= 3  # web (and its autoreloaded child), worker, beat

        sent = subprocess.run(
            [sys.executable, "-m", "celery", "-A", "config", "call", "celery.backend_cleanup"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        task_id = sent.stdout.strip().splitlines()[-1]
        wait_for(
            lambda: any(f"[{task_id}] succeeded" in line for line in lines),
            timeout=60,
            what="the embedded worker to run the task",
        )
        assert http_status(f"http://127.0.0.1:{port}/no-such-page/") is None  # a 404
        wait_for(lambda: any("/no-such-page/" in line for line in lines), timeout=10, what="the access log")
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(timeout=60)
        finally:
            if runner.poll() is None:
                runner.kill()
    assert runner.returncode == 0, "".join(lines[-30:])
    wait_for(lambda: not any(alive(pid) for pid in children), timeout=10, what="the children to exit")
    assert any("stopping all (SIGINT)" in line for line in lines)
    # What a person needs once it is up: the address and the demo sign-ins; then a line per request.
    ready = next(i for i, line in enumerate(lines) if "Shooting Circle is running at" in line)
    assert f"http://127.0.0.1:{port}/" in lines[ready]
    assert "Demo sign-ins, password demo-pass-2026: admin (superuser), operator1" in lines[ready + 1]
    [not_found] = [line for line in lines if "/no-such-page/" in line]  # the access log's, once
    assert '"GET /no-such-page/ HTTP/1.1" 404' in not_found
    # and none of the start-up noise: axes' banner, kombu's warning, runserver's notices, celery's banners
    noise = (
        "AXES: BEGIN",
        "No hostname was supplied",
        "Starting development server",
        "celery beat v",
        "[tasks]",
    )
    assert not [line for line in lines if any(word in line for word in noise)]
