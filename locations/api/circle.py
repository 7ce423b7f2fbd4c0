"""The circle-plan endpoint: a day's needs in, the best combinations of nearby free sets out."""

from datetime import timedelta

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from config.serializers import (
    AwareDateTimeField,
    CappedListSerializer,
    ChoiceField,
    InputSerializer,
    ScopedPrimaryKeyRelatedField,
)
from config.viewsets import ScopedGenericViewSet
from locations import conf, policies
from locations.api.serializers import CataloguePlaceField, LatitudeField, LongitudeField, WordListInField
from locations.circle import CircleItem, circle_plan, validate_items
from locations.models import Set
from locations.selectors import sets_visible_to
from locations.travel import circle_minutes
from studio.tenancy import Scope


class OriginIn(InputSerializer):
    place = CataloguePlaceField(required=False)
    set = ScopedPrimaryKeyRelatedField(scope=sets_visible_to, queryset=Set.objects, required=False)
    lat = LatitudeField(required=False)
    lon = LongitudeField(required=False)

    def validate(self, attrs):
        given = [name for name in ("place", "set", "lat") if name in attrs]
        if ("lat" in attrs) != ("lon" in attrs):
            raise serializers.ValidationError(_("lat and lon go together."))
        if len(given) != 1:
            raise serializers.ValidationError(_("Give exactly one origin: place, set, or lat and lon."))
        if "lat" in attrs:
            return (attrs["lat"], attrs["lon"])
        return attrs.get("place") or attrs.get("set")


class CircleItemIn(InputSerializer):
    kind = ChoiceField(choices=Set.Kind.choices, required=False)
    set = ScopedPrimaryKeyRelatedField(scope=sets_visible_to, queryset=Set.objects, required=False)
    tags = WordListInField(max_length=5)
    # only sets whose hourly rate is at most this (CNY)
    max_hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    # ``from``/``to`` are Python keywords: declared below under their wire names.

    def validate(self, attrs):
        if ("kind" in attrs) == ("set" in attrs):
            raise serializers.ValidationError({"kind": [_("Give a kind or a set, not both.")]})
        if attrs["to"] <= attrs["from"]:
            raise serializers.ValidationError({"to": [_("Must be after from.")]})
        if attrs["to"] - attrs["from"] > timedelta(days=conf.search_max_window_days()):
            # each item is an availability search: the search's own limit
            raise serializers.ValidationError(
                {"to": [_("The window may be at most %(n)d days.") % {"n": conf.search_max_window_days()}]}
            )
        return attrs


CircleItemIn._declared_fields["from"] = AwareDateTimeField()
CircleItemIn._declared_fields["to"] = AwareDateTimeField()


class CirclePlanIn(InputSerializer):
    origin = OriginIn()
    # counted before any item is validated: each item may look up a set
    items = CappedListSerializer(child=CircleItemIn(), min_length=1, max_length=conf.circle_plan_max_items)
    within_minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)
    limit = serializers.IntegerField(min_value=1, required=False, default=5)

    def validate_limit(self, value):
        return min(value, conf.circle_plan_max_results())


class CircleSetOut(serializers.Serializer):
    id = serializers.IntegerField(source="set_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    hourly_rate = serializers.DecimalField(max_digits=10, decimal_places=2)


class CircleLegOut(serializers.Serializer):
    item = serializers.IntegerField()
    set = CircleSetOut()
    base = serializers.SerializerMethodField()
    travel_minutes = serializers.IntegerField()
    alternatives = serializers.ListField(child=serializers.IntegerField())

    def get_base(self, leg) -> dict:
        return {"id": leg.base.pk, "name": leg.base.name}


class CirclePlanOut(serializers.Serializer):
    total_minutes = serializers.IntegerField()
    legs = CircleLegOut(many=True)


class CirclePlansOut(serializers.Serializer):
    within_minutes = serializers.IntegerField()
    plans = CirclePlanOut(many=True)


class CirclePlanViewSet(ScopedGenericViewSet):
    """Pack a day's needs into free sets a few minutes apart, best combinations first."""

    scope = Scope.CATALOGUE
    serializer_class = CirclePlansOut
    policy = policies.CIRCLE_PLAN
    filter_backends: list = []

    def get_queryset(self):
        return sets_visible_to(organization=self.organization).none()

    # Computes plans and stores nothing: 200, not 201.
    @extend_schema(request=CirclePlanIn, responses={200: CirclePlansOut})
    def create(self, request):
        data = self.validated(CirclePlanIn, request.data)
        origin = data["origin"]
        within = data.get("within_minutes")
        if within is None:
            within = circle_minutes(origin)
        items = [
            CircleItem(
                starts_at=item["from"],
                ends_at=item["to"],
                kind=item.get("kind"),
                set=item.get("set"),
                tags=item.get("tags", []),
                max_hourly_rate=item.get("max_hourly_rate"),
            )
            for item in data["items"]
        ]
        validate_items(items)
        plans = circle_plan(
            organization=self.organization,
            origin=origin,
            items=items,
            within_minutes=within,
            limit=data["limit"],
        )
        return Response(CirclePlansOut({"within_minutes": within, "plans": plans}).data)
