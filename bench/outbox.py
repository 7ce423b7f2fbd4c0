"""Outbox benchmark: drain rate of a queued backlog and commit→delivery latency under a steady load.

Needs PostgreSQL and Redis; run by hand, never in the test suite::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sc_bench_outbox REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/outbox.py

The database named in DATABASE_URL is created if missing, migrated and emptied of notifications; the
Redis db is flushed. A real ``celery -A config worker --pool=prefork --concurrency=2`` posts to a
keep-alive HTTP receiver on 127.0.0.1 that runs in its own process.

1. drain: ``--backlog`` events (one webhook delivery each) are committed before the worker starts;
   the rate is measured from the first to the last request the receiver gets.
2. latency: ``--rate`` events/s for ``--seconds``, each in its own transaction; latency is from the
   moment the transaction commits to the moment the receiver has read the request.
"""

import argparse
import json
import multiprocessing
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS"] = "1"

from bench.harness import database_ensure, percentile  # noqa: E402 - after the path above


def receiver_process(pipe) -> None:
    """Child process: a keep-alive receiver that answers 200 and reports (arrival, seq) on request."""
    from tests.notifications.receiver import Receiver

    receiver = Receiver().start()
    pipe.send(receiver.url)
    while True:
        command = pipe.recv()
        if command == "count":
            pipe.send(len(receiver.requests))
        elif command == "dump":
            pipe.send(
                [
                    (
                        request["at"],
                        request["headers"]["webhook-id"],
                        json.loads(request["body"])["data"]["payload"],
                    )
                    for request in receiver.requests
                ]
            )
        elif command == "reset":
            with receiver.lock:
                receiver.requests.clear()
            pipe.send(True)
        else:
            receiver.stop()
            pipe.send(True)
            return


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its live children (the worker and its pool), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--pool",
        choices=["prefork", "solo"],
        default="prefork",
        help="prefork: one worker with --concurrency pool processes; solo: --concurrency solo workers",
    )
    parser.add_argument("--worker-arg", action="append", default=[], help="extra argument for celery worker")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL.")
    database_ensure(database_url)

    # the receiver is forked before Django opens any connection
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    receiver = context.Process(target=receiver_process, args=(theirs,), daemon=True)
    receiver.start()
    receiver_url = ours.recv()

    def ask(command):
        ours.send(command)
        return ours.recv()

    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connection, transaction

    from notifications.models import Delivery, Event, EventAudience, WebhookEndpoint
    from notifications.services import event_record, webhook_endpoint_create
    from studio.models import Organization

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        for model in (Delivery, EventAudience, Event, WebhookEndpoint):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
    redis.Redis.from_url(redis_url).flushdb()
    company, _ = Organization.objects.get_or_create(
        name="Bench company", defaults={"kind": Organization.Kind.PRODUCTION_COMPANY}
    )
    operator, _ = Organization.objects.get_or_create(
        name="Bench base operator", defaults={"kind": Organization.Kind.BASE_OPERATOR}
    )
    webhook_endpoint_create(organization=operator, name="bench receiver", url=receiver_url)

    def record(seq: int, batch: int = 1, on_commit=None):
        with transaction.atomic():
            if on_commit:
                transaction.on_commit(on_commit)  # registered first: runs right at commit, before the enqueue
            for offset in range(batch):
                event_record(
                    type="booking.requested",
                    organization=company,
                    payload={"seq": seq + offset},
                    audience=[operator],
                )

    print(
        f"recording a backlog of {args.backlog} events (load average {os.getloadavg()[0]:.1f}) …", flush=True
    )
    started = time.monotonic()
    for seq in range(0, args.backlog, 500):
        record(seq, batch=min(500, args.backlog - seq))
    print(f"  recorded and queued in {time.monotonic() - started:.1f} s", flush=True)

    env = {**os.environ, "NOTIFICATIONS_ALLOW_PRIVATE_WEBHOOKS": "1"}
    base_command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat", *args.worker_arg,
    ]  # fmt: skip
    if args.pool == "prefork":
        commands = [
            [*base_command, "--pool=prefork", f"--concurrency={args.concurrency}", "-n", "bench-0@localhost"]
        ]
    else:
        commands = [
            [*base_command, "--pool=solo", "-n", f"bench-{n}@localhost"] for n in range(args.concurrency)
        ]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True) for command in commands]

    def workers_cpu() -> float:
        return sum(process_tree_cpu_seconds(worker.pid) for worker in workers)

    try:
        deadline = time.monotonic() + 300
        while ask("count") < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        first_count, first_cpu = ask("count"), workers_cpu()
        while ask("count") < args.backlog and time.monotonic() < deadline:
            time.sleep(0.2)
        drain_cpu = workers_cpu() - first_cpu
        arrivals = sorted(at for at, _id, _payload in ask("dump"))
        drained = len(arrivals)
        drain_seconds = arrivals[-1] - arrivals[0]
        drain_rate = (drained - 1) / drain_seconds
        sent = Delivery.objects.filter(status=Delivery.Status.SENT).count()
        print(
            f"drain: {drained} deliveries in {drain_seconds:.2f} s = {drain_rate:.0f} deliveries/s "
            f"(rows sent: {sent})",
            flush=True,
        )
        cpu_ms = drain_cpu * 1000 / max(args.backlog - first_count, 1)
        print(
            f"worker CPU: {cpu_ms:.2f} ms per delivery (worker + pool processes; PostgreSQL, Redis and the "
            f"receiver not counted) → at most {args.concurrency * 1000 / cpu_ms:.0f} deliveries/s "
            f"on {args.concurrency} uncontended cores ({args.pool})",
            flush=True,
        )

        ask("reset")
        total = int(args.rate * args.seconds)
        committed: dict[int, float] = {}
        print(f"steady load: {args.rate:.0f} events/s for {args.seconds:.0f} s …", flush=True)
        load_start = time.monotonic()
        base = args.backlog
        for index in range(total):
            target = load_start + index / args.rate
            pause = target - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            seq = base + index
            record(seq, on_commit=lambda seq=seq: committed.__setitem__(seq, time.monotonic()))
        load_seconds = time.monotonic() - load_start
        deadline = time.monotonic() + 30
        while ask("count") < total and time.monotonic() < deadline:
            time.sleep(0.1)
        received = {payload["seq"]: at for at, _id, payload in ask("dump")}
        latencies = [(received[seq] - committed[seq]) * 1000 for seq in committed if seq in received]
        print(
            f"latency: {len(latencies)}/{total} delivered at {total / load_seconds:.1f} events/s; "
            f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms",
            flush=True,
        )
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load}", flush=True)
        print("command: " + " ".join(shlex.quote(part) for part in sys.argv), flush=True)
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        ask("stop")
        receiver.join(timeout=5)


if __name__ == "__main__":
    main()
