from bookings.api.views import BaseBoardViewSet, BookingBatchViewSet, BookingViewSet, WaitlistEntryViewSet
from bookings.api.zone import ZoneStatsViewSet


def register(router) -> None:
    """Register this app's viewsets on the one API router (config/api.py)."""
    router.register("bookings", BookingViewSet, basename="booking")
    router.register("booking-batches", BookingBatchViewSet, basename="booking-batch")
    router.register("waitlist-entries", WaitlistEntryViewSet, basename="waitlist-entry")
    # Only the detail action ``board`` lives here: /bases/{id}/board/ next to the catalogue's /bases/.
    router.register("bases", BaseBoardViewSet, basename="base-board")
    # Only the detail action ``stats`` lives here: /zones/{id}/stats/ next to the catalogue's /zones/.
    router.register("zones", ZoneStatsViewSet, basename="zone-stats")
