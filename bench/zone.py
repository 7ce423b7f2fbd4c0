"""A zone's figures for a quarter on the province dataset, in-process (not in the test suite).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sc_zone REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/zone.py          # --runs 15

1. dataset: the one of ``bench/bookings_province.py`` (50 bases, 5,000 sets, 1,000,000 bookings over a
   year around today; built if missing), with ``bench/occupancy.py``'s opening hours and blackouts. The
   zone with the most sets gets a management organisation (and a member) and its city's review centre.
2. the window: the last three whole months before the current one (all behind today: completed,
   cancelled and no-show bookings).
3. measured, after one warm-up: ``zone_data(zone_figures(...))`` in-process (every query and the Python
   around it), the SQL time of those queries, and ``GET /api/v1/zones/{id}/stats/`` through Django's test
   client (authentication, policy, rendering included; no network).
Prints p50 / p95 and the query count, and writes them as JSON to ``var/bench/zone.json``.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import cpu_calibration, database_ensure, django_environment, results_write, summary  # noqa: E402

django_environment("postgres://postgres@127.0.0.1:5432/bench_sc_zone")
os.environ["BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"]


def zone_ensure():
    """The zone with the most sets, run by a zone management with one member, reviewed by a centre."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from locations.models import Zone
    from studio.models import Membership, Organization

    zone = Zone.objects.annotate(set_count=Count("bases__sets")).order_by("-set_count", "id").first()
    management, _created = Organization.objects.get_or_create(
        name="基准园区管委会", defaults={"kind": Organization.Kind.ZONE_MANAGEMENT, "province": "河南"}
    )
    user, _created = get_user_model().objects.get_or_create(username="bench-zone")
    Membership.objects.get_or_create(
        user=user, organization=management, defaults={"role": Membership.Role.OWNER}
    )
    centres = Organization.objects.filter(kind=Organization.Kind.REVIEW_CENTRE).order_by("id")
    zone.management = management
    zone.review_centre = centres.filter(city=zone.city).first() or centres.first()
    zone.save(update_fields=["management", "review_centre"])
    return zone, user


def window():
    from django.utils import timezone

    from bookings.zone.figures import add_months

    this_month = timezone.localdate().replace(day=1)
    return add_months(this_month, -3), add_months(this_month, -1)


def measure(label: str, call, runs: int) -> tuple[dict, list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up
    latencies, sql_ms, queries = [], [], 0
    started = time.perf_counter()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            call()
            latencies.append((time.perf_counter() - t0) * 1000)
        queries = len(captured.captured_queries)
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
    result = summary(label, latencies, time.perf_counter() - started)
    result["queries"] = queries
    result["sql_ms_p50"] = round(sorted(sql_ms)[len(sql_ms) // 2], 1)
    print(f"    {queries} queries, SQL {result['sql_ms_p50']} ms of it (p50)")
    return result, latencies


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    database_ensure(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client as DjangoClient
    from rest_framework.authtoken.models import Token

    from bench.bookings_province import dataset
    from bench.occupancy import capacity_ensure
    from bookings.models import Booking
    from bookings.zone import zone_data, zone_figures
    from bookings.zone.figures import month_bounds

    settings.DEBUG = False
    dataset(False)
    capacity_ensure()
    zone, user = zone_ensure()
    first, last = window()
    start, end = month_bounds(first, last)
    in_zone = Booking.objects.filter(set__base__zone=zone)
    sets = zone.bases.values("sets").count()
    bookings = in_zone.filter(starts_at__lt=end, ends_at__gt=start).count()
    total = Booking.objects.count()
    print(
        f"dataset: {total:,} bookings; zone {zone.name}: {zone.bases.count()} bases, {sets} sets, "
        f"{zone.places.count()} places; {bookings:,} bookings in {first:%Y-%m} – {last:%Y-%m}"
    )
    calibration = cpu_calibration()
    print(f"CPU calibration: 10M Python loop steps in {calibration} s (load {os.getloadavg()[0]:.2f})")

    results = {
        "bookings": total,
        "zone": zone.name,
        "sets": sets,
        "bookings_in_window": bookings,
        "window": [f"{first:%Y-%m}", f"{last:%Y-%m}"],
        "cpu_calibration_s": calibration,
    }
    results["figures"], _latencies = measure(
        "zone_figures + zone_data in-process",
        lambda: zone_data(zone_figures(zone=zone, first=first, last=last)),
        args.runs,
    )
    token = Token.objects.get_or_create(user=user)[0].key
    client = DjangoClient(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    path = f"/api/v1/zones/{zone.pk}/stats/?from={first:%Y-%m}&to={last:%Y-%m}"

    def request():
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]

    results["api"], _latencies = measure("GET /zones/{id}/stats/ (test client)", request, args.runs)
    connection.close()
    results_write("zone", results)


if __name__ == "__main__":
    main()
