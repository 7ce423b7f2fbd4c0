"""Bookings and search benchmark on a province dataset, through gunicorn over HTTP (not in the test suite).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sc_book REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/bookings_province.py

1. dataset: the database is created if missing, migrated and seeded with ``seed_demo --scale province``
   (50 bases, 5,000 sets, 2,000 companies); then 1,000,000 bookings over a year (200 per set, 12-hour
   days 08:00–20:00, a year around today: completed / cancelled / no-show behind, confirmed / held /
   cancelled ahead) are written by one ``INSERT … SELECT generate_series`` with the exclusion
   constraint dropped and re-created afterwards (which also proves the data has no overlap; generated
   rows carry a 30-minute turnover whatever their set's); new bookings go to 22:00–00:00, clear of
   every generated day whatever the set's turnover;
   ``--rebuild`` forces a new dataset.
2. gunicorn serves ``config.wsgi`` (DEBUG off, persistent connections) on 127.0.0.1.
3. measurements, every request over HTTP with keep-alive:
   (a) search: ``GET /sets/?kind=&available_from=&available_to=`` (6 h) ``&near_place=&within_minutes=15``
       vs the same SQL (the count and the page query Django runs) executed raw with psycopg;
   (b) circle plan: ``POST /circle-plans/`` with 4 consecutive items;
   (c) booking creation, non-conflicting, 8 concurrent clients (8 companies, disjoint sets), vs the same
       ``INSERT`` of booking rows from 8 raw psycopg connections;
   (d) 200 concurrent requests (200 connections released by a barrier) for one slot.
Prints p50 / p95, throughput and ratios, and writes them as JSON to ``var/bench/bookings.json``.
"""

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOOKINGS_PER_SET = 200
BLOCKING = "('held', 'confirmed', 'checked_in')"

from bench.harness import (  # noqa: E402 - after the path above
    Client,
    actors,
    cpu_calibration,
    database_ensure,
    django_environment,
    gunicorn_start,
    gunicorn_stop,
    load_closed,
    load_paced,
    results_write,
    run_threads,
    summary,
)

django_environment("postgres://postgres@127.0.0.1:5432/bench_sc_book")

# Dataset ------------------------------------------------------------------------------------------


GENERATE_SQL = f"""
WITH sets AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM locations_set),
prods AS (SELECT id, company_id, row_number() OVER (ORDER BY id) - 1 AS n FROM studio_production),
total AS (SELECT count(*) AS c FROM studio_production),
rows AS (
    SELECT s.id AS set_id, p.id AS production_id, p.company_id,
           ((date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - interval '182 days'
             + make_interval(days => (g * 365 / {BOOKINGS_PER_SET})) + interval '8 hours')
             AT TIME ZONE 'Asia/Shanghai') AS starts_at,
           g, s.n AS sn
    FROM sets s CROSS JOIN generate_series(0, {BOOKINGS_PER_SET - 1}) g
    CROSS JOIN total t
    JOIN prods p ON p.n = (s.n * 7919 + g * 104729) % t.c
)
INSERT INTO bookings_booking (
    set_id, production_id, company_id, status, starts_at, ends_at, turnover_minutes, blocked_from,
    blocked_until, hold_expires_at, note, price_breakdown, total_price, deposit, cancellation_reason,
    decline_reason, overtime_minutes, overtime_fee, waitlist_offer, created_at, updated_at
)
SELECT set_id, production_id, company_id,
       CASE WHEN starts_at < now() THEN
                CASE WHEN (sn + g) % 30 = 0 THEN 'no_show' WHEN (sn + g) % 14 = 0 THEN 'cancelled'
                     ELSE 'completed' END
            ELSE CASE WHEN (sn + g) % 10 = 0 THEN 'cancelled'
                      WHEN (sn + g) % 33 = 0 AND starts_at < now() + interval '7 days' THEN 'held'
                      ELSE 'confirmed' END END,
       starts_at, starts_at + interval '12 hours', 30, starts_at - interval '30 minutes',
       starts_at + interval '12 hours 30 minutes',
       now() + interval '1 day', 'bench', '{{"method": "hourly"}}'::jsonb, 3600, 1000, '', '', 0, 0,
       false, now(), now()
    FROM rows
"""


