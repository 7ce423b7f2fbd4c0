"""Page-number pagination with a capped page size: a page size over the cap is a 400, not a surprise.

``WindowCountPagination`` is the same pagination for an expensive list (a search whose filter takes
longer to build than to run): it reads the total from the page query itself instead of compiling and
running the filter a second time for the count. A list that is not a queryset takes part by offering
``window_page(offset, limit) -> (rows, total or None when no row)`` and ``count()`` (e.g. the search's
hand-written statement, ``locations.api.search.SearchRows``).
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
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


class WindowCountPaginator(Paginator):
    """A paginator that takes the total from the page query (``COUNT(*) OVER ()``): one query, not two.

    Window functions run after ``WHERE``/``GROUP BY`` and before ``LIMIT``, so every row of the page
    carries the count of the whole list. An empty first page means an empty list; an empty later page
    carries nothing, so the plain count decides then, exactly as ``Paginator`` would. Querysets where
    the window would not count the rows of the list (``distinct``, unions, ``values()``, ...) and
    lists that are not querysets are paginated by ``Paginator`` unchanged.
    """

    total_alias = "_paginator_total"

    def _counts_in_page_query(self) -> bool:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or "count" in self.__dict__ or self.orphans:
            return False
        query = queryset.query
        return (
            queryset._iterable_class is ModelIterable
            and not query.is_sliced
            and not query.distinct
            and not query.combinator
            and not query.select_for_update
            and connections[queryset.db].features.supports_over_clause
        )

    def page(self, number):
        windowed = hasattr(self.object_list, "window_page") and "count" not in self.__dict__
        if not windowed and not self._counts_in_page_query():
            return super().page(number)
        number = self._validate_lower_bound(number)
        bottom = (number - 1) * self.per_page
        if windowed:
            rows, total = self.object_list.window_page(bottom, self.per_page)
        else:
            queryset = self.object_list.annotate(**{self.total_alias: Window(Count("*"))})
            rows = list(queryset[bottom : bottom + self.per_page])
            total = getattr(rows[0], self.total_alias) if rows else None
        if rows:
            self.count = total  # fills the cached property
            return self._get_page(rows, number, self)
        if number == 1:
            self.count = 0  # an empty first page is an empty list
        # Past the end, or nothing at all: ``Paginator`` decides (count query, empty page or EmptyPage).
        return super().page(number)

    def _validate_lower_bound(self, number) -> int:
        """``validate_number`` without the upper bound, which needs the count."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class WindowCountPagination(PageNumberPagination):
    """``PageNumberPagination`` that reads the count with the page (see ``WindowCountPaginator``)."""

    django_paginator_class = WindowCountPaginator
