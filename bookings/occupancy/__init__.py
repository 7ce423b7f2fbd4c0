"""Occupancy and revenue of one base over a window of local days, for its operator (docs/occupancy.md).

Definitions (the page and docs/occupancy.md say the same in words):

- **Window**: the local (Asia/Shanghai) days ``first``–``last``, both included; a week is an ISO week
  (Monday first) cut to the window.
- **Sets**: the base's active sets, and any deactivated set that still has booked time in the window.
- **Open hours** of a set on a day: the base's opening hours that fall on that local day (an interval
  running past midnight, ``08:00–02:00``, gives its last two hours to the next day; a base without
  opening hours is open round the clock) minus the set's own and the base's blackouts.
- **Booked hours**: the part of the open hours covered by a *booked* booking's period
  ``[starts_at, ends_at)`` (turnover not included), split at local midnight. Booked means
  ``confirmed``, ``checked_in`` or ``completed``: a hold is not yet sold, and cancelled, declined,
  expired and no-show bookings did not use the set (no-shows are counted on their own).
- **Utilisation** = booked hours ÷ open hours, per set × day, kind × week, base × day and base × week;
  none where there were no open hours.
- **Revenue** (CNY, Decimal) by the week a booking *starts*: the price and overtime fee of booked
  bookings, the fees of cancellations and of no-shows. Cancellations, no-shows and the average lead
  time (request to start, booked bookings) count bookings starting in the window.
- **Busiest hours**: booked hours per local clock hour (0–23) over the window.

On PostgreSQL every figure comes from aggregate SQL (multiranges, ``GROUPING SETS``): one query for the
sets, one statement for utilisation at every grain and the busiest hours, one for revenue, whatever the
number of sets and bookings. The embedded SQLite of ``make run`` has no ranges: there the same
definitions are computed in Python from the rows of the window (``_utilisation_python``), correct but
not meant for province scale; revenue is the same ORM aggregate on both.
"""

from bookings.occupancy.compute import base_occupancy, occupancy_sets, usage_by_month
from bookings.occupancy.figures import BOOKED, Occupancy, Usage, window_bounds
from bookings.occupancy.output import occupancy_data, occupancy_rows

__all__ = [
    "BOOKED",
    "Occupancy",
    "Usage",
    "base_occupancy",
    "occupancy_data",
    "occupancy_rows",
    "occupancy_sets",
    "usage_by_month",
    "window_bounds",
]
