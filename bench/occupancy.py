"""Occupancy of one base over a quarter on the province dataset, via gunicorn over HTTP (not in the suite).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sc_book REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/occupancy.py

1. dataset: the one of ``bench/bookings_province.py`` (50 bases, 5,000 sets, 1,000,000 bookings over a
   year around today), built if missing; then every base gets opening hours (08:00–20:00, Friday
   08:00–02:00, closed Sunday) and every tenth set a two-hour blackout each week, so that capacity is
   not the trivial round-the-clock one.
2. gunicorn serves ``config.wsgi`` (DEBUG off) on 127.0.0.1; each base's operator asks
   ``GET /bases/{id}/occupancy/?from=&to=`` for 13 weeks (91 days: half behind today, half ahead) of
   (a) the base with the most sets and (b) a median one, JSON and ``?format=csv``;
3. the floor: the statements one request runs (captured in-process with their parameters, all but the
   token look-up) replayed through a bare psycopg connection; the ratio API ÷ floor is measured in the
   same run.
Prints p50 / p95 and the ratios, and writes them as JSON to ``var/bench/occupancy.json``.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402 - after the path above
    Client,
    cpu_calibration,
    database_ensure,
    django_environment,
    gunicorn_start,
    gunicorn_stop,
    results_write,
    summary,
)

django_environment("postgres://postgres@127.0.0.1:5432/bench_sc_book")

HOURS_SQL = """
INSERT INTO locations_openinghours (base_id, weekday, opens, closes)
SELECT b.id, w, '08:00', CASE WHEN w = 4 THEN time '02:00' ELSE time '20:00' END
FROM locations_base b CROSS JOIN generate_series(0, 5) w
ON CONFLICT DO NOTHING
"""
BLACKOUTS_SQL = """
INSERT INTO locations_blackout (set_id, starts_at, ends_at, reason, created_at)
SELECT s.id, d + interval '10 hours', d + interval '12 hours', 'bench', now()
FROM locations_set s
CROSS JOIN generate_series(date_trunc('week', now()) - interval '26 weeks',
                           date_trunc('week', now()) + interval '26 weeks', interval '1 week') d
WHERE s.id % 10 = 0
"""


def capacity_ensure() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(HOURS_SQL)
        cursor.execute("SELECT count(*) FROM locations_blackout WHERE reason = 'bench'")
        if not cursor.fetchone()[0]:
            cursor.execute(BLACKOUTS_SQL)
        cursor.execute("ANALYZE locations_openinghours")
        cursor.execute("ANALYZE locations_blackout")


def operator_token(base) -> str:
    from rest_framework.authtoken.models import Token

    from studio.models import Membership

    membership = Membership.objects.filter(organization=base.operator_id, is_active=True).first()
    return Token.objects.get_or_create(user=membership.user)[0].key


def statements_of(path: str, token: str, organization: int) -> list[str]:
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    local = DjangoClient(
        HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_ORGANIZATION=str(organization), HTTP_HOST="127.0.0.1"
    )
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        assert local.get(path).status_code == 200
    # psycopg opens and ends the replay's transaction itself
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")
    return [
        query["sql"]
        for query in captured.captured_queries
        if '"authtoken_token"' not in query["sql"] and not query["sql"].startswith(skip)
    ]


def scenario(port: int, label: str, base, first, last, count: int) -> dict:
    import psycopg

    token = operator_token(base)
    query = urlencode({"from": first.isoformat(), "to": last.isoformat()})
    path = f"/api/v1/bases/{base.pk}/occupancy/?{query}"
    client = Client(port, token, base.operator_id)
    for _ in range(3):
        client.request("GET", path)
    results = {"sets": base.set_count}
    for name, suffix, n in (("json", "", count), ("csv", "&format=csv", max(5, count // 3))):
        latencies, size = [], 0
        started = time.perf_counter()
        for _ in range(n):
            status, body, ms = client.request("GET", path + suffix)
            assert status == 200, body[:300]
            latencies.append(ms)
            size = len(body)
        results[name] = summary(f"({label}) {name} via API", latencies, time.perf_counter() - started)
        results[name]["bytes"] = size
    statements = statements_of(path, token, base.operator_id)
    from django.db import connection

    connection.close()
    latencies = []
    with psycopg.connect(os.environ["DATABASE_URL"]) as raw:
        started = time.perf_counter()
        for _ in range(count):
            t0 = time.perf_counter()
            for sql in statements:
                cursor = raw.execute(sql)  # parameters already bound: sent as is
                if cursor.description is not None:
                    cursor.fetchall()
            raw.commit()
            latencies.append((time.perf_counter() - t0) * 1000)
        results["raw"] = summary(f"({label}) same SQL raw", latencies, time.perf_counter() - started)
    results["statements"] = len(statements)
    results["ratio_p50"] = round(results["json"]["p50_ms"] / results["raw"]["p50_ms"], 2)
    print(
        f"  ({label}) {base.set_count} sets, {len(statements)} statements; "
        f"API/raw p50 ratio {results['ratio_p50']:.2f}"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    database_ensure(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from bench.bookings_province import dataset
    from locations.models import Base

    dataset(False)
    capacity_ensure()
    bases = list(Base.objects.annotate(set_count=Count("sets")).order_by("-set_count", "id"))
    largest, median = bases[0], bases[len(bases) // 2]
    today = timezone.localdate()
    first = today - timedelta(days=45)
    last = first + timedelta(days=90)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bookings_booking")
        total = cursor.fetchone()[0]
    print(f"dataset: {len(bases)} bases, {total:,} bookings; window {first} – {last} (91 days)")
    calibration = cpu_calibration()
    print(f"CPU calibration: 10M Python loop steps in {calibration} s (load {os.getloadavg()[0]:.2f})")
    connection.close()
    process = gunicorn_start(args.port, args.workers, 1)
    results = {"bookings": total, "window": [first, last], "cpu_calibration_s": calibration}
    try:
        results["largest"] = scenario(args.port, "a", largest, first, last, args.requests)
        results["median"] = scenario(args.port, "b", median, first, last, args.requests)
    finally:
        gunicorn_stop(process)
    results_write("occupancy", results)


if __name__ == "__main__":
    main()