def dataset(rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from locations.models import Set

    if Set.objects.count() < 5000:
        print("seeding the province (seed_demo --scale province) ...")
        started = time.monotonic()
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", scale="province", force=True, verbosity=0, stdout=quiet)
        print(f"  seeded in {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bookings_booking WHERE note = 'bench'")
        have = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM locations_set")
        sets = cursor.fetchone()[0]
        if have >= sets * BOOKINGS_PER_SET and not rebuild:
            print(f"dataset present: {have:,} bench bookings on {sets:,} sets")
            return
        print(f"generating {sets * BOOKINGS_PER_SET:,} bookings ...")
        started = time.monotonic()
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'booking_no_overlap'"
        )
        definition = cursor.fetchone()[0]
        cursor.execute("TRUNCATE bookings_booking RESTART IDENTITY CASCADE")
        cursor.execute("ALTER TABLE bookings_booking DROP CONSTRAINT booking_no_overlap")
        cursor.execute(GENERATE_SQL)
        inserted = cursor.rowcount
        middle = time.monotonic()
        cursor.execute(f"ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlap {definition}")
        # Instant booking everywhere for (c) and (d); notice and horizon as in production.
        cursor.execute("UPDATE locations_base SET instant_book_default = true, max_days_ahead = 120")
        cursor.execute("UPDATE locations_set SET instant_book = NULL")
        cursor.execute("VACUUM ANALYZE bookings_booking")
        cursor.execute("ANALYZE")
        print(
            f"  {inserted:,} rows in {middle - started:.0f} s; exclusion constraint re-validated in "
            f"{time.monotonic() - middle:.0f} s"
        )


# Scenarios ----------------------------------------------------------------------------------------


def local_day(days: int) -> datetime:
    from django.utils import timezone

    return (timezone.localtime() + timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)


def scenario_search(port: int, searcher, count: int, rng: random.Random, meter=None) -> dict:
    import psycopg
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from locations.models import Place, Set

    company, _production, token = searcher
    client = Client(port, token, company.pk)
    place = Place.objects.filter(zone__name="平原示范区拍摄服务圈").order_by("id").first()
    kinds = list(Set.Kind.values)
    cases = []
    for _ in range(count):
        start = local_day(rng.randint(1, 30)).replace(hour=rng.choice([7, 8, 9, 12, 14]))
        cases.append((rng.choice(kinds), start, start + timedelta(hours=6)))
    paths = [
        "/api/v1/sets/?"
        + urlencode(
            {
                "kind": kind,
                "available_from": start.isoformat(),
                "available_to": end.isoformat(),
                "near_place": place.pk,
                "within_minutes": 15,
            }
        )
        for kind, start, end in cases
    ]
    api_latencies, found = [], []
    before, started = (meter.snapshot() if meter else None), time.perf_counter()
    for path in paths:
        status, body, ms = client.request("GET", path)
        assert status == 200, body[:300]
        api_latencies.append(ms)
        found.append(json.loads(body)["count"])
    api = summary("(a) search via API", api_latencies, time.perf_counter() - started)
    if meter:
        api["cpu"] = meter.per_request(before, len(paths))

    # The same SQL, raw: every statement the API runs to answer each search (all but the token and
    # membership look-up: the place, opening hours, bases and measured travel times, the page with its
    # count, the photos), captured in-process with their parameters bound and replayed through a bare
    # psycopg connection. "page" is the narrower set earlier runs replayed: the statements on sets and
    # photos only.
    from django.test import Client as DjangoClient

    local = DjangoClient(
        HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_ORGANIZATION=str(company.pk), HTTP_HOST="127.0.0.1"
    )
    statements = []
    for path in paths:
        connection.queries_log.clear()  # the log keeps 9,000 queries; past that a capture comes back empty
        with CaptureQueriesContext(connection) as captured:
            assert local.get(path).status_code == 200
        statements.append(
            [
                query["sql"]
                for query in captured.captured_queries
                if '"authtoken_token"' not in query["sql"] and not query["sql"].startswith("SAVEPOINT")
            ]
        )
    dsn = os.environ["DATABASE_URL"]

    def replay(label: str, keep) -> dict:
        latencies = []
        with psycopg.connect(dsn) as raw:
            started = time.perf_counter()
            for sqls in statements:
                t0 = time.perf_counter()
                for sql in filter(keep, sqls):
                    raw.execute(sql.replace("%", "%%")).fetchall()
                raw.commit()
                latencies.append((time.perf_counter() - t0) * 1000)
            return summary(label, latencies, time.perf_counter() - started)

    connection.close()
    raw_all = replay("(a) search, same SQL raw (all statements)", lambda sql: True)
    # the ORM's page, count and photos statements, or the hand-written ones of locations/api/search.py
    page_statements = ('SELECT "locations_set".', 'SELECT "locations_setphoto".', "SELECT COUNT", "SELECT s.")

    def is_page(sql: str) -> bool:
        return sql.startswith(page_statements) or "FROM locations_setphoto" in sql

    raw_page = replay("(a) search, same SQL raw (page+photos only)", is_page)
    ratio = api["p50_ms"] / raw_all["p50_ms"]
    page_ratio = api["p50_ms"] / raw_page["p50_ms"] if raw_page["p50_ms"] else None
    print(
        f"  (a) API/raw p50 ratio {ratio:.2f} (vs page+photos only: {page_ratio or 0:.2f}); "
        f"statements per search {statistics.median(len(sqls) for sqls in statements):.0f}; "
        f"sets found per search: median {statistics.median(found):.0f}"
    )
    return {
        "api": api,
        "raw": raw_all,
        "raw_page_only": raw_page,
        "ratio_p50": round(ratio, 2),
        "ratio_p50_page_only": round(page_ratio, 2) if page_ratio else None,
        "found_median": statistics.median(found),
    }


