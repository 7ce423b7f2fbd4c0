"""CPU per booking create, in process, against the floor's one-INSERT request measured in the same run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sc_create \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/profile_create.py [--n 300] [--rounds 3] [--sql] [--cprofile 30]

Both requests go through Django's WSGI handler in this process (``DEBUG=0``, the project's settings and
middleware, one persistent connection): ``POST /api/v1/bookings/`` on an instant-book window like
scenario (c) of ``bench/bookings_province.py`` (22:00–00:00, one booking per set and day), and the
``drf`` floor of ``bench/floor.py`` (``POST /api/floor/``: the API's authentication, acting
organisation, permissions, throttles, parser and renderer, one ``INSERT``). Rounds alternate floor and
create so that the machine's drift cancels. Django's CPU is this process's ``time.process_time()``;
PostgreSQL's is the backend's utime + stime from ``/proc/<pid>/stat`` (the server on this machine).
Every booking, event, audience row and delivery the run made is deleted at the end.

``--cprofile K`` profiles the creates of the last round and prints the K costliest functions
(cumulative), and the share of CPU spent building and compiling SQL.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_sc_create"
FLOOR_TABLE = "bench_floor"

if __name__ != "__main__":
    # Imported as this run's URLconf: the API and the floor side by side.
    from bench.floor_urls import FloorView
    from bench.floor_urls import urlpatterns as _floor
    from config.urls import urlpatterns as _api
    from studio.policy import Policy

    if getattr(FloorView, "policy", None) is None:  # the floor as committed predates named policies
        FloorView.policy = Policy("floor")

    urlpatterns = _floor + _api


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Wsgi:
    """Requests straight into Django's WSGI handler, with a token and an acting organisation."""

    def __init__(self, token: str, organization: int):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.headers = {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_X_ORGANIZATION": str(organization)}

    def post(self, path: str, body: dict) -> tuple[str, bytes]:
        payload = json.dumps(body).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(payload)),
            "wsgi.input": io.BytesIO(payload),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            **self.headers,
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = status

        response = self.handler(environ, start_response)
        try:
            content = b"".join(response)
        finally:
            response.close()
        return answer["status"], content


def measure(client, path: str, bodies, backend_pid: int, profile=None) -> tuple[float, float]:
    """(Django ms, PostgreSQL ms) of CPU per request over ``bodies``."""
    started_pg, started = backend_cpu_seconds(backend_pid), time.process_time()
    if profile is not None:
        profile.enable()
    for body in bodies:
        status, content = client.post(path, body)
        assert status.startswith("201"), (status, content[:300])
    if profile is not None:
        profile.disable()
    django_s = time.process_time() - started
    pg_s = backend_cpu_seconds(backend_pid) - started_pg
    return django_s * 1000 / len(bodies), pg_s * 1000 / len(bodies)


def sql_share(stats: pstats.Stats) -> float:
    """Share of the profiled time spent in Django's SQL compiler (building and compiling statements)."""
    total = max(row[3] for row in stats.stats.values())  # the outermost cumulative time
    compiler = sum(
        row[3]
        for (filename, _line, name), row in stats.stats.items()
        if filename.endswith("django/db/models/sql/compiler.py") and name in {"as_sql", "pre_sql_setup"}
    )
    return compiler / total if total else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="requests of each kind a round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cprofile", type=int, default=0, metavar="K")
    parser.add_argument("--sql", action="store_true", help="print the statements of one create first")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    os.environ.update(DEBUG="0", SECRET_KEY="bench-secret-key-not-for-production", CONN_MAX_AGE="600")
    os.environ.update(SECURE_SSL_REDIRECT="0", LOG_LEVEL="ERROR", THROTTLE_USER="10000000/min")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.profile_create"
    settings.ALLOWED_HOSTS = ["*"]
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone

    from bench.harness import actors, cpu_calibration
    from bookings.models import Booking
    from locations.models import Set
    from notifications.models import Delivery, Event, EventAudience

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id bigserial PRIMARY KEY, payload jsonb)")
        cursor.execute(f"TRUNCATE {FLOOR_TABLE}")
    company, production, token = actors(1)[0]
    set_ids = list(
        Set.objects.filter(Q(instant_book=True) | Q(instant_book=None, base__instant_book_default=True))
        .filter(is_active=True, base__is_active=True, base__requires_preliminary_review=False)
        .order_by("id")
        .values_list("id", flat=True)
    )
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    marks = {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
             for model in (Booking, Event, EventAudience, Delivery)}  # fmt: skip
    client = Wsgi(token, company.pk)
    client.post("/api/floor/", {"warm": 1})  # opens the connection, imports everything
    backend_pid = connection.cursor().connection.info.backend_pid
    print(f"CPU calibration: 10M Python loop steps in {cpu_calibration()} s; sets {len(set_ids)}")

    def bodies(round_: int):
        out = []
        for i in range(args.n):
            start = (today + timedelta(days=60 + round_)).replace(hour=22)
            out.append({
                "set": set_ids[i % len(set_ids)],
                "production": production.pk,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
            })  # fmt: skip
        return out

    rows = []
    profile = None
    try:
        measure(client, "/api/v1/bookings/", bodies(0)[:20], backend_pid)  # warm-up
        if args.sql:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                client.post("/api/v1/bookings/", {**bodies(0)[0], "set": set_ids[-1]})
            for query in captured.captured_queries:
                print(f"  {query['sql'][:240]}")
            print(f"{len(captured.captured_queries)} statements")
        for round_ in range(1, args.rounds + 1):
            floor = measure(client, "/api/floor/", [{"n": i} for i in range(args.n)], backend_pid)
            if args.cprofile and round_ == args.rounds:
                profile = cProfile.Profile(time.process_time)  # CPU, not waits for the database
            create = measure(client, "/api/v1/bookings/", bodies(round_), backend_pid, profile)
            ratio = sum(create) / sum(floor)
            rows.append((floor, create, ratio))
            print(
                f"round {round_}: floor {floor[0]:5.2f} + {floor[1]:4.2f} ms   "
                f"create {create[0]:5.2f} + {create[1]:4.2f} ms   ratio {ratio:4.2f}x"
            )
    finally:
        with connection.cursor() as cursor:  # raw: events are append-only for the application
            for model in (Delivery, EventAudience, Event, Booking):
                cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE id > %s", [marks[model]])
    mean = [sum(values) / len(values) for values in zip(*[(*f, *c) for f, c, _r in rows], strict=True)]
    floor_ms, create_ms = mean[0] + mean[1], mean[2] + mean[3]
    print(
        f"mean: floor {mean[0]:.2f} + {mean[1]:.2f} = {floor_ms:.2f} ms; create {mean[2]:.2f} + "
        f"{mean[3]:.2f} = {create_ms:.2f} ms; create / floor = {create_ms / floor_ms:.2f}x"
    )
    if profile is not None:
        profile.dump_stats(ROOT / "var" / "profile_create.prof")
        stats = pstats.Stats(profile)
        print(f"SQL building and compiling: {sql_share(stats):.0%} of the profiled create time")
        stats.sort_stats("cumulative").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
