"""What the HTTP benchmarks share: the machine's speed, latency statistics, gunicorn serving a WSGI app,
keep-alive clients, the closed- and open-loop load shapes, and the demo actors that make the requests.

Used by ``bench/bookings_province.py``, ``bench/floor.py`` and ``bench/hot_paths.py`` (and its statistics by
``bench/outbox.py``); ``results_write`` saves the JSON of ``bench/bookings_province.py``,
``bench/occupancy.py``, ``bench/scaling.py`` and ``bench/zone.py``.
"""

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def django_environment(default_db: str) -> None:
    """Point Django at the benchmark's database (``BENCH_DATABASE_URL``, else ``default_db``), throttles out
    of the way; call before ``django.setup()``."""
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", default_db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("THROTTLE_USER", "10000000/min")


def database_ensure(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def cpu_calibration() -> float:
    """Seconds this machine takes for 10 million Python loop steps: sessions' machines differ (1.1-1.8 s
    on the same 2-vCPU type), and every figure here scales with it."""
    started = time.perf_counter()
    total = 0
    for step in range(10_000_000):
        total += step
    return round(time.perf_counter() - started, 3)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(label: str, latencies_ms: list[float], elapsed: float) -> dict:
    result = {
        "load_average_1m": round(os.getloadavg()[0], 2),
        "n": len(latencies_ms),
        "p50_ms": round(statistics.median(latencies_ms), 2),
        "p95_ms": round(percentile(latencies_ms, 0.95), 2),
        "throughput_per_s": round(len(latencies_ms) / elapsed, 1),
    }
    print(
        f"  {label:<42} p50 {result['p50_ms']:7.2f} ms  p95 {result['p95_ms']:7.2f} ms  "
        f"{result['throughput_per_s']:8.1f}/s  (n={result['n']}, load {result['load_average_1m']})"
    )
    return result


def results_write(name: str, results) -> Path:
    """Write ``results`` as indented JSON to ``var/bench/<name>.json`` (dates and Decimals as text) and say
    where."""
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"results written to {path}")
    return path


# CPU from /proc ----------------------------------------------------------------------------------

TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int | str) -> tuple[int, float] | None:
    """(process group, utime + stime in seconds) of a process from ``/proc/<pid>/stat``, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            stat = handle.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, pgrp, ...
    return int(fields[2]), (int(fields[11]) + int(fields[12])) * TICK_S


class CpuMeter:
    """CPU seconds (utime + stime from ``/proc``) of one gunicorn (master and workers: its process group)
    and of the PostgreSQL backends connected to the bench database (from ``pg_stat_activity``, less the
    meter's own connection), read before and after a phase: what serving the phase's requests cost,
    whatever the machine's other load. PostgreSQL's shared background processes (WAL writer,
    checkpointer, autovacuum) and Redis are not counted; neither are the benchmark's own clients.

        before = meter.snapshot(); ...requests...; cpu = meter.per_request(before, requests)
    """

    def __init__(self, dsn: str, gunicorn):
        import psycopg

        self.group = gunicorn.pid
        self.monitor = psycopg.connect(dsn, autocommit=True)

    def close(self) -> None:
        self.monitor.close()

    def snapshot(self) -> dict[str, dict[int, float]]:
        backends = self.monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        postgres = {pid: stat[1] for (pid,) in backends if (stat := proc_stat(pid))}
        django = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit() and (stat := proc_stat(entry.name)) and stat[0] == self.group:
                django[int(entry.name)] = stat[1]
        return {"django": django, "postgres": postgres}

    def per_request(self, before: dict, requests: int) -> dict:
        """Milliseconds of CPU per request since ``before``; a process that started meanwhile counts
        whole, one that ended meanwhile is lost (reported as ``processes_gone``)."""
        after = self.snapshot()
        result, gone = {}, 0
        for side in ("django", "postgres"):
            # ``after`` also lists the backends that connected during the phase (0 s before).
            spent = sum(seconds - before[side].get(pid, 0.0) for pid, seconds in after[side].items())
            gone += len(set(before[side]) - set(after[side]))
            result[f"{side}_ms"] = round(spent * 1000 / requests, 2)
        result["total_ms"] = round(result["django_ms"] + result["postgres_ms"], 2)
        result["processes"] = {side: len(after[side]) for side in after}
        result["processes_gone"] = gone
        return result


# HTTP ---------------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection with a token and an acting organisation."""

    def __init__(self, port: int, token: str, organization: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {
            "Authorization": f"Token {token}",
            "X-Organization": str(organization),
            "Content-Type": "application/json",
        }

    def request(self, method: str, path: str, body=None) -> tuple[int, bytes, float]:
        payload = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        data = response.read()
        return response.status, data, (time.perf_counter() - started) * 1000


def gunicorn_start(
    port: int,
    workers: int,
    threads: int,
    worker_class: str = "sync",
    *,
    app: str = "config.wsgi",
    probe: str = "/api/v1/",
):
    env = dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY="bench-secret-key-not-for-production",
        SECURE_SSL_REDIRECT="0",
        CONN_MAX_AGE="600",
        LOG_LEVEL="ERROR",
    )
    command = [
        sys.executable, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--worker-class", worker_class,
        "--backlog", "2048", "--log-level", "warning", "--timeout", "120",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", probe)
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def gunicorn_stop(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


# Load shapes --------------------------------------------------------------------------------------


def load_closed(port: int, people, path: str, body, *, per_client: int, label: str) -> dict:
    """Each of ``people`` POSTs ``per_client`` requests back to back (closed loop): the saturation rate.

    ``body(index, n)`` makes the ``n``-th body of client ``index``. With ``c`` clients the latency is
    about ``c / throughput`` by Little's law, whatever the server does.
    """
    return _load(port, people, path, body, per_client=per_client, rate=None, label=label)


def load_paced(port: int, people, path: str, body, *, rate: float, seconds: float, label: str) -> dict:
    """``people`` share an offered load of ``rate`` POSTs per second for ``seconds`` (open loop).

    Client ``i`` sends its ``n``-th request at ``start + (n * len(people) + i) / rate``; a request that
    is late because the previous one has not come back is sent at once, and its latency counts from
    its send time. The achieved rate says whether the server keeps up with the offered one.
    """
    per_client = int(rate * seconds / len(people))
    result = _load(port, people, path, body, per_client=per_client, rate=rate, label=label)
    result["offered_per_s"] = rate
    return result


def run_threads(target, count: int) -> float:
    """Run ``target(i)`` for ``i`` in ``range(count)`` on as many threads; return the seconds taken."""
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _load(port: int, people, path: str, body, *, per_client: int, rate: float | None, label: str) -> dict:
    clients = len(people)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    start_at = [0.0]

    def run(index: int):
        company, _production, token = people[index]
        client = Client(port, token, company.pk)
        client.connection.connect()
        barrier.wait()
        for n in range(per_client):
            if rate is not None:
                pause = start_at[0] + (n * clients + index) / rate - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            status, _data, ms = client.request("POST", path, body(index, n))
            with lock:
                latencies.append(ms)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_at[0] = time.perf_counter() + (0.05 if rate is not None else 0)  # paced: time to get going
    barrier.wait()
    for thread in threads:
        thread.join()
    result = summary(label, latencies, time.perf_counter() - start_at[0])
    result["statuses"] = statuses
    offered = f"offered {rate:.0f}/s; " if rate is not None else ""
    print(f"      {offered}statuses {statuses}")
    return result


# Actors -------------------------------------------------------------------------------------------


def actors(count: int):
    """``count`` (company, production, token) triples, plus a production-company searcher."""
    from rest_framework.authtoken.models import Token

    from studio.models import Membership, Organization, Production

    found = []
    companies = Organization.objects.filter(kind=Organization.Kind.PRODUCTION_COMPANY).order_by("id")
    for company in companies[: count + 1]:
        membership = (
            Membership.objects.filter(
                organization=company, is_active=True, role__in=["owner", "manager", "coordinator"]
            )
            .select_related("user")
            .first()
        )
        production = Production.objects.filter(company=company).first()
        if membership and production:
            token, _ = Token.objects.get_or_create(user=membership.user)
            found.append((company, production, token.key))
    return found
