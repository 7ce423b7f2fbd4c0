"""``GET /api/v1/zones/{id}/stats/?from=&to=``: a zone's figures, for the members of its management only.

Another zone (or a missing one) is a 404; any other kind of organisation gets 403 from the policy before
anything is read. Aggregates only, cells of one or two companies withheld (``bookings.zone``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from bookings import policies
from bookings.zone import ZoneStatsIn, zone_data, zone_figures, zone_rows
from config.renderers import JSONRenderer
from config.spreadsheets import CSVRenderer
from config.viewsets import ScopedGenericViewSet
from locations.selectors import zones_managed_by
from studio.tenancy import Scope

HOURS = {"max_digits": 12, "decimal_places": 2, "allow_null": True}
MONEY = {"max_digits": 14, "decimal_places": 2, "allow_null": True}
RATIO = {"max_digits": 5, "decimal_places": 4, "allow_null": True}


def _suppressed():
    return serializers.ListField(
        child=serializers.CharField(),
        help_text=_(
            "The fields of this row withheld (null) because fewer than 3 companies stand behind them."
        ),
    )


class ZoneActivityOut(serializers.Serializer):
    month = serializers.CharField(help_text=_("YYYY-MM"))
    crews_served = serializers.IntegerField(allow_null=True)
    productions = serializers.IntegerField(allow_null=True)
    companies = serializers.IntegerField(allow_null=True)
    people_called = serializers.IntegerField(allow_null=True)
    suppressed = _suppressed()


class ZoneRequestsOut(serializers.Serializer):
    month = serializers.CharField(help_text=_("The month the requests were made (YYYY-MM)."))
    requests = serializers.IntegerField(allow_null=True)
    confirmed_share = serializers.DecimalField(**RATIO)
    declined_share = serializers.DecimalField(**RATIO)
    expired_share = serializers.DecimalField(**RATIO)
    median_lead_days = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    suppressed = _suppressed()


class ZoneSpendOut(serializers.Serializer):
    month = serializers.CharField(help_text=_("The month the bookings start (YYYY-MM)."))
    bookings = serializers.DecimalField(**MONEY)
    fees = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    suppressed = _suppressed()


class ZoneUsageOut(serializers.Serializer):
    month = serializers.CharField()
    open_hours = serializers.DecimalField(**HOURS)
    booked_hours = serializers.DecimalField(**HOURS)
    utilisation = serializers.DecimalField(**RATIO)
    suppressed = _suppressed()


class ZoneBaseUsageOut(ZoneUsageOut):
    base = serializers.IntegerField()
    base_name = serializers.CharField()


class ZoneKindUsageOut(ZoneUsageOut):
    kind = serializers.CharField()
    kind_label = serializers.CharField()


class ZoneUtilisationOut(serializers.Serializer):
    zone = ZoneUsageOut(many=True)
    bases = ZoneBaseUsageOut(many=True)
    kinds = ZoneKindUsageOut(many=True)


class ZoneReviewMonthOut(serializers.Serializer):
    month = serializers.CharField()
    intake = serializers.IntegerField(allow_null=True)
    approvals = serializers.IntegerField(allow_null=True)
    median_working_days = serializers.FloatField(allow_null=True)
    p90_working_days = serializers.FloatField(allow_null=True)
    within_target = serializers.IntegerField(allow_null=True)
    suppressed = _suppressed()


class ZoneReviewOut(serializers.Serializer):
    centre_name = serializers.CharField()
    target_working_days = serializers.IntegerField()
    months = ZoneReviewMonthOut(many=True)


class ZoneHotelOut(serializers.Serializer):
    name = serializers.CharField()
    within_5 = serializers.IntegerField()
    within_10 = serializers.IntegerField()
    within_15 = serializers.IntegerField()


class ZoneCircleOut(serializers.Serializer):
    limits = serializers.ListField(child=serializers.IntegerField())
    hotels = ZoneHotelOut(many=True)


class ZoneStatsOut(serializers.Serializer):
    zone = serializers.IntegerField()
    zone_name = serializers.CharField()
    months = serializers.ListField(child=serializers.CharField())
    time_zone = serializers.CharField()
    currency = serializers.CharField()
    min_companies = serializers.IntegerField()
    activity = ZoneActivityOut(many=True)
    requests = ZoneRequestsOut(many=True)
    spend = ZoneSpendOut(many=True)
    utilisation = ZoneUtilisationOut()
    review = ZoneReviewOut(allow_null=True)
    circle = ZoneCircleOut()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(help_text=_("First month (YYYY-MM)."))
        fields["to"] = serializers.CharField(help_text=_("Last month (YYYY-MM)."))
        return fields


def zone_window(query) -> dict:
    """The validated window of ``query`` (``from``/``to`` months; 400 with a field message when invalid)."""
    params = ZoneStatsIn(data={name: query[name] for name in ("from", "to") if name in query})
    params.is_valid(raise_exception=True)
    return params.validated_data


class ZoneStatsViewSet(ScopedGenericViewSet):
    """The figures of the zone the acting organisation manages (``GET /zones/{id}/stats/``)."""

    scope = Scope.ORGANIZATION
    policy = policies.ZONE_FIGURES
    serializer_class = ZoneStatsOut
    filter_backends: list = []
    selector = zones_managed_by

    @extend_schema(
        parameters=[ZoneStatsIn, OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"])],
        responses={200: ZoneStatsOut, (200, "text/csv"): OpenApiTypes.STR},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, CSVRenderer])
    def stats(self, request, pk=None, format=None):  # noqa: A002 - DRF's format-suffix keyword
        """Crews served, productions, companies and people by month; utilisation by base and kind of set;
        requests (answered shares, lead time); spend; the zone's review centre's intake and turnaround;
        sets within 5/10/15 minutes of each hotel (docs/zone.md). A cell built from one or two companies is
        null and named in its row's ``suppressed``. ``?format=csv`` gives the same numbers as CSV ("—"
        where withheld)."""
        window = zone_window(request.query_params)  # limits checked before anything is read
        zone = self.get_object()
        data = zone_data(zone_figures(zone=zone, first=window["from"], last=window["to"]))
        if getattr(request.accepted_renderer, "format", "") == "csv":
            name = f"zone-{zone.pk}-{data['from']}-{data['to']}.csv"
            return Response(
                zone_rows(data), headers={"Content-Disposition": f'attachment; filename="{name}"'}
            )
        return Response(data)
