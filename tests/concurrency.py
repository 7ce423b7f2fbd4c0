"""The suite's one concurrency harness: calls released at once on real threads, each thread with its own
database connection.

``RacePool(size)`` starts ``size`` threads that live across rounds. ``pool.run(calls)`` is one round: the
calls are dealt out to the threads, every thread waits on one ``threading.Barrier`` and then makes its
share back to back, so ``size`` calls are in flight at every moment, all started together. PostgreSQL
here allows 100 connections shared by every test run on the machine, so the bookings race sends 200
requests over 40 connections instead of 200; a pool kept across rounds makes ten rounds cost ten rounds,
not ten connection storms. Each thread closes its connections when the pool closes.

``run_together(calls)`` is the one-round case: a thread per call (or ``threads``), released together.

Both return ``(results, errors)`` in the order of ``calls``: each call's return value or ``None``, and
the exception it raised or ``None``, for the test to assert on.
"""

import queue
import threading

from django.db import connections

#: How long a thread waits for the others at the barrier, and the round for its threads' answers.
BARRIER_SECONDS = 60
ROUND_SECONDS = 300


class RacePool:
    def __init__(self, size: int):
        if size < 1:
            raise ValueError("a race needs at least one thread")
        self.size = size
        self.inboxes: list[queue.Queue] = [queue.Queue() for _ in range(size)]
        self.outbox: queue.Queue = queue.Queue()
        self.threads = [
            threading.Thread(target=self._work, args=(inbox,), name=f"race-{n}", daemon=True)
            for n, inbox in enumerate(self.inboxes)
        ]
        for thread in self.threads:
            thread.start()

    def _work(self, inbox: queue.Queue) -> None:
        try:
            while (job := inbox.get()) is not None:
                barrier, calls = job
                results = []
                try:
                    barrier.wait(timeout=BARRIER_SECONDS)
                except threading.BrokenBarrierError as exc:  # another thread never came: none of these ran
                    results = [(index, None, exc) for index, _call in calls]
                else:
                    for index, call in calls:
                        try:
                            results.append((index, call(), None))
                        except Exception as exc:  # noqa: BLE001 - handed to the test
                            results.append((index, None, exc))
                finally:
                    self.outbox.put(results)
        finally:
            connections.close_all()  # this thread's own connections

    def run(self, calls: list) -> tuple[list, list]:
        """Make every call once, all released together; ``(results, errors)`` in the order of ``calls``."""
        shares: list[list] = [[] for _ in range(self.size)]
        for index, call in enumerate(calls):
            shares[index % self.size].append((index, call))
        barrier = threading.Barrier(self.size)
        for inbox, share in zip(self.inboxes, shares, strict=True):
            inbox.put((barrier, share))
        results, errors = [None] * len(calls), [None] * len(calls)
        for _ in range(self.size):
            for index, result, error in self.outbox.get(timeout=ROUND_SECONDS):
                results[index], errors[index] = result, error
        return results, errors

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for thread in self.threads:
            thread.join(timeout=30)

    def __enter__(self) -> "RacePool":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def run_together(calls: list, *, threads: int | None = None) -> tuple[list, list]:
    """One round of ``calls`` released together on ``threads`` threads (one per call by default)."""
    with RacePool(threads or len(calls)) as pool:
        return pool.run(calls)
