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


def register(router) -> None:
    """Register this app's viewsets on the one API router (config/api.py)."""
    router.register("people", PersonViewSet, basename="person")
    router.register("crews", CrewViewSet, basename="crew")
    router.register("crew-members", CrewMemberViewSet, basename="crew-member")
    router.register("scenes", SceneViewSet, basename="scene")
    router.register("shoot-days", ShootDayViewSet, basename="shoot-day")
    router.register("stops", StopViewSet, basename="stop")
    router.register("calls", CallViewSet, basename="call")
    router.register("call-sheets", CallSheetViewSet, basename="call-sheet")
