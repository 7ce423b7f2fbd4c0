import django_filters

from review.models import ReviewSubmission


class ReviewSubmissionFilterSet(django_filters.FilterSet):
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = ReviewSubmission
        fields = ["stage", "kind", "production", "centre"]