def scenario_circle(port: int, searcher, count: int, rng: random.Random) -> dict:
    from locations.models import Place

    company, _production, token = searcher
    client = Client(port, token, company.pk)
    place = Place.objects.filter(zone__name="平原示范区拍摄服务圈").order_by("id").first()
    plan = ["ceo_office", "hospital_ward", "bar", "villa", "restaurant", "apartment", "open_office", "court"]
    latencies, plans = [], []
    started = time.perf_counter()
    for _ in range(count):
        day = local_day(rng.randint(1, 30))
        kinds = rng.sample(plan, 4)
        items = [
            {
                "kind": kind,
                "from": (day + timedelta(hours=8 + 3 * i)).isoformat(),
                "to": (day + timedelta(hours=10 + 3 * i)).isoformat(),
            }
            for i, kind in enumerate(kinds)
        ]
        status, body, ms = client.request(
            "POST",
            "/api/v1/circle-plans/",
            {"origin": {"place": place.pk}, "items": items, "within_minutes": 15},
        )
        assert status in (200, 400), body[:300]
        latencies.append(ms)
        plans.append(len(json.loads(body).get("plans", [])) if status == 200 else 0)
    result = summary("(b) circle plan, 4 items", latencies, time.perf_counter() - started)
    result["answered_with_plans"] = sum(1 for n in plans if n)
    return result


