"""End to end with a real ``celery -A config worker`` (2 prefork processes + embedded beat) on Redis and
PostgreSQL, posting to a webhook receiver on 127.0.0.1 and writing emails to files."""

import email
import email.policy
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
from django.db import connection, transaction

from notifications.models import Delivery
from notifications.services import event_record
from notifications.webhooks import signature_verify
from studio.models import Membership
from tests.conftest import require_postgresql, require_redis
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    OperatorFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

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


class Worker:
    def __init__(self, process, name, var_dir: Path, log_path: Path):
        self.process, self.name, self.var_dir, self.log_path = process, name, var_dir, log_path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


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


def _stop(process) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    require_postgresql()
    require_redis()
    var_dir = tmp_path_factory.mktemp("worker-var")
    (var_dir / "celery").mkdir()
    log_path = var_dir / "worker.log"
    _redis().flushdb()
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
    name = f"notif-it-{os.getpid()}@localhost"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "--pool=prefork"]
    command += ["--concurrency=2", "-n", name, "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the finalizer stops the pool and beat with it
        )
    handle = Worker(process, name, var_dir, log_path)
    try:
        from config.celery import app

        deadline = time.monotonic() + 40
        while not app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{handle.log_tail()}")
        yield handle
    finally:
        _stop(process)


def _wait_for(predicate, *, timeout: float, worker: Worker, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}\n--- worker log ---\n{worker.log_tail()}")


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


def _operator_with_endpoint(url: str, *, email_address: str | None = None):
    operator = OperatorFactory(name="平原影视基地一号", short_name="平原一号")
    if email_address:
        MembershipFactory(
            organization=operator, role=Membership.Role.OWNER, user=UserFactory(email=email_address)
        )
    return operator, WebhookEndpointFactory(organization=operator, url=url)


def _record(operator, count: int = 1):
    company = CompanyFactory()
    with transaction.atomic():
        return [
            event_record(
                type="booking.requested", organization=company, payload={"n": n}, audience=[operator]
            )
            for n in range(count)
        ]


def _statuses(**filters) -> list[str]:
    return list(Delivery.objects.filter(**filters).values_list("status", flat=True))


def test_email_is_written_and_a_signed_webhook_reaches_the_receiver(worker, receiver):
    hook = receiver()
    operator, endpoint = _operator_with_endpoint(hook.url, email_address="boss@pingyuan.example")
    (event,) = _record(operator)
    _wait_for(
        lambda: _statuses(event=event) == ["sent", "sent"],
        timeout=20,
        worker=worker,
        what="both deliveries sent",
    )
    webhook = Delivery.objects.get(event=event, channel="webhook")
    (request,) = hook.requests
    assert request["headers"]["webhook-id"] == str(webhook.message_id)
    assert signature_verify(secret=endpoint.secret, headers=request["headers"], body=request["body"])

    files = list((worker.var_dir / "mail").glob("*.log"))
    messages = [
        email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default)
        for path in files
        for chunk in path.read_bytes().split(b"-" * 79)
        if chunk.strip()
    ]
    mine = [message for message in messages if message["To"] == "boss@pingyuan.example"]
    assert len(mine) == 1
    assert "【拍摄圈】" in mine[0]["Subject"] and "[Shooting Circle]" in mine[0]["Subject"]
    text = mine[0].get_body(preferencelist=("plain",)).get_content()
    assert text.index("时间") < text.index("Time")


def test_receiver_failing_three_times_gets_the_message_on_the_fourth_attempt_with_growing_gaps(
    worker, receiver
):
    hook = receiver(lambda n, headers, body: (500, b"busy", {}) if n <= 3 else (200, b"{}", {}))
    operator, _endpoint = _operator_with_endpoint(hook.url)
    (event,) = _record(operator)
    _wait_for(lambda: _statuses(event=event) == ["sent"], timeout=20, worker=worker, what="the 4th attempt")
    delivery = Delivery.objects.get(event=event)
    assert delivery.attempts == 4
    assert len(hook.requests) == 4
    assert {request["headers"]["webhook-id"] for request in hook.requests} == {str(delivery.message_id)}
    arrivals = [request["at"] for request in hook.requests]
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert gaps[0] < gaps[1] < gaps[2], gaps


def test_always_failing_receiver_ends_dead_after_the_cap(worker, receiver):
    hook = receiver(lambda n, headers, body: (500, b"down", {}))
    operator, _endpoint = _operator_with_endpoint(hook.url)
    (event,) = _record(operator)
    _wait_for(
        lambda: _statuses(event=event) == ["dead"], timeout=20, worker=worker, what="the delivery to die"
    )
    delivery = Delivery.objects.get(event=event)
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_error.startswith("WebhookFailed: HTTP 500")
    _wait_for_relay_cycle(worker)  # a dead row is never sent again
    assert len(hook.requests) == MAX_ATTEMPTS


def test_flushing_the_broker_loses_nothing_and_each_row_is_sent_once(worker, receiver, settings):
    # small batches: 15 task messages for 30 deliveries, more than the worker prefetches
    settings.NOTIFICATIONS_TASK_BATCH = 2
    hook = receiver()
    hook.gate.clear()  # the receiver holds the first requests, so the rest stay queued in Redis
    operator, _endpoint = _operator_with_endpoint(hook.url)
    count = 30
    _record(operator, count=count)
    redis = _redis()
    _wait_for(lambda: hook.arrived >= 2, timeout=20, worker=worker, what="both worker processes to be busy")
    queued_before_flush = redis.llen("celery")
    assert queued_before_flush > 0
    redis.flushdb()
    hook.gate.set()

    _wait_for(
        lambda: _statuses(status="sent").__len__() == count, timeout=30, worker=worker, what="every row sent"
    )
    deliveries = list(Delivery.objects.all())
    assert all(delivery.status == "sent" and delivery.attempts == 1 for delivery in deliveries)
    ids = [request["headers"]["webhook-id"] for request in hook.requests]
    duplicates = len(ids) - len(set(ids))
    print(
        f"flush: {queued_before_flush} queued messages flushed, {len(ids)} requests received, "
        f"{duplicates} duplicate webhook-ids"
    )
    assert set(ids) == {str(delivery.message_id) for delivery in deliveries}
    assert duplicates == 0
