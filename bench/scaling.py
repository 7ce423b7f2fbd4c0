"""The bookings table past one province: what the exclusion constraint costs as the table grows, and
partitioned (the measurements behind ``docs/scaling.md``; not in the test suite).

    .venv/bin/python bench/scaling.py            # --sizes 1000000,3000000 --history 10000000 --inserts 1500

Works in a scratch database, ``bench_sc_scaling`` on the server of ``BENCH_DATABASE_URL`` (or
``SCALING_DATABASE_URL``), dropped at the end unless ``--keep``. Tables shaped like ``bookings_booking``
where the constraint and the insert path are concerned (set, zone, company, status, times, the blocked
window; the product's exclusion constraint and its three btree indexes on those columns), 10,000 sets in
20 zones (the national figure of ``docs/scaling.md``), one booking per set and day, 07:30–20:30 blocked,
every row ``confirmed`` — the worst case for the constraint, whose partial index holds only blocking
bookings:

* ``single_<size>``: one table, one row per set and day for ``size / 10,000`` days, for each size;
* ``zone_<size>``: the largest size, ``PARTITION BY LIST (zone_id)``, 20 partitions;
* ``hash_<size>``: the largest size, ``PARTITION BY HASH (set_id)``, 8 partitions;
  PostgreSQL 15 refuses an exclusion constraint on a partitioned table (17 accepts one that compares
  the partition key with ``=``), so each partition carries its own (the refusal is recorded).

Then, in interleaved rounds so that the machine's drift falls on every table alike, one connection
per table: single-row ``INSERT``s of new bookings (each its own transaction; 22:00–23:30 on a random
set, within the last 15 generated days, as bookings are made 1–15 days ahead), and the product's
overlap check (``set_id = … AND blocked_from < … AND blocked_until > …``). Latency from the client, CPU
from ``/proc`` for the connection's PostgreSQL backend. Last, two checks: an overlapping insert fails on
every table, and a table partitioned by time with a constraint on each partition lets an overlap
across the partition boundary through. Results: ``var/bench/scaling.json``.

``--redis-only`` measures instead what the throttles ask of Redis: 20,000 pipelined ``INCR`` + ``EXPIRE``
round trips (as ``config/throttling.py``) from 4 connections to ``REDIS_URL``, with the Redis server's CPU
per round trip (``var/bench/scaling_redis.json``).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import database_ensure, percentile, proc_stat, results_write  # noqa: E402

SETS, ZONES, HASHES = 10_000, 20, 8
BLOCKING = "status IN ('held', 'confirmed', 'checked_in')"
EXCLUDE = (
    "EXCLUDE USING gist (set_id WITH =, tstzrange(blocked_from, blocked_until, '[)') WITH &&) "
    f"WHERE ({BLOCKING})"
)
COLUMNS = """id bigserial, zone_id smallint NOT NULL, set_id bigint NOT NULL, company_id bigint NOT NULL,
    status varchar(16) NOT NULL, starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL,
    blocked_from timestamptz NOT NULL, blocked_until timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), note text NOT NULL DEFAULT ''"""
DAY0 = "timestamptz '2027-01-01 00:00+08'"
DAY0_AT = datetime(2027, 1, 1, tzinfo=timezone(timedelta(hours=8)))
GENERATE = f"""
INSERT INTO {{table}} (zone_id, set_id, company_id, status, starts_at, ends_at, blocked_from, blocked_until)
SELECT (s - 1) / {SETS // ZONES}, s, 1 + (s * 7919 + d) % 20000,
       CASE WHEN d >= {{blocking_from}} THEN 'confirmed' ELSE 'completed' END,
       {DAY0} + make_interval(days => d, hours => 8), {DAY0} + make_interval(days => d, hours => 20),
       {DAY0} + make_interval(days => d, hours => 7, mins => 30),
       {DAY0} + make_interval(days => d, hours => 20, mins => 30)
FROM generate_series(0, {{days}} - 1) d CROSS JOIN generate_series(1, {SETS}) s
"""
INSERT = """INSERT INTO {table} (zone_id, set_id, company_id, status, starts_at, ends_at, blocked_from,
    blocked_until) VALUES (%s, %s, 1, 'confirmed', %s, %s, %s, %s)"""
OVERLAP = f"""SELECT id FROM {{table}} WHERE {{zone}}set_id = %s AND {BLOCKING}
    AND blocked_from < %s AND blocked_until > %s LIMIT 1"""


def timed(conn, label: str, sql: str) -> float:
    started = time.monotonic()
    conn.execute(sql)
    seconds = round(time.monotonic() - started, 1)
    print(f"  {label}: {seconds} s")
    return seconds


def indexes(conn, table: str, partitions: list[str]) -> float:
    """The product's btree indexes (on the parent, so on every partition) and the exclusion constraint
    on the table, or on each partition when there are partitions."""
    seconds = 0.0
    for columns in ("set_id, blocked_from", "company_id, starts_at", "status, starts_at"):
        seconds += timed(conn, f"{table}: index ({columns})", f"CREATE INDEX ON {table} ({columns})")
    for target in partitions or [table]:
        started = time.monotonic()
        conn.execute(f"ALTER TABLE {target} ADD CONSTRAINT {target}_no_overlap {EXCLUDE}")
        seconds += time.monotonic() - started
    print(
        f"  {table}: indexes and the exclusion constraint on {len(partitions) or 1} table(s): {seconds:.1f} s"
    )
    conn.execute(f"VACUUM ANALYZE {table}")
    return round(seconds, 1)


def build(conn, sizes: list[int], history: int, partitioned: list[str]) -> dict:
    import psycopg

    conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    conn.execute("SET maintenance_work_mem = '256MB'")
    built = {}
    # Every row blocking in the single tables; in the history table only the last min(sizes) rows are.
    tables = [(f"single_{size // 1000}k", size, 0) for size in sizes]
    if history:
        tables.append((f"history_{history // 1000}k", history, (history - min(sizes)) // SETS))
    for table, size, blocking_from in tables:
        days = size // SETS
        conn.execute(f"CREATE TABLE {table} ({COLUMNS}, PRIMARY KEY (id))")
        sql = GENERATE.format(table=table, days=days, blocking_from=blocking_from)
        load = timed(conn, f"{table}: {size:,} rows", sql)
        built[table] = {
            "rows": size,
            "blocking_rows": (days - blocking_from) * SETS,
            "days": days,
            "partitions": 0,
            "load_s": load,
            "index_s": indexes(conn, table, []),
        }
    largest, days = max(sizes), max(sizes) // SETS
    source = f"single_{largest // 1000}k"
    refusal = None
    kinds = {"zone": ("LIST (zone_id)", ZONES, "zone_id"), "hash": ("HASH (set_id)", HASHES, "set_id")}
    for kind in partitioned:
        by, count, key = kinds[kind]
        table = f"{kind}_{largest // 1000}k"
        conn.execute(f"CREATE TABLE {table} ({COLUMNS}, PRIMARY KEY ({key}, id)) PARTITION BY {by}")
        partitions = [f"{table}_p{n}" for n in range(count)]
        for n, name in enumerate(partitions):
            bound = f"IN ({n})" if kind == "zone" else f"WITH (MODULUS {count}, REMAINDER {n})"
            conn.execute(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES {bound}")
        if refusal is None:
            try:
                with conn.transaction():
                    conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_no_overlap {EXCLUDE}")
                refusal = "accepted on the partitioned table"
            except psycopg.Error as error:
                refusal = str(error).strip().splitlines()[0]
            print(f"  exclusion constraint on the partitioned table itself: {refusal}")
        load = timed(conn, f"{table}: {largest:,} rows copied", f"INSERT INTO {table} SELECT * FROM {source}")
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        built[table] = {
            "rows": largest, "blocking_rows": largest, "days": days, "partitions": count, "load_s": load,
            "index_s": indexes(conn, table, partitions),
        }  # fmt: skip
    built["_parent_constraint"] = refusal
    for table in list(built):
        if not table.startswith("_"):
            built[table]["total_mb"] = round(
                conn.execute(
                    "SELECT coalesce(sum(pg_total_relation_size(relid)), pg_total_relation_size(%s)) "
                    "FROM pg_partition_tree(%s)",
                    [table, table],
                ).fetchone()[0]
                / 2**20
            )
    return built


def backend_cpu(conn) -> float:
    return proc_stat(conn.info.backend_pid)[1]


def zone_of(set_id: int) -> int:
    return (set_id - 1) // (SETS // ZONES)


def series(built: dict, count: int, rng: random.Random) -> dict[tuple[str, str], list]:
    """``(table, what)`` → ``count`` statements with their parameters: new bookings (each (set, day) once,
    in the last 15 generated days), overlap checks on random sets and days there, and on the
    zone-partitioned table the same checks naming the set's zone."""
    found = {}
    for table, spec in built.items():
        if table.startswith("_"):
            continue
        days = spec["days"]
        chosen = rng.sample(range(SETS * 15), count)
        found[table, "insert"] = [
            (
                INSERT.format(table=table),
                [zone_of(s), s, at(d, 22), at(d, 23, 30), at(d, 21, 45), at(d, 23, 45)],
            )
            for s, d in ((1 + n % SETS, days - 1 - n // SETS) for n in chosen)
        ]
        checks = [(rng.randint(1, SETS), days - 1 - rng.randrange(15)) for _ in range(count)]
        plain = OVERLAP.format(table=table, zone="")
        found[table, "check"] = [(plain, [s, at(d, 12), at(d, 10)]) for s, d in checks]
        if table.startswith("zone_"):
            zoned = OVERLAP.format(table=table, zone="zone_id = %s AND ")
            found[table, "check, zone named"] = [
                (zoned, [zone_of(s), s, at(d, 12), at(d, 10)]) for s, d in checks
            ]
    return found


def measure(dsn: str, built: dict, count: int, rounds: int, rng: random.Random) -> dict:
    """Each series in ``rounds`` slices, the slices of all series interleaved in a shuffled order; each
    table has its own connection (so its own backend), each insert its own transaction."""
    import psycopg

    work = series(built, count, rng)
    conns = {table: psycopg.connect(dsn) for table in {table for table, _what in work}}
    samples = {key: {"ms": [], "commit_ms": [], "cpu_s": 0.0} for key in work}
    size = count // rounds
    for round_ in range(rounds):
        for key in rng.sample(list(work), len(work)):
            conn, sample = conns[key[0]], samples[key]
            before = backend_cpu(conn)
            for sql, params in work[key][round_ * size : (round_ + 1) * size]:
                t0 = time.perf_counter()
                cursor = conn.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
                t1 = time.perf_counter()
                conn.commit()
                sample["ms"].append((t1 - t0) * 1000)
                sample["commit_ms"].append((time.perf_counter() - t1) * 1000)
            sample["cpu_s"] += backend_cpu(conn) - before
    results = {}
    for (table, what), sample in samples.items():
        n = len(sample["ms"])
        sql, params = work[table, what][0]
        plan = conns[table].execute("EXPLAIN (COSTS OFF) " + sql, params).fetchall()
        conns[table].rollback()
        results.setdefault(table, {})[what] = {
            "n": n,
            "p50_ms": round(statistics.median(sample["ms"]), 3),
            "p95_ms": round(percentile(sample["ms"], 0.95), 3),
            "commit_p50_ms": round(statistics.median(sample["commit_ms"]), 3),
            "cpu_ms": round(sample["cpu_s"] * 1000 / n, 3),
            "plan": " / ".join(line.strip() for (line,) in plan)[:400],
        }
    for conn in conns.values():
        conn.close()
    return results


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on generated day ``day`` (day 0 is 1 January 2027, Asia/Shanghai)."""
    return DAY0_AT + timedelta(days=day, hours=hour, minutes=minute)


def checks(conn, built: dict) -> dict:
    """An overlapping booking is refused on every table; a time-partitioned table lets one through."""
    import psycopg

    refused = {}
    for table in (t for t in built if not t.startswith("_")):
        last = built[table]["days"] - 1  # blocking in every table
        try:
            with conn.transaction():
                conn.execute(
                    INSERT.format(table=table), [0, 1, at(last, 9), at(last, 10), at(last, 9), at(last, 10)]
                )
            refused[table] = False
        except psycopg.errors.ExclusionViolation:
            refused[table] = True
    conn.execute(
        f"CREATE TABLE by_month ({COLUMNS}, PRIMARY KEY (starts_at, id)) PARTITION BY RANGE (starts_at)"
    )
    for name, month in (("by_month_jan", 1), ("by_month_feb", 2)):
        conn.execute(
            f"CREATE TABLE {name} PARTITION OF by_month "
            f"FOR VALUES FROM ('2027-0{month}-01+08') TO ('2027-0{month + 1}-01+08')"
        )
    for name in ("by_month_jan", "by_month_feb"):
        conn.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_no_overlap {EXCLUDE}")
    # One set, 31 January 22:00 to 1 February 02:00, and 1 February 00:00 to 03:00: they overlap.
    conn.execute(
        INSERT.format(table="by_month"), [0, 1, at(30, 22, 0), at(31, 2, 0), at(30, 22, 0), at(31, 2, 0)]
    )
    try:
        conn.execute(
            INSERT.format(table="by_month"), [0, 1, at(31, 0, 0), at(31, 3, 0), at(31, 0, 0), at(31, 3, 0)]
        )
        by_month = "the overlapping booking was accepted (each partition checks only its own rows)"
    except psycopg.errors.ExclusionViolation:
        by_month = "refused"
    return {"overlap_refused": refused, "time_partitioned": by_month}


def redis_throttles(url: str, count: int, clients: int = 4) -> dict:
    """``count`` throttle round trips (``INCR`` + ``EXPIRE`` pipelined, as ``config/throttling.py`` does)
    from ``clients`` threads, each its own connection: the rate one Redis serves, its latency, and the
    Redis server's CPU per round trip from ``/proc`` (the whole server: other users' traffic counts)."""
    import redis

    from bench.harness import run_threads

    pid = redis.Redis.from_url(url).info("server")["process_id"]
    latencies: list[float] = []

    def run(index: int) -> None:
        client, mine = redis.Redis.from_url(url), []
        for n in range(count // clients):
            key = f"bench:scaling:throttle:{index}:{n % 100}"
            t0 = time.perf_counter()
            pipe = client.pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, 61)
            pipe.execute()
            mine.append((time.perf_counter() - t0) * 1000)
        latencies.extend(mine)

    before = proc_stat(pid)[1]
    elapsed = run_threads(run, clients)
    cpu = proc_stat(pid)[1] - before
    client = redis.Redis.from_url(url)
    client.delete(*client.keys("bench:scaling:throttle:*"))
    return {
        "round_trips": len(latencies),
        "clients": clients,
        "per_s": round(len(latencies) / elapsed),
        "p50_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(percentile(latencies, 0.95), 3),
        "server_cpu_ms": round(cpu * 1000 / len(latencies), 4),
    }


def report(results: dict) -> str:
    built = results["tables"]
    lines = [
        "| table | rows (blocking) | partitions | built (load + indexes) | size | statement | p50 / p95 "
        "| commit p50 | CPU per statement |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for table, measured in results["measured"].items():
        spec = built[table]
        for what, m in measured.items():
            lines.append(
                f"| {table} | {spec['rows']:,} ({spec['blocking_rows']:,}) | {spec['partitions'] or '—'} | "
                f"{spec['load_s']:.0f} + {spec['index_s']:.0f} s | {spec['total_mb']:,} MB | {what} | "
                f"{m['p50_ms']:.3f} / {m['p95_ms']:.3f} ms | {m['commit_p50_ms']:.3f} ms | "
                f"{m['cpu_ms']:.3f} ms |"
            )
    lines.append(f"\nexclusion constraint on a partitioned table: {built['_parent_constraint']}")
    lines.append(f"checks: {results['checks']}")
    lines.append(f"load average {results['load_average_before']} → {results['load_average_after']}")
    return "\n".join(lines)


def main() -> None:
    import psycopg

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1000000,3000000", help="rows of the single tables; the largest is partitioned"
    )
    parser.add_argument(
        "--history",
        type=int,
        default=10_000_000,
        help="rows of a table of which only the last min(sizes) block",
    )
    parser.add_argument("--partitioned", default="zone", help="zone (20 LIST partitions), hash (8 by set_id)")
    parser.add_argument("--inserts", type=int, default=1500, help="inserts (and overlap checks) per table")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--redis-only", action="store_true", help="only the throttles' Redis round trips (REDIS_URL)"
    )
    args = parser.parse_args()
    if args.redis_only:
        found = redis_throttles(os.environ["REDIS_URL"], 20_000)
        print(f"Redis throttle round trips: {found}")
        out = ROOT / "var" / "bench"
        out.mkdir(parents=True, exist_ok=True)
        (out / "scaling_redis.json").write_text(json.dumps(found, indent=2))
        return
    sizes = sorted(int(size) for size in args.sizes.split(","))
    base = os.environ.get("SCALING_DATABASE_URL") or os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_sc_book"
    )
    parts = urlsplit(base)
    dsn = urlunsplit(parts._replace(path="/bench_sc_scaling", scheme="postgresql"))
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_sc_scaling WITH (FORCE)")
    database_ensure(dsn)
    started = time.monotonic()
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            print(f"PostgreSQL {version}; load average {os.getloadavg()[0]:.2f}")
            built = build(conn, sizes, args.history, [kind for kind in args.partitioned.split(",") if kind])
            results = {
                "server_version": version,
                "load_average_before": [round(load, 2) for load in os.getloadavg()],
                "tables": built,
                "measured": measure(dsn, built, args.inserts, args.rounds, random.Random(16)),
                "checks": checks(conn, built),
            }
            results["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    finally:
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS bench_sc_scaling WITH (FORCE)")
    results["seconds"] = round(time.monotonic() - started)
    print(report(results))
    results_write("scaling", results)


if __name__ == "__main__":
    main()
