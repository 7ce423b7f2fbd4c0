"""One real ``celery -A config worker`` (2 prefork processes + embedded beat) on Redis and PostgreSQL for
the integration tests, started once for all of them and waited on by conditions, never by sleeps.

The ``worker`` fixture starts it on first use (a few seconds) and hands the same process to every test
that asks for it. A running worker takes the test database's tasks and its beat sends the outbox every
second, which would disturb the tests that do not expect one, so it runs only while tests that use it
run: ``tests/conftest.py`` puts those tests next to each other (their files are a group of
``XDIST_GROUPS``: under pytest-xdist one worker process takes them all) and stops the worker after the
last of them (``stop_after``), or at the end of the session.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

MAX_ATTEMPTS = 4
WORKER_SETTINGS = {
    "NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS": "1",
    "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.3",
    "NOTIFICATIONS_RETRY_FACTOR": "2",
    "NOTIFICATIONS_RETRY_JITTER": "0.2",
    "NOTIFICATIONS_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    "NOTIFICATIONS_HTTP_TIMEOUT_SECONDS": "5",
    "NOTIFICATIONS_RELAY_INTERVAL_SECONDS": "1",
    "NOTIFICATIONS_RELAY_GRACE_SECONDS": "1",
}
START_SECONDS = 40


class Worker:
    """The running worker: its process, Celery node name, ``VAR_DIR`` (emails under ``mail/``) and log."""

    def __init__(self, process, name, var_dir: Path, log_path: Path):
        self.process, self.name, self.var_dir, self.log_path = process, name, var_dir, log_path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_for(predicate, *, timeout: float, what: str, detail=lambda: "", interval: float = 0.05):
    """``predicate()``'s first truthy value, polled every ``interval`` s; fails the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}{detail()}")
        time.sleep(interval)


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(db['NAME'], safe='')}"


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _start(var_dir: Path) -> Worker:
    (var_dir / "celery").mkdir()
    log_path = var_dir / "worker.log"
    _redis().flushdb()  # no task message left over from the tests before
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "CELERY_"))}
    env.update(
        WORKER_SETTINGS,
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        REDIS_URL=settings.REDIS_URL,
        VAR_DIR=str(var_dir),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DEBUG="0",
        SECRET_KEY="integration-test-secret-key",
        CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",  # the log is read while it runs (_wait_for_runs)
    )
    name = f"it-{os.getpid()}-{var_dir.name}@localhost"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--pool=prefork"]
    command += ["--concurrency=2", "-n", name, "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: _stop stops the pool and beat with it
        )
    worker = Worker(process, name, var_dir, log_path)
    try:
        from config.celery import app

        wait_for(
            lambda: process.poll() is not None or app.control.ping(destination=[name], timeout=0.5),
            timeout=START_SECONDS,
            what="the worker to answer a ping",
            detail=lambda: f"\n{worker.log_tail()}",
        )
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{worker.log_tail()}")
    except BaseException:
        _stop(process)
        raise
    return worker


def _stop(process) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class WorkerService:
    """Starts the worker on demand, at most one at a time, and stops it when told."""

    def __init__(self, tmp_path_factory):
        self.tmp_path_factory = tmp_path_factory
        self.current: Worker | None = None
        self.starts = 0

    def get(self) -> Worker:
        if self.current is None or self.current.process.poll() is not None:
            self.stop()
            self.current = _start(self.tmp_path_factory.mktemp("worker-var"))
            self.starts += 1
        return self.current

    def stop(self) -> None:
        if self.current is not None:
            _stop(self.current.process)
            self.current = None


#: The session's service, for tests/conftest.py's hook that stops the worker between tests.
service: WorkerService | None = None


@pytest.fixture(scope="session")
def celery_worker_service(django_db_setup, django_db_blocker, tmp_path_factory):
    """Stopped at the end of the session at the latest, before the test database is dropped."""
    global service
    service = WorkerService(tmp_path_factory)
    try:
        yield service
    finally:
        service.stop()
        service = None


@pytest.fixture
def worker(celery_worker_service):
    """The running worker (started by the first test that asks for it)."""
    from tests.conftest import require_postgresql, require_redis

    require_postgresql()
    require_redis()
    return celery_worker_service.get()


def stop_after(item, nextitem) -> None:
    """After ``item``'s teardown: stop the worker unless the next test uses it too."""
    if service is not None and (nextitem is None or "worker" not in getattr(nextitem, "fixturenames", ())):
        service.stop()


def _wait_for(predicate, *, timeout: float, worker: Worker, what: str):
    """``wait_for`` with the worker's log in the failure message."""
    return wait_for(
        predicate, timeout=timeout, what=what, detail=lambda: f"\n--- worker log ---\n{worker.log_tail()}"
    )


def _finished_runs(worker: Worker, task: str, *, after: int = 0) -> set[str]:
    """Ids of the runs of ``task`` the worker received after byte ``after`` of its log and has finished."""
    text = worker.log_path.read_bytes()[after:].decode(errors="replace")
    name = re.escape(task)
    received = set(re.findall(rf"Task {name}\[([0-9a-f-]+)\] received", text))
    return received & set(re.findall(rf"Task {name}\[([0-9a-f-]+)\] (?:succeeded|raised)", text))


def _wait_for_runs(worker: Worker, task: str, *, ids=(), timeout: float = 20):
    """Waits until the runs ``ids`` of ``task`` have finished or, without ids, until a run the worker
    received after this call has (for the relay, every 1 s from beat: a whole relay cycle later)."""
    after = 0 if ids else worker.log_path.stat().st_size
    _wait_for(
        lambda: (
            set(ids) <= _finished_runs(worker, task, after=after)
            if ids
            else _finished_runs(worker, task, after=after)
        ),
        timeout=timeout,
        worker=worker,
        what=f"{task} to run",
    )


def _wait_for_relay_cycle(worker: Worker):
    _wait_for_runs(worker, "notifications.deliveries_relay")
