"""Release many API requests at once from a fixed pool of threads, each with its own DB connection.

PostgreSQL here allows 100 connections shared by every test run on the machine, so 200 requests cannot
each hold a connection. A round hands ``len(calls)`` requests to ``size`` worker threads that wait on
one ``threading.Barrier`` and then fire their share back to back: ``size`` requests are in flight at
every moment, all started together. Threads and their connections live across rounds (closed in
``finally`` when the pool shuts down), so ten rounds cost ten rounds, not ten connection storms.
"""

import os
import queue
import threading

from django.db import connection

DEFAULT_SIZE = int(os.environ.get("BOOKINGS_RACE_CONNECTIONS", "40"))


class RacePool:
    def __init__(self, size: int = DEFAULT_SIZE):
        self.size = size
        self.inboxes = [queue.Queue() for _ in range(size)]
        self.outbox: queue.Queue = queue.Queue()
        self.threads = [
            threading.Thread(target=self._work, args=(inbox,), daemon=True) for inbox in self.inboxes
        ]
        for thread in self.threads:
            thread.start()

    def _work(self, inbox: queue.Queue) -> None:
        try:
            while True:
                job = inbox.get()
                if job is None:
                    return
                barrier, calls = job
                results = []
                try:
                    barrier.wait(timeout=60)
                    for index, call in calls:
                        try:
                            results.append((index, call(), None))
                        except Exception as exc:  # noqa: BLE001 - reported to the test
                            results.append((index, None, exc))
                finally:
                    self.outbox.put(results)
        finally:
            connection.close()

    def run(self, calls: list) -> tuple[list, list]:
        """Run every callable once, released together; return (results, exceptions) in call order."""
        shares = [[] for _ in range(self.size)]
        for index, call in enumerate(calls):
            shares[index % self.size].append((index, call))
        barrier = threading.Barrier(self.size)
        for inbox, share in zip(self.inboxes, shares, strict=True):
            inbox.put((barrier, share))
        results, errors = [None] * len(calls), [None] * len(calls)
        for _ in range(self.size):
            for index, result, error in self.outbox.get(timeout=300):
                results[index], errors[index] = result, error
        return results, errors

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for thread in self.threads:
            thread.join(timeout=30)


OVERLAPS_SQL = """
    SELECT count(*) FROM bookings_booking a
    JOIN bookings_booking b ON a.set_id = b.set_id AND a.id < b.id
    WHERE a.status IN ('held', 'confirmed', 'checked_in') AND b.status IN ('held', 'confirmed', 'checked_in')
      AND a.blocked_from < b.blocked_until AND b.blocked_from < a.blocked_until
"""


def overlapping_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        return cursor.fetchone()[0]
