"""Issue 16's hot paths as ratios to a floor measured in the same run (not in the test suite).

    createdb -h 127.0.0.1 -U postgres -T bench_sc_book bench_sc_mine     # a copy of the province dataset
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sc_mine REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/hot_paths.py

One command, one run, 4–7 minutes on 2 shared cores:

1. the database is migrated (``migrate --noinput``) and the dataset of ``bench/bookings_province.py``
   built if missing (50 bases, 5,000 sets, 1,000,000 bookings); bookings of earlier runs are deleted;
2. **the floor** (``bench/floor.py``), served by gunicorn exactly like the product (6 sync workers,
   keep-alive clients): the ``drf`` app — this project's settings, middleware, authentication (token
   + acting organisation), permissions, throttles, parser and renderer, answering a POST with one
   ``INSERT`` — is the floor of every ratio; ``bare`` (a WSGI function and psycopg) runs beside it for
   context, and ``--floors drf,bare,drf_minimal`` adds DRF with its own token authentication only.
   Each: 8 clients POSTing back to back (closed loop), then one client's GETs;
3. **the product** (``config.wsgi``, same gunicorn): (a) search with its raw SQL replayed, (b) circle
   plan with 4 items, (c) create with 8 clients in a closed loop, (d) 200 concurrent requests for one slot
   — the scenarios of ``bench/bookings_province.py``.

CPU per request is read from ``/proc`` (utime + stime) for gunicorn's processes and for the PostgreSQL
backends connected to the bench database, before and after each phase (``harness.CpuMeter``); the
benchmark's own clients, PostgreSQL's background processes and Redis are not counted. Prints the issue's
table (measure | value | target | met?) with the floor's figures and the CPU calibration beside it, and
writes everything as JSON to ``var/bench/hot_paths.json``.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bookings_province import (  # noqa: E402 - sets the environment first
    ROOT,
    create_body,
    prepare,
    scenario_circle,
    scenario_race,
    scenario_search,
)
from bench.floor import APPS, floor_measure, floor_start, floor_table  # noqa: E402
from bench.harness import (  # noqa: E402
    Client,
    CpuMeter,
    cpu_calibration,
    gunicorn_start,
    gunicorn_stop,
    load_closed,
)

CREATE_PATH = "/api/v1/bookings/"
CREATE_CPU = "create: total CPU (Django + PostgreSQL) per request ÷ floor POST's"
CREATE_RATE = "create: closed-loop throughput, 8 clients ÷ floor POST's"
SEARCH_RAW = "search p50 ÷ its raw SQL p50"
SEARCH_CPU = "search: total CPU per request ÷ floor GET's"
CIRCLE = "circle plan (4 items) p50 ÷ search p50"


def serve_floor(name: str, port: int, people, dsn: str, per_client: int) -> dict:
    process = floor_start(name, port)
    meter = CpuMeter(dsn, process)
    try:
        body = lambda index, n: {"warm": index}  # noqa: E731
        load_closed(port, people, APPS[name], body, per_client=5, label=f"{name}, warm-up")
        return floor_measure(name, port, people, per_client=per_client, paced=False, meter=meter)
    finally:
        meter.close()
        gunicorn_stop(process)


def serve_product(port: int, people, dsn: str, args) -> dict:
    from locations.models import Set

    set_ids = list(Set.objects.order_by("id").values_list("id", flat=True))
    rng = random.Random(7)
    searcher, clients = people[0], people[:8]  # the race takes all (9)
    process = gunicorn_start(port, 6, 1)
    meter = CpuMeter(dsn, process)
    try:
        warm = Client(port, searcher[2], searcher[0].pk)
        for _ in range(20):
            warm.request("GET", "/api/v1/sets/?kind=villa")
        # Every worker creates a few bookings (day +3) before the measured ones (day +1).
        warm_body = create_body(clients, set_ids, 3)
        load_closed(port, clients, CREATE_PATH, warm_body, per_client=5, label="create, warm-up")
        results = {"search": scenario_search(port, searcher, args.searches, rng, meter)}
        results["circle_plan"] = scenario_circle(port, searcher, args.plans, rng)
        before = meter.snapshot()
        create = load_closed(
            port, clients, CREATE_PATH, create_body(clients, set_ids, 1), per_client=args.creates_per_client,
            label=f"(c) create via API, {len(clients)} clients",
        )  # fmt: skip
        create["cpu"] = meter.per_request(before, args.creates_per_client * len(clients))
        results["create"] = create
        results["race"] = scenario_race(port, people, args.race)
        return results
    finally:
        meter.close()
        gunicorn_stop(process)


def ratio_rows(results: dict) -> list[dict]:
    """The issue's table: measure, value (with what it divides), target, met."""
    floor = results["floor"]["drf"]
    product = results["product"]
    search, create, race = product["search"], product["create"], product["race"]
    create_cpu, floor_cpu = create["cpu"]["total_ms"], floor["closed_8"]["cpu"]["total_ms"]
    create_tp, floor_tp = create["throughput_per_s"], floor["closed_8"]["throughput_per_s"]
    # A create or floor POST that failed costs less than one that worked: such a run measures nothing.
    failed = {
        label: statuses
        for label, statuses in (("create", create["statuses"]), ("floor", floor["closed_8"]["statuses"]))
        if set(statuses) != {201}
    }
    search_p50, raw_p50 = search["api"]["p50_ms"], search["raw"]["p50_ms"]
    search_cpu, get_cpu = search["api"]["cpu"]["total_ms"], floor["get_1"]["cpu"]["total_ms"]
    circle_p50 = product["circle_plan"]["p50_ms"]
    statuses = race["statuses"]
    winners = statuses.get(201, 0)
    one = winners == 1 and race["bookings_made"] == 1 and race["overlapping_pairs"] == 0
    one = one and not any(status >= 500 for status in statuses)
    rows = [
        (CREATE_CPU, create_cpu / floor_cpu, f"{create_cpu:.1f} ÷ {floor_cpu:.1f} ms", "≤ 3×", 3),
        (CREATE_RATE, create_tp / floor_tp, f"{create_tp:.1f}/s ÷ {floor_tp:.1f}/s", "≥ 40 %", -0.40),
        (SEARCH_RAW, search_p50 / raw_p50, f"{search_p50:.1f} ÷ {raw_p50:.2f} ms", "≤ 4× (stretch 3×)", 4),
        (SEARCH_CPU, search_cpu / get_cpu, f"{search_cpu:.1f} ÷ {get_cpu:.1f} ms", "report it", None),
        (CIRCLE, circle_p50 / search_p50, f"{circle_p50:.0f} ÷ {search_p50:.1f} ms", "≤ 3× (keep)", 3),
    ]
    if failed:
        print(f"WARNING: POSTs that did not create: {failed}")
        rows = [(m, v, f"{of}; NOT ALL 201: {failed}", t, limit) for m, v, of, t, limit in rows]
    # A negative limit is a lower bound.
    table = [
        {
            "measure": measure,
            "ratio": round(value, 3),
            "of": of,
            "target": target,
            "met": None if limit is None else (value >= -limit if limit < 0 else value <= limit),
        }
        for measure, value, of, target, limit in rows
    ]
    table.append(
        {
            "measure": f"race for one slot ({race['n']} concurrent requests)",
            "ratio": winners,
            "of": f"statuses {dict(sorted(statuses.items()))}, {race['overlapping_pairs']} overlapping pairs",
            "target": "exactly one (keep)",
            "met": one,
        }
    )
    return table


