"""The availability search and the circle plan in process: CPU per request against the same SQL raw.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sc_search \\
    REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/profile_search.py
    # options: --searches 300 --plans 60 --profile [--profile-out FILE] [--profile-plans] --bodies FILE

On a copy of the province dataset of ``bench/bookings_province.py`` (never built here: copy it with
``createdb -T bench_sc_book``), with ``DEBUG=0`` and persistent connections, in this one process:

1. ``--searches`` searches of scenario (a) of ``bench/bookings_province.py`` (kind + a 6-hour window
   1–30 days ahead + ``near_place`` + ``within_minutes=15``; the same random cases, seed 7) called
   through the WSGI handler (middleware, token authentication, throttles: all of the request but the
   HTTP server), each timed by the wall clock and by ``time.process_time`` (this process's CPU);
2. the statements each search ran (all but the token look-up, captured with their parameters bound)
   replayed through a bare psycopg connection in the same run: wall and client CPU;
3. ``--plans`` circle plans (4 consecutive 2-hour items of different kinds), as scenario (b).

PostgreSQL's CPU is read from ``/proc`` for the backend of each connection (the server must run on
this machine), so that the CPU ratio does not move with the machine's load as the wall-clock one does.
Prints p50s and the ratios the issue asks for (search ÷ raw SQL, circle plan ÷ search); ``--profile``
adds a cProfile of the searches (top functions by own time and by cumulative time).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_sc_search"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("THROTTLE_USER", "10000000/min")
os.environ.update(
    DEBUG="0", SECRET_KEY="bench-secret-key-not-for-production", SECURE_SSL_REDIRECT="0", CONN_MAX_AGE="600"
)
os.environ.setdefault("LOG_LEVEL", "ERROR")

from bench.harness import actors, cpu_calibration  # noqa: E402 - after the environment above


def wsgi_call(app, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, bytes]:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **headers,
    }
    status = []
    chunks = app(environ, lambda line, _headers, *args: status.append(int(line[:3])))
    data = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return status[0], data


def backend_cpu_ms(pid: int) -> float:
    """CPU time (user + system) a PostgreSQL backend has used, in milliseconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def timed(app, method, paths_or_bodies, headers, path=None):
    walls, cpus, bodies = [], [], []
    for item in paths_or_bodies:
        body = json.dumps(item).encode() if path else b""
        c0, w0 = time.process_time(), time.perf_counter()
        status, data = wsgi_call(app, method, path or item, headers, body)
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
        assert status in (200, 400) if path else status == 200, data[:300]
        bodies.append(data)
    return walls, cpus, bodies


