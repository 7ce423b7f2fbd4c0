from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings import conf
from bookings.models import Booking, WaitlistEntry
from bookings.selectors import bookable_sets
from config.dates import DateField
from config.serializers import (
    AwareDateTimeField,
    CappedListSerializer,
    InputSerializer,
    OutputModelSerializer,
    ScopedPrimaryKeyRelatedField,
)
from locations.models import Set
from studio.models import Production
from studio.selectors import productions_visible_to


def _sets(organization):
    return bookable_sets(organization=organization)


def _productions(organization):
    return productions_visible_to(organization=organization)


def _set_field():
    return ScopedPrimaryKeyRelatedField(scope=_sets, queryset=Set.objects, compiled=True)


def _production_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        scope=_productions, queryset=Production.objects, compiled=True, **kwargs
    )


class WindowIn(InputSerializer):
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": [_("Must be after starts_at.")]})
        return attrs


class BookingIn(WindowIn):
    set = _set_field()
    production = _production_field()
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class QuoteIn(WindowIn):
    set = _set_field()


class RescheduleIn(WindowIn):
    pass


class ReasonIn(InputSerializer):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class DeclineIn(InputSerializer):
    reason = serializers.CharField(
        max_length=500, help_text=_("Why the booking is declined; the company reads it.")
    )


class AtIn(InputSerializer):
    at = AwareDateTimeField(required=False, help_text=_("The actual time; now if omitted."))


class BatchIn(InputSerializer):
    # counted before any item is validated: each item looks up its set and production
    items = CappedListSerializer(child=BookingIn(), min_length=1, max_length=conf.batch_max_items)
    skip_conflicts = serializers.BooleanField(required=False, default=False)


class WaitlistIn(WindowIn):
    set = _set_field()
    # the production a freed window is held for (see bookings.services.waitlist)
    production = _production_field()


class FeedUrlIn(InputSerializer):
    rotate = serializers.BooleanField(required=False, default=False)


class BoardIn(InputSerializer):
    date = DateField()


# Output ------------------------------------------------------------------------------------------


class BookingOut(OutputModelSerializer):
    set_name = serializers.CharField(source="set.name", read_only=True)
    base = serializers.IntegerField(source="set.base_id", read_only=True)
    base_name = serializers.CharField(source="set.base.name", read_only=True)
    production_title = serializers.CharField(source="production.title", read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "status",
            "set",
            "set_name",
            "base",
            "base_name",
            "production",
            "production_title",
            "company",
            "company_name",
            "starts_at",
            "ends_at",
            "turnover_minutes",
            "blocked_from",
            "blocked_until",
            "hold_expires_at",
            "waitlist_offer",
            "note",
            "price_breakdown",
            "total_price",
            "deposit",
            "cancellation_fee",
            "cancellation_reason",
            "decline_reason",
            "checked_in_at",
            "checked_out_at",
            "overtime_minutes",
            "overtime_fee",
            "confirmed_at",
            "closed_at",
            "batch",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class QuoteOut(serializers.Serializer):
    set = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    deposit = serializers.DecimalField(max_digits=12, decimal_places=2)
    breakdown = serializers.JSONField()
    cancellation_policy = serializers.JSONField()


class CancellationTierOut(serializers.Serializer):
    hours_before = serializers.IntegerField(
        source="tier_hours_before",
        allow_null=True,
        help_text=_("The applied tier's hours_before; null for a hold, no policy or later than every tier."),
    )
    fee_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    label = serializers.CharField(source="tier_label", help_text=_("The tier in words."))


class CancellationQuoteOut(serializers.Serializer):
    quoted_at = serializers.DateTimeField(help_text=_("The moment the terms are computed for."))
    total = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=_("The booking's price."))
    fee = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=_("What cancelling costs."))
    tier = CancellationTierOut(source="*")
    deadline = serializers.DateTimeField(
        allow_null=True,
        help_text=_(
            "The last moment this fee applies; after it the next tier (next_fee_percent) does. "
            "Null when the fee cannot rise any more."
        ),
    )
    next_fee_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class CancelledBookingOut(BookingOut):
    cancellation = CancellationQuoteOut(source="cancellation_quote", read_only=True)

    class Meta(BookingOut.Meta):
        fields = [*BookingOut.Meta.fields, "cancellation"]
        read_only_fields = fields


class BatchItemOut(serializers.Serializer):
    index = serializers.IntegerField()
    ok = serializers.BooleanField()
    booking = BookingOut(allow_null=True)
    status_code = serializers.IntegerField()
    code = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(allow_blank=True)
    fields = serializers.JSONField(allow_null=True)


class BatchOut(serializers.Serializer):
    batch = serializers.UUIDField()
    created = serializers.IntegerField()
    failed = serializers.IntegerField()
    items = BatchItemOut(many=True)


class WaitlistOut(OutputModelSerializer):
    set_name = serializers.CharField(source="set.name", read_only=True)
    base_name = serializers.CharField(source="set.base.name", read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "set",
            "set_name",
            "base_name",
            "production",
            "starts_at",
            "ends_at",
            "status",
            "offered_at",
            "offer_expires_at",
            "offer_hold",
            "created_at",
        ]
        read_only_fields = fields


