"""A filming zone's figures for its management, by local month (docs/zone.md).

Definitions (the page and docs/zone.md say the same in words); a month is a local (Asia/Shanghai)
calendar month, the window whole months ``from``–``to``:

- **Crews served**: per production with a checked-in or completed booking at a set of the zone starting
  in the month, the crews whose shoot-day stops use those bookings (at least one: a production whose
  bookings no stop uses counts one crew), summed. **Productions / companies active**: those productions
  and their companies. **People called**: distinct people with a call on a shoot day of the month that
  stops at a set of the zone.
- **Utilisation**: the occupancy's open and booked hours (``bookings.occupancy``, the same definitions and
  statement, for all the bases of the zone at once) summed by month for the zone, each base and each
  kind of set.
- **Requests** by the month they were made: how many, the share accepted (confirmed, whatever became of
  it later), declined and expired, and the median lead time (request to start, in days).
- **Spend** by the month bookings start: booking totals and fees (``bookings.spend``'s definitions).
- **Review centre** (the zone's own, ``Zone.review_centre``): submissions received by month submitted;
  approvals and their end-to-end turnaround (submission to filing number, working days with the centre's
  holiday calendar: ``review.dashboard``) by month approved, against the target.
- **The circle**: for each hotel of the zone, the active sets of its active bases within 5, 10 and 15
  minutes (measured travel time where recorded, else estimated).

**Suppression**: a cell built from one or two companies (fewer than ``MIN_COMPANIES``) is withheld: null
and listed under the row's ``suppressed`` in JSON, "—" on the page and in CSV. No company, production,
booking or person is ever named.

Every figure is an aggregate query (PostgreSQL): a constant number of queries whatever the number of
bases, sets, bookings and months (the utilisation: ``bookings.occupancy.usage_by_month``). Elsewhere
(the embedded SQLite of ``make run``) the statements PostgreSQL alone runs (the bookings pass, people
called, the median lead time) are worked out in Python with the same definitions
(``bookings.zone.portable``), as the occupancy's utilisation is.
"""

from bookings.zone.compute import ZoneFigures, zone_figures
from bookings.zone.figures import MIN_COMPANIES, ZoneStatsIn
from bookings.zone.output import SUPPRESSED, zone_data, zone_rows

__all__ = [
    "MIN_COMPANIES",
    "SUPPRESSED",
    "ZoneFigures",
    "ZoneStatsIn",
    "zone_data",
    "zone_figures",
    "zone_rows",
]
