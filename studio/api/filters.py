import django_filters

from studio.models import Production


class ProductionFilterSet(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains")
    planned_start_after = django_filters.DateFilter(field_name="planned_start", lookup_expr="gte")
    planned_start_before = django_filters.DateFilter(field_name="planned_start", lookup_expr="lte")

    class Meta:
        model = Production
        fields = ["status", "genre", "special_subject", "tier"]