def create_body(people, set_ids: list[int], days: int):
    """``body(index, n)`` for ``load_closed``: client ``index``'s ``n``-th booking, 22:00–00:00 on day
    ``days`` ahead (then the next days), on the first 4,000 sets in turn: no two ever conflict."""
    clients = len(people)

    def body(index: int, n: int) -> dict:
        i = n * clients + index
        production = people[index][1]
        start = local_day(days + i // 4000).replace(hour=22)
        return {
            "set": set_ids[i % 4000],
            "production": production.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
        }

    return body


def scenario_create(port: int, people, per_client: int, rate: float, seconds: float) -> dict:
    import psycopg

    from locations.models import Set

    clients = len(people)
    set_ids = list(Set.objects.order_by("id").values_list("id", flat=True))
    # API requests take the first 4,000 sets, the raw inserts the last 1,000: never conflicting. The
    # closed-loop run books day +1, the paced run day +50, the single client days +100 and +101.
    raw_pairs = [(set_ids[4000 + i % 1000], 1 + i // 1000) for i in range(clients * per_client)]

    def request_body(days: int):
        return create_body(people, set_ids, days)

    # One client alone first: the latency without queueing.
    one = load_closed(
        port, people[:1], "/api/v1/bookings/", request_body(100), per_client=200,
        label="(c) create via API, 1 client",
    )  # fmt: skip
    api = load_closed(
        port, people, "/api/v1/bookings/", request_body(1), per_client=per_client,
        label=f"(c) create via API, {clients} clients",
    )  # fmt: skip
    paced = load_paced(
        port, people, "/api/v1/bookings/", request_body(50), rate=rate, seconds=seconds,
        label=f"(c) create via API, {clients} clients at {rate:.0f}/s",
    )  # fmt: skip
    api["single_client"] = one
    api["paced"] = paced
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    dsn = os.environ["DATABASE_URL"]
    raw_latencies: list[float] = []
    insert = (
        "INSERT INTO bookings_booking (set_id, production_id, company_id, status, starts_at, ends_at, "
        "turnover_minutes, blocked_from, blocked_until, note, price_breakdown, total_price, deposit, "
        "cancellation_reason, decline_reason, overtime_minutes, overtime_fee, confirmed_at, created_at, "
        "updated_at) VALUES (%s, %s, %s, 'confirmed', %s, %s, 30, %s, %s, 'bench-raw', %s, 600, 1000, "
        "'', '', 0, 0, now(), now(), now())"
    )

    def run_raw(index: int):
        _company, production, _token = people[index]
        mine = raw_pairs[index::clients]
        with psycopg.connect(dsn) as raw:
            barrier.wait()
            for set_id, days in mine:
                start = local_day(days).replace(hour=22)
                end = start + timedelta(hours=2)
                t0 = time.perf_counter()
                raw.execute(
                    insert,
                    [set_id, production.pk, production.company_id, start, end,
                     start - timedelta(minutes=30), end + timedelta(minutes=30), '{"method": "hourly"}'],
                )  # fmt: skip
                raw.commit()
                with lock:
                    raw_latencies.append((time.perf_counter() - t0) * 1000)

    elapsed = run_threads(run_raw, clients)
    raw = summary(f"(c) same INSERTs raw, {clients} connections", raw_latencies, elapsed)
    ratio = api["p50_ms"] / raw["p50_ms"]
    print(
        f"  (c) API/raw p50 ratio {ratio:.2f}; "
        f"raw/API throughput {raw['throughput_per_s'] / api['throughput_per_s']:.2f}"
    )
    return {"api": api, "raw": raw, "ratio_p50": round(ratio, 2)}


def scenario_race(port: int, people, requests: int) -> dict:
    from django.db import connection

    from bookings.models import Booking
    from locations.models import Set

    target = Set.objects.order_by("-id").values_list("id", flat=True)[1500]
    start = local_day(100).replace(hour=22)
    barrier = threading.Barrier(requests)
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    latencies: list[float] = []

    def run(index: int):
        company, production, token = people[index % len(people)]
        client = Client(port, token, company.pk)
        client.connection.connect()
        barrier.wait()
        offset = timedelta(minutes=30 * (index % 3))
        status, _body, ms = client.request(
            "POST",
            "/api/v1/bookings/",
            {
                "set": target,
                "production": production.pk,
                "starts_at": (start + offset).isoformat(),
                "ends_at": (start + offset + timedelta(hours=2)).isoformat(),
            },
        )
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(ms)

    elapsed = run_threads(run, requests)
    result = summary(f"(d) {requests} concurrent requests, one slot", latencies, elapsed)
    made = Booking.objects.filter(set_id=target, starts_at__gte=start - timedelta(hours=1),
                                  starts_at__lt=start + timedelta(hours=2)).count()  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM bookings_booking a JOIN bookings_booking b ON a.set_id = b.set_id "
            f"AND a.id < b.id WHERE a.set_id = %s AND a.status IN {BLOCKING} AND b.status IN {BLOCKING} "
            f"AND a.blocked_from < b.blocked_until AND b.blocked_from < a.blocked_until",
            [target],
        )
        overlaps = cursor.fetchone()[0]
    print(f"      statuses {statuses}; bookings made for the slot: {made}; overlapping pairs: {overlaps}")
    result.update({"statuses": statuses, "bookings_made": made, "overlapping_pairs": overlaps})
    return result


def prepare(rebuild: bool = False) -> tuple[int, int, int, list]:
    """Django set up on the bench database, migrated, the dataset present and rid of earlier runs'
    bookings; returns (bases, sets with bookings, bookings, 8 actors) with Django's connection closed."""
    database_ensure(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection

    dataset(rebuild)
    with connection.cursor() as cursor:
        # Rows made by earlier runs' API and raw inserts go; the generated year stays.
        cursor.execute("DELETE FROM bookings_booking WHERE note <> 'bench'")
        cursor.execute("SELECT count(*), count(DISTINCT set_id) FROM bookings_booking")
        total, sets = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM locations_base")
        bases = cursor.fetchone()[0]
    print(f"dataset: {bases} bases, {sets:,} sets with bookings, {total:,} bookings")
    people = actors(8)
    connection.close()
    return bases, sets, total, people


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true", help="regenerate the bookings")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--worker-class", default="sync", help="sync (default; gthread measured 2.5x slower per create here)"
    )
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--creates-per-client", type=int, default=250)
    parser.add_argument("--create-rate", type=float, default=200, help="offered load of the paced run (c)")
    parser.add_argument("--create-seconds", type=float, default=10)
    parser.add_argument("--race", type=int, default=200)
    args = parser.parse_args()

    bases, sets, total, people = prepare(args.rebuild)
    searcher = people[0]
    calibration = cpu_calibration()
    print(f"CPU calibration: 10M Python loop steps in {calibration} s (load {os.getloadavg()[0]:.2f})")
    rng = random.Random(7)
    process = gunicorn_start(args.port, args.workers, args.threads, args.worker_class)
    results = {
        "dataset": {"bases": bases, "sets": sets, "bookings": total},
        "gunicorn": {"workers": args.workers, "threads": args.threads, "class": args.worker_class},
        "cpu_calibration_s": calibration,
    }
    try:
        warm = Client(args.port, searcher[2], searcher[0].pk)
        for _ in range(20):
            warm.request("GET", "/api/v1/sets/?kind=villa")
        results["search"] = scenario_search(args.port, searcher, args.searches, rng)
        results["circle_plan"] = scenario_circle(args.port, searcher, args.plans, rng)
        results["create"] = scenario_create(
            args.port, people[:8], args.creates_per_client, args.create_rate, args.create_seconds
        )
        results["race"] = scenario_race(args.port, people, args.race)
    finally:
        gunicorn_stop(process)
    results_write("bookings", results)


if __name__ == "__main__":
    main()
