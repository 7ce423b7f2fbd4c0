"""The one API router: every app's viewsets, registered from one table under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from bookings.api.views import BaseBoardViewSet, BookingBatchViewSet, BookingViewSet, WaitlistEntryViewSet
from bookings.api.zone import ZoneStatsViewSet
from crews.api.views import (
    CallSheetViewSet,
    CallViewSet,
    CrewMemberViewSet,
    CrewViewSet,
    PersonViewSet,
    SceneViewSet,
    ShootDayViewSet,
    StopViewSet,
)
from locations.api.circle import CirclePlanViewSet
from locations.api.views import (
    BaseViewSet,
    BlackoutViewSet,
    CalendarFeedViewSet,
    PlaceViewSet,
    SetPhotoViewSet,
    SetViewSet,
    TravelTimeViewSet,
    ZoneViewSet,
)
from notifications.api.views import DeliveryViewSet, EventViewSet, WebhookEndpointViewSet
from review.api.views import ReviewCentreViewSet, ReviewSubmissionViewSet
from studio.api.views import MeView, OrganizationViewSet, ProductionViewSet, TokenView

#: (URL prefix, viewset, basename), app by app, registered in this order (the order the URLs are tried).
ROUTES = [
    # studio
    ("organizations", OrganizationViewSet, "organization"),
    ("productions", ProductionViewSet, "production"),
    # review
    ("review-submissions", ReviewSubmissionViewSet, "review-submission"),
    ("review-centres", ReviewCentreViewSet, "review-centre"),
    # notifications
    ("events", EventViewSet, "event"),
    ("deliveries", DeliveryViewSet, "delivery"),
    ("webhook-endpoints", WebhookEndpointViewSet, "webhook-endpoint"),
    # locations
    ("zones", ZoneViewSet, "zone"),
    ("places", PlaceViewSet, "place"),
    ("bases", BaseViewSet, "base"),
    ("sets", SetViewSet, "set"),
    ("set-photos", SetPhotoViewSet, "set-photo"),
    ("blackouts", BlackoutViewSet, "blackout"),
    ("travel-times", TravelTimeViewSet, "travel-time"),
    ("calendar-feeds", CalendarFeedViewSet, "calendar-feed"),
    ("circle-plans", CirclePlanViewSet, "circle-plan"),
    # bookings
    ("bookings", BookingViewSet, "booking"),
    ("booking-batches", BookingBatchViewSet, "booking-batch"),
    ("waitlist-entries", WaitlistEntryViewSet, "waitlist-entry"),
    # Only the detail action ``board`` lives here: /bases/{id}/board/ next to the catalogue's /bases/.
    ("bases", BaseBoardViewSet, "base-board"),
    # Only the detail action ``stats`` lives here: /zones/{id}/stats/ next to the catalogue's /zones/.
    ("zones", ZoneStatsViewSet, "zone-stats"),
    # crews
    ("people", PersonViewSet, "person"),
    ("crews", CrewViewSet, "crew"),
    ("crew-members", CrewMemberViewSet, "crew-member"),
    ("scenes", SceneViewSet, "scene"),
    ("shoot-days", ShootDayViewSet, "shoot-day"),
    ("stops", StopViewSet, "stop"),
    ("calls", CallViewSet, "call"),
    ("call-sheets", CallSheetViewSet, "call-sheet"),
]

router = DefaultRouter(trailing_slash=True)
for prefix, viewset, basename in ROUTES:
    router.register(prefix, viewset, basename=basename)

#: Views outside the router; each declares its scope like the viewsets do.
extra_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
]

urlpatterns = extra_urlpatterns + router.urls
