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


def register(router) -> None:
    """Register this app's viewsets on the one API router (config/api.py)."""
    router.register("zones", ZoneViewSet, basename="zone")
    router.register("places", PlaceViewSet, basename="place")
    router.register("bases", BaseViewSet, basename="base")
    router.register("sets", SetViewSet, basename="set")
    router.register("set-photos", SetPhotoViewSet, basename="set-photo")
    router.register("blackouts", BlackoutViewSet, basename="blackout")
    router.register("travel-times", TravelTimeViewSet, basename="travel-time")
    router.register("calendar-feeds", CalendarFeedViewSet, basename="calendar-feed")
    router.register("circle-plans", CirclePlanViewSet, basename="circle-plan")
