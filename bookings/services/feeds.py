"""The company's private iCalendar feed token."""

import secrets

from django.db import transaction

from bookings.models import BookingFeed
from studio.models import Organization


@transaction.atomic
def booking_feed_issue(*, organization: Organization, rotate: bool = False) -> BookingFeed:
    """The organisation's feed token; ``rotate`` replaces a leaked one."""
    feed = BookingFeed.objects.select_for_update().filter(organization=organization).first()
    if feed is None:
        feed = BookingFeed(organization=organization)
    elif not rotate:
        return feed
    feed.token = secrets.token_urlsafe(32)
    feed.save()
    return feed
