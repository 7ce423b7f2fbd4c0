import django_filters

from config.filters import IdFilter
from notifications.models import Delivery, Event


class EventFilterSet(django_filters.FilterSet):
    type = django_filters.CharFilter()
    type_prefix = django_filters.CharFilter(field_name="type", lookup_expr="startswith")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Event
        fields = ["type"]


class DeliveryFilterSet(django_filters.FilterSet):
    # plain numbers: a choice filter would tell whether another organisation's event or endpoint exists
    event = IdFilter(field_name="event_id")
    endpoint = IdFilter(field_name="endpoint_id")
    event_type = django_filters.CharFilter(field_name="event__type")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Delivery
        fields = ["status", "channel"]
