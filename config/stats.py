"""Order statistics computed in Python the way PostgreSQL computes them."""


def percentile_cont(values: list, q: float) -> float | None:
    """The ``q`` quantile of ``values`` by linear interpolation between the closest ranks, as
    PostgreSQL's ``percentile_cont(q)``; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
