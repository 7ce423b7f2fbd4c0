import django_filters

from bookings.models import Booking, WaitlistEntry
from config.filters import IdFilter


class BookingFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Booking.Status.choices)
    base = IdFilter(field_name="set__base_id")
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    date = django_filters.DateFilter(field_name="starts_at", lookup_expr="date")

    class Meta:
        model = Booking
        fields = ["status", "set", "base", "production", "batch"]


class WaitlistFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WaitlistEntry.Status.choices)

    class Meta:
        model = WaitlistEntry
        fields = ["status", "set"]
