"""The crews API's viewsets, one module per resource group (``config.api`` registers them)."""

from crews.api.views.base import TOKEN, CompanyViewSet, CompanyWritesViewSet
from crews.api.views.callsheets import CallSheetViewSet
from crews.api.views.roster import CrewMemberViewSet, CrewViewSet, PersonViewSet
from crews.api.views.schedule import (
    CallViewSet,
    SceneViewSet,
    ShootDayPartViewSet,
    ShootDayViewSet,
    StopViewSet,
)

__all__ = [
    "TOKEN",
    "CallSheetViewSet",
    "CallViewSet",
    "CompanyViewSet",
    "CompanyWritesViewSet",
    "CrewMemberViewSet",
    "CrewViewSet",
    "PersonViewSet",
    "SceneViewSet",
    "ShootDayPartViewSet",
    "ShootDayViewSet",
    "StopViewSet",
]
