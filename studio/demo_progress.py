"""A dependency-free progress bar for management commands."""

import sys
import time
from collections.abc import Iterable, Iterator


def progress(items: Iterable, *, total: int | None = None, label: str = "", stdout=None) -> Iterator:
    """Yield from ``items`` while drawing ``label [#####.....] n/total`` at most ten times a second."""
    stream = stdout or sys.stdout
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = 0
    width = 30
    last = 0.0
    count = 0

    def draw():
        filled = int(width * count / total) if total else width
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {count}/{total or '?'}")
        stream.flush()

    for item in items:
        yield item
        count += 1
        now = time.monotonic()
        if now - last > 0.1:
            draw()
            last = now
    draw()
    stream.write("\n")
