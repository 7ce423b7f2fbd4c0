"""What the booking races check after every round: no two blocking bookings of a set overlap."""

from django.db import connection

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
