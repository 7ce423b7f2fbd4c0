"""Reads for the crews app, scoped to the acting company and loaded for the serializers that render them."""

from django.db.models import Prefetch, QuerySet

from crews.models import (
    Call,
    CallSheet,
    CallSheetRecipient,
    Crew,
    CrewMember,
    Person,
    Scene,
    ShootDay,
    Stop,
    StopScene,
)
from studio.models import Organization


def people_visible_to(*, organization: Organization) -> QuerySet[Person]:
    return Person.objects.filter(company=organization)


def crews_visible_to(*, organization: Organization) -> QuerySet[Crew]:
    return Crew.objects.filter(company=organization).select_related("production")


def crew_members_visible_to(*, organization: Organization) -> QuerySet[CrewMember]:
    return CrewMember.objects.filter(company=organization).select_related("person", "crew")


def scenes_visible_to(*, organization: Organization) -> QuerySet[Scene]:
    return Scene.objects.filter(company=organization).prefetch_related(
        Prefetch("cast", queryset=Person.objects.only("id", "name"))
    )


def stops_loaded(queryset: QuerySet[Stop] | None = None) -> QuerySet[Stop]:
    """Stops with their booking, set, base, zone and scenes (with cast): a fixed number of queries."""
    queryset = Stop.objects.all() if queryset is None else queryset
    return queryset.select_related("booking__set__base__zone").prefetch_related(
        Prefetch(
            "stop_scenes",
            queryset=StopScene.objects.select_related("scene").prefetch_related(
                Prefetch("scene__cast", queryset=Person.objects.only("id", "name"))
            ),
        )
    )


def shoot_days_visible_to(*, organization: Organization) -> QuerySet[ShootDay]:
    return ShootDay.objects.filter(company=organization).select_related("crew__production")


def shoot_day_loaded(queryset: QuerySet[ShootDay]) -> QuerySet[ShootDay]:
    """Shoot days with stops, scenes, cast and calls prefetched, whatever their number."""
    return queryset.select_related("crew__production").prefetch_related(
        Prefetch("stops", queryset=stops_loaded().order_by("order", "starts_at")),
        Prefetch("calls", queryset=Call.objects.select_related("person").order_by("call_at", "id")),
    )


def calls_visible_to(*, organization: Organization) -> QuerySet[Call]:
    return Call.objects.filter(shoot_day__company=organization).select_related("person", "shoot_day")


def stops_visible_to(*, organization: Organization) -> QuerySet[Stop]:
    return stops_loaded(Stop.objects.filter(shoot_day__company=organization))


def call_sheets_visible_to(*, organization: Organization) -> QuerySet[CallSheet]:
    return (
        CallSheet.objects.filter(company=organization)
        .select_related("shoot_day__crew__production")
        .prefetch_related(
            Prefetch(
                "recipients", queryset=CallSheetRecipient.objects.select_related("person").order_by("id")
            )
        )
    )


def recipient_by_token(*, token: str) -> CallSheetRecipient | None:
    if not token or len(token) > 64:
        return None
    return (
        CallSheetRecipient.objects.select_related("call_sheet__shoot_day", "person")
        .filter(token=token)
        .first()
    )


def call_sheet_by_token(*, token: str) -> CallSheet | None:
    if not token or len(token) > 64:
        return None
    return CallSheet.objects.select_related("shoot_day").filter(token=token).first()