def shown(row: dict) -> str:
    ratio = row["ratio"]
    if row["measure"] == CREATE_RATE:
        value = f"{ratio:.0%}"
    elif row["measure"].startswith("race"):
        value = f"{ratio} winner" + ("s" if ratio != 1 else "")
    else:
        value = f"{ratio:.2f}×"
    return f"**{value}** ({row['of']})"


def report(results: dict) -> str:
    met = {True: "yes", False: "**no**", None: "—"}
    lines = ["| measure | value | target | met? |", "|---|---|---|---|"]
    lines += [f"| {r['measure']} | {shown(r)} | {r['target']} | {met[r['met']]} |" for r in results["table"]]
    lines += [
        "",
        "| floor app (one INSERT per POST) | POST, 8 clients, closed loop | CPU per POST | GET p50, 1 client "
        "| CPU per GET |",
        "|---|---|---|---|---|",
    ]
    for name, floor in results["floor"].items():
        post, get = floor["closed_8"], floor["get_1"]
        lines.append(
            f"| {name} | {post['throughput_per_s']:.0f}/s, p50 {post['p50_ms']:.1f} ms | {cpu(post['cpu'])} "
            f"| {get['p50_ms']:.2f} ms | {cpu(get['cpu'])} |"
        )
    product = results["product"]
    lines += ["", "| product | latency | throughput | CPU per request |", "|---|---|---|---|"]
    for label, key in (("(a) search, 1 client", "search"), ("(c) create, 8 clients", "create")):
        data = product[key]["api"] if key == "search" else product[key]
        lines.append(
            f"| {label} | p50 {data['p50_ms']:.1f} / p95 {data['p95_ms']:.1f} ms | "
            f"{data['throughput_per_s']:.0f}/s | {cpu(data['cpu'])} |"
        )
    raw, circle = product["search"]["raw"], product["circle_plan"]
    lines.append(
        f"| (a) search's SQL raw (psycopg) | p50 {raw['p50_ms']:.2f} / p95 {raw['p95_ms']:.2f} ms | | |"
    )
    lines.append(
        f"| (b) circle plan, 4 items | p50 {circle['p50_ms']:.0f} / p95 {circle['p95_ms']:.0f} ms | | |"
    )
    calibration = results["cpu_calibration_s"]
    lines += [
        "",
        f"CPU calibration (10M Python loop steps): {calibration['before']} s before, "
        f"{calibration['after']} s after; load average {results['uptime_before']} before, "
        f"{results['uptime_after']} after.",
    ]
    return "\n".join(lines)


