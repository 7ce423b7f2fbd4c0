"""The floor under the booking-creation target: what this machine serves with (almost) no application.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sc_book REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/floor.py

Three WSGI apps, each served by gunicorn exactly like ``bench/bookings_province.py`` serves the product
(6 sync workers, keep-alive clients), each answering ``POST`` with one ``INSERT`` in a transaction:

* ``bare``: a plain WSGI function and a psycopg connection, no framework at all;
* ``drf_minimal``: Django with CommonMiddleware only, and a DRF view with DRF's own token
  authentication and nothing else (no throttles, no acting organisation): the least an authenticated
  JSON write can cost on this stack;
* ``drf``: this project's Django settings and middleware, and a DRF view with the API's own
  authentication (token + acting organisation), permissions, throttles, JSON parser and renderer.

Each runs the load of scenario (c) of the bookings benchmark: 8 clients as fast as they can (closed
loop), then 8 clients pacing 200 requests/s between them (open loop); then one client's ``GET``s (no
database for ``bare``; the same authentication and permissions for the DRF apps), the least any read
of the API can cost, to set beside scenario (a)'s raw SQL. Whatever the booking API does
on top of this is the product's own cost; if the floor itself misses a target, no implementation on
this stack and machine can meet it. Results go to ``var/bench/floor.json``.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_sc_book"
TABLE = "bench_floor"
PATH = "/api/floor/"

if __name__ != "__main__" and os.environ.get("BENCH_FLOOR_APP", "").startswith("drf"):
    # Imported by gunicorn as ``bench.floor:application`` for the DRF floors.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.floor_urls"
    if os.environ["BENCH_FLOOR_APP"] == "drf_minimal":
        settings.MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
elif __name__ != "__main__":
    import psycopg

    _connection = None

    def application(environ, start_response):
        """One INSERT per POST through one psycopg connection per worker."""
        global _connection
        if environ["REQUEST_METHOD"] == "GET":
            out = b'{"ok": true}'
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(out)))]
            start_response("200 OK", headers)
            return [out]
        if _connection is None:
            _connection = psycopg.connect(os.environ["DATABASE_URL"])
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        with _connection.transaction():
            _connection.execute(f"INSERT INTO {TABLE} (payload) VALUES (%s)", [json.dumps(body)])
        out = b'{"created": true}'
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(out)))]
        start_response("201 Created", headers)
        return [out]


APPS = {"bare": PATH, "drf_minimal": "/api/floor-minimal/", "drf": PATH}


def floor_table(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as raw:
        raw.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, payload jsonb)")
        raw.execute(f"TRUNCATE {TABLE}")


def floor_start(name: str, port: int):
    """gunicorn serving floor app ``name`` with the product's settings (6 sync workers)."""
    from bench.harness import gunicorn_start

    os.environ["BENCH_FLOOR_APP"] = name
    try:
        return gunicorn_start(port, 6, 1, app="bench.floor:application", probe=APPS[name])
    finally:
        del os.environ["BENCH_FLOOR_APP"]


def floor_measure(name: str, port: int, people, *, per_client=250, paced=True, gets=300, meter=None) -> dict:
    """(c)'s closed loop, (c)'s paced load if ``paced``, and one client's GETs against floor app ``name``
    (served on ``port``); with a ``CpuMeter``, the CPU per request of the closed loop and of the GETs."""
    from bench.harness import Client, load_closed, load_paced, summary

    path = APPS[name]
    body = lambda index, n: {"client": index, "n": n}  # noqa: E731
    print(f"{name}:")
    before = meter.snapshot() if meter else None
    closed = load_closed(port, people, path, body, per_client=per_client, label=f"{name}, 8 clients")
    if meter:
        closed["cpu"] = meter.per_request(before, per_client * len(people))
    result = {"closed_8": closed}
    if paced:
        label = f"{name}, at 200/s"
        result["paced_200"] = load_paced(port, people, path, body, rate=200, seconds=10, label=label)
    reader, reads = Client(port, people[0][2], people[0][0].pk), []
    reader.request("GET", path)  # connect outside the measure
    before, started = (meter.snapshot() if meter else None), time.perf_counter()
    for _ in range(gets):
        status, _data, ms = reader.request("GET", path)
        assert status == 200, status
        reads.append(ms)
    result["get_1"] = summary(f"{name}, GET, 1 client", reads, time.perf_counter() - started)
    if meter:
        result["get_1"]["cpu"] = meter.per_request(before, gets)
    return result


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("THROTTLE_USER", "10000000/min")
    import django

    django.setup()
    from bench.harness import actors, cpu_calibration, gunicorn_stop

    floor_table(os.environ["DATABASE_URL"])
    people = actors(8)[:8]  # actors() adds a searcher
    from django.db import connection

    connection.close()
    results = {"cpu_calibration_s": cpu_calibration()}
    print(f"CPU calibration: 10M Python loop steps in {results['cpu_calibration_s']} s")
    for name in APPS:
        process = floor_start(name, 8766)
        try:
            results[name] = floor_measure(name, 8766, people)
        finally:
            gunicorn_stop(process)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "floor.json").write_text(json.dumps(results, indent=2))
    print(f"results written to {out / 'floor.json'}")


if __name__ == "__main__":
    main()