class FeedUrlOut(serializers.Serializer):
    url = serializers.URLField()
    token = serializers.CharField()


class BoardBookingOut(OutputModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    production_title = serializers.CharField(source="production.title", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "status",
            "company",
            "company_name",
            "production",
            "production_title",
            "starts_at",
            "ends_at",
            "blocked_from",
            "blocked_until",
            "checked_in_at",
            "checked_out_at",
        ]
        read_only_fields = fields


class BoardSetOut(OutputModelSerializer):
    bookings = BoardBookingOut(source="day_bookings", many=True, read_only=True)

    class Meta:
        model = Set
        fields = ["id", "name", "kind", "is_active", "bookings"]
        read_only_fields = fields


class BoardOut(serializers.Serializer):
    base = serializers.IntegerField()
    base_name = serializers.CharField()
    date = serializers.DateField()
    sets = BoardSetOut(many=True)


# Occupancy ---------------------------------------------------------------------------------------


class OccupancyIn(InputSerializer):
    """A window of local days, ``from`` and ``to`` both included."""

    # ``from`` is a Python keyword: declared through the class namespace
    locals()["from"] = DateField(help_text=_("First local day of the window."))
    to = DateField(help_text=_("Last local day of the window (included)."))

    def validate(self, attrs):
        first, last = attrs["from"], attrs["to"]
        if last < first:
            raise serializers.ValidationError({"to": [_("Must not be before from.")]})
        if (last - first).days + 1 > conf.occupancy_max_days():
            raise serializers.ValidationError(
                {"to": [_("The window may span at most %(n)d days.") % {"n": conf.occupancy_max_days()}]}
            )
        return attrs


HOURS_FIELD = {"max_digits": 12, "decimal_places": 2}
MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


class UsageOut(serializers.Serializer):
    open_hours = serializers.DecimalField(**HOURS_FIELD, help_text=_("Opening hours minus blackouts."))
    booked_hours = serializers.DecimalField(
        **HOURS_FIELD, help_text=_("Open hours covered by confirmed, checked-in or completed bookings.")
    )
    utilisation = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        allow_null=True,
        help_text=_("Booked hours ÷ open hours (0–1); null without open hours."),
    )


class SetDayOut(UsageOut):
    set = serializers.IntegerField()
    day = serializers.DateField()


class KindWeekOut(UsageOut):
    kind = serializers.ChoiceField(choices=Set.Kind.choices)
    kind_label = serializers.CharField()
    week = serializers.DateField(help_text=_("The Monday of the week (the week is cut to the window)."))


class BaseDayOut(UsageOut):
    day = serializers.DateField()


class BaseWeekOut(UsageOut):
    week = serializers.DateField(help_text=_("The Monday of the week (the week is cut to the window)."))


class OccupancySetOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Set.Kind.choices)
    kind_label = serializers.CharField()


class RevenueOut(serializers.Serializer):
    booking_revenue = serializers.DecimalField(
        **MONEY_FIELD, help_text=_("Price and overtime fees of confirmed, checked-in and completed bookings.")
    )
    cancellation_fees = serializers.DecimalField(**MONEY_FIELD)
    no_show_fees = serializers.DecimalField(**MONEY_FIELD)
    revenue = serializers.DecimalField(**MONEY_FIELD, help_text=_("The three above together (CNY)."))
    bookings = serializers.IntegerField(help_text=_("Confirmed, checked-in and completed bookings."))
    cancellations = serializers.IntegerField()
    cancellations_with_fee = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    average_lead_hours = serializers.DecimalField(
        **HOURS_FIELD,
        allow_null=True,
        help_text=_("Average hours from the request to the start, over the booked bookings."),
    )


class RevenueWeekOut(RevenueOut):
    week = serializers.DateField(help_text=_("The Monday of the week bookings start in."))


class HourOut(serializers.Serializer):
    hour = serializers.IntegerField(min_value=0, max_value=23, help_text=_("Local clock hour."))
    booked_hours = serializers.DecimalField(**HOURS_FIELD)


class OccupancyOut(serializers.Serializer):
    base = serializers.IntegerField()
    base_name = serializers.CharField()
    locals()["from"] = serializers.DateField()
    to = serializers.DateField()
    time_zone = serializers.CharField()
    sets = OccupancySetOut(many=True)
    days = serializers.ListField(child=serializers.DateField())
    weeks = serializers.ListField(child=serializers.DateField())
    set_days = SetDayOut(many=True, help_text=_("Every set × day of the window, sets in name order."))
    kind_weeks = KindWeekOut(many=True)
    base_days = BaseDayOut(many=True)
    base_weeks = BaseWeekOut(many=True)
    total = UsageOut()
    revenue_weeks = RevenueWeekOut(many=True)
    revenue_total = RevenueOut()
    hours = HourOut(many=True, help_text=_("Booked hours per local clock hour, 0–23."))