def cpu(data: dict) -> str:
    return f"{data['total_ms']:.2f} ms ({data['django_ms']:.2f} app + {data['postgres_ms']:.2f} PG)"


def uptime() -> str:
    out = subprocess.run(["uptime"], capture_output=True, text=True).stdout
    return out.split("load average:")[-1].strip()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--floors",
        default="drf,bare",
        help="floor apps, comma-separated (drf, the ratios' floor, always runs)",
    )
    parser.add_argument("--floor-per-client", type=int, default=125, help="floor POSTs per client (of 8)")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--plans", type=int, default=60)
    parser.add_argument("--creates-per-client", type=int, default=75, help="creates per client (8 clients)")
    parser.add_argument("--race", type=int, default=200)
    args = parser.parse_args()
    floors = ["drf"] + [name for name in args.floors.split(",") if name and name != "drf"]
    unknown = set(floors) - set(APPS)
    if unknown:
        parser.error(f"unknown floor apps: {', '.join(sorted(unknown))}")

    started = time.monotonic()
    dsn = os.environ["DATABASE_URL"]
    bases, sets, total, people = prepare()
    floor_table(dsn)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),  # fmt: skip
        "dataset": {"bases": bases, "sets": sets, "bookings": total},
        "gunicorn": {"workers": 6, "threads": 1, "class": "sync"},
        "uptime_before": uptime(),
        "cpu_calibration_s": {"before": cpu_calibration()},
    }
    print(f"CPU calibration: {results['cpu_calibration_s']['before']} s; load {results['uptime_before']}")
    results["floor"] = {
        name: serve_floor(name, args.port, people[:8], dsn, args.floor_per_client) for name in floors
    }
    results["product"] = serve_product(args.port, people, dsn, args)
    results["cpu_calibration_s"]["after"] = cpu_calibration()
    results["uptime_after"] = uptime()
    results["table"] = ratio_rows(results)
    results["seconds"] = round(time.monotonic() - started)
    print(f"\nHot paths as ratios, commit {results['commit']}, {results['date']} ({results['seconds']} s):\n")
    print(report(results))
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "hot_paths.json").write_text(json.dumps(results, indent=2, default=str, ensure_ascii=False))
    print(f"\nresults written to {out / 'hot_paths.json'}")


if __name__ == "__main__":
    main()