def line(label: str, walls: list[float], cpus: list[float] | None = None) -> None:
    cpu = f"  CPU p50 {statistics.median(cpus):6.2f} ms" if cpus else ""
    print(f"  {label:<40} wall p50 {statistics.median(walls):6.2f} ms{cpu}  (n={len(walls)})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--plans", type=int, default=60)
    parser.add_argument("--profile", action="store_true", help="cProfile the searches (slower)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--profile-out", help="with --profile: also write the pstats data to this file")
    parser.add_argument("--profile-plans", action="store_true", help="with --profile: the plans instead")
    parser.add_argument(
        "--bodies",
        help="a JSON file: written with the searches' and plans' responses if missing, else compared",
    )
    args = parser.parse_args()

    import django

    django.setup()
    import psycopg
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from locations.models import Place, Set

    app = get_wsgi_application()
    company, _production, token = actors(1)[0]
    headers = {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_X_ORGANIZATION": str(company.pk)}
    place = Place.objects.filter(zone__name="平原示范区拍摄服务圈").order_by("id").first()
    rng = random.Random(7)

    def local_day(days: int):
        return (timezone.localtime() + timedelta(days=days)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )

    kinds = list(Set.Kind.values)
    paths = []
    for _ in range(args.searches):
        start = local_day(rng.randint(1, 30)).replace(hour=rng.choice([7, 8, 9, 12, 14]))
        query = {
            "kind": rng.choice(kinds),
            "available_from": start.isoformat(),
            "available_to": (start + timedelta(hours=6)).isoformat(),
            "near_place": place.pk,
            "within_minutes": 15,
        }
        paths.append("/api/v1/sets/?" + urlencode(query))
    plan_kinds = [
        "ceo_office",
        "hospital_ward",
        "bar",
        "villa",
        "restaurant",
        "apartment",
        "open_office",
        "court",
    ]
    plans = []
    for _ in range(args.plans):
        day = local_day(rng.randint(1, 30))
        items = [
            {
                "kind": kind,
                "from": (day + timedelta(hours=8 + 3 * i)).isoformat(),
                "to": (day + timedelta(hours=10 + 3 * i)).isoformat(),
            }
            for i, kind in enumerate(rng.sample(plan_kinds, 4))
        ]
        plans.append({"origin": {"place": place.pk}, "items": items, "within_minutes": 15})

    print(f"CPU calibration: 10M Python loop steps in {cpu_calibration()} s (load {os.getloadavg()[0]:.2f})")
    timed(app, "GET", paths[:20], headers)  # warm: connection, caches, first compilations
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    before = backend_cpu_ms(backend)
    walls, cpus, bodies = timed(app, "GET", paths, headers)
    api_pg = (backend_cpu_ms(backend) - before) / len(paths)
    found = [json.loads(body)["count"] for body in bodies]
    line("(a) search, in process", walls, cpus)

    statements = []
    for path in paths:
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            assert wsgi_call(app, "GET", path, headers)[0] == 200
        statements.append(
            [
                q["sql"]
                for q in captured.captured_queries
                if '"authtoken_token"' not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
            ]
        )
    raw_walls, raw_cpus = [], []
    with psycopg.connect(os.environ["DATABASE_URL"]) as raw:
        for sqls in statements[:20]:
            for sql in sqls:
                raw.execute(sql.replace("%", "%%")).fetchall()
        raw.commit()
        raw_backend = raw.info.backend_pid
        before = backend_cpu_ms(raw_backend)
        for sqls in statements:
            c0, w0 = time.process_time(), time.perf_counter()
            for sql in sqls:
                raw.execute(sql.replace("%", "%%")).fetchall()
            raw.commit()
            raw_walls.append((time.perf_counter() - w0) * 1000)
            raw_cpus.append((time.process_time() - c0) * 1000)
        raw_pg = (backend_cpu_ms(raw_backend) - before) / len(statements)
    line("(a) same SQL raw (psycopg)", raw_walls, raw_cpus)
    search_p50 = statistics.median(walls)
    api_total, raw_total = statistics.mean(cpus) + api_pg, statistics.mean(raw_cpus) + raw_pg
    print(
        f"  CPU per search (mean): Django {statistics.mean(cpus):.2f} + PostgreSQL {api_pg:.2f} ms; "
        f"raw: client {statistics.mean(raw_cpus):.2f} + PostgreSQL {raw_pg:.2f} ms; "
        f"total ÷ raw total {api_total / raw_total:.2f}x"
    )
    print(
        f"  search ÷ raw SQL (wall p50): {search_p50 / statistics.median(raw_walls):.2f}x; "
        f"CPU beyond the raw client's: {statistics.median(cpus) - statistics.median(raw_cpus):.2f} ms; "
        f"statements per search {statistics.median(len(s) for s in statements):.0f}; "
        f"sets found: median {statistics.median(found):.0f}"
    )

    _bodies = []
    if args.plans:
        timed(app, "POST", plans[:5], headers, path="/api/v1/circle-plans/")
        plan_walls, plan_cpus, _bodies = timed(app, "POST", plans, headers, path="/api/v1/circle-plans/")
        line("(b) circle plan, 4 items", plan_walls, plan_cpus)
        print(f"  circle plan ÷ search (wall p50): {statistics.median(plan_walls) / search_p50:.2f}x")

    if args.bodies:
        answers = [body.decode() for body in bodies] + [body.decode() for body in _bodies]
        stored = Path(args.bodies)
        if not stored.exists():
            stored.write_text(json.dumps(answers, ensure_ascii=False))
            print(f"  {len(answers)} responses written to {stored}")
        else:
            expected = json.loads(stored.read_text())
            same = sum(1 for got, want in zip(answers, expected, strict=True) if got == want)
            print(f"  responses byte-identical to {stored}: {same} of {len(expected)}")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        if args.profile_plans:
            timed(app, "POST", plans, headers, path="/api/v1/circle-plans/")
        else:
            timed(app, "GET", paths, headers)
        profiler.disable()
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
