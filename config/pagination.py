"""Page-number pagination with a capped page size: a page size over the cap is a 400, not a surprise."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": [_("A whole number is required.")]}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [_("Must be between 1 and %(max)d.") % {"max": self.max_page_size}]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last":
            try:
                if int(raw) < 1:
                    raise ValueError
            except ValueError:
                raise ValidationError({"page": [_("A positive whole number is required.")]}) from None
        return super().paginate_queryset(queryset, request, view)
