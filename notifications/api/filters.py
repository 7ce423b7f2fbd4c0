import django_filters

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
    event_type = django_filters.CharFilter(field_name="event__type")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Delivery
        fields = ["status", "channel", "event", "endpoint"]
