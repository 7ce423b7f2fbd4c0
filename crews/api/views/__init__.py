"""The crews API's viewsets, one module per resource group (``routes.py`` registers them)."""

from crews.api.views.base import TOKEN, CompanyViewSet
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
    "CrewMemberViewSet",
    "CrewViewSet",
    "PersonViewSet",
    "SceneViewSet",
    "ShootDayPartViewSet",
    "ShootDayViewSet",
    "StopViewSet",
]
