"""Search pages read their count with the page (``WindowCountPaginator``) and render like before."""

import pytest
from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.request import Request

from config.pagination import WindowCountPaginator
from locations.api.serializers import SetOut
from locations.models import Set
from tests.factories import BaseFactory, CompanyFactory, SetFactory, SetPhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_client(member, api):
    company = CompanyFactory()
    return api(member(company), company)


def _page(paginator, number):
    """What a page shows, or the error it raises (type and message)."""
    try:
        page = paginator.page(number)
    except InvalidPage as exc:
        return type(exc), str(exc)
    return list(page), page.paginator.count, page.paginator.num_pages, page.has_next()


def test_pages_counts_and_errors_are_those_of_the_plain_paginator():
    base = BaseFactory()
    for n in range(7):
        SetFactory(base=base, name=f"Set {n}")
    lists = {
        "all": Set.objects.order_by("name", "id"),
        "none": Set.objects.filter(name="nothing").order_by("id"),
        "distinct": Set.objects.filter(base__is_active=True).distinct().order_by("id"),
        "values": Set.objects.values("id").order_by("id"),
    }
    for name, queryset in lists.items():
        for per_page in (1, 3, 7, 10):
            for number in (1, 2, 3, 4, 8, 0, -1, "2", "x", 1.5, None):
                expected = _page(Paginator(queryset, per_page), number)
                got = _page(WindowCountPaginator(queryset, per_page), number)
                assert got == expected, (name, per_page, number)
        assert _page(WindowCountPaginator(queryset, 3, allow_empty_first_page=False), 1) == _page(
            Paginator(queryset, 3, allow_empty_first_page=False), 1
        )
    assert isinstance(_page(WindowCountPaginator(lists["all"], 3), "x")[0](), PageNotAnInteger)
    assert isinstance(_page(WindowCountPaginator(lists["all"], 3), 9)[0](), EmptyPage)


def test_a_page_with_rows_or_an_empty_first_page_is_one_query():
    base = BaseFactory()
    for _ in range(5):
        SetFactory(base=base)
    queryset = Set.objects.order_by("id")
    for number, expected_queries in ((1, 1), (2, 1), (3, 2)):  # page 3 of 2: the count decides
        with CaptureQueriesContext(connection) as queries:
            _page(WindowCountPaginator(queryset, 3), number)
        assert len(queries) == expected_queries, number
    with CaptureQueriesContext(connection) as queries:
        assert _page(WindowCountPaginator(queryset.none(), 3), 1)[:2] == ([], 0)
        assert _page(WindowCountPaginator(queryset.filter(name="nothing"), 3), 1)[:2] == ([], 0)
    assert len(queries) == 1  # none() asks nothing
    with CaptureQueriesContext(connection) as queries:
        _page(WindowCountPaginator(queryset.distinct(), 3), 1)
    assert len(queries) == 2  # the window would count before DISTINCT: plain count and page


def test_search_pages_walk_the_whole_list(company_client):
    base = BaseFactory()
    made = [SetFactory(base=base, hourly_rate=100 + n) for n in range(7)]
    url = "/api/v1/sets/?ordering=hourly_rate&page_size=3"
    first = company_client.get(url).json()
    assert first["count"] == 7 and first["previous"] is None and "page=2" in first["next"]
    last = company_client.get(url + "&page=last").json()
    assert last["count"] == 7 and last["next"] is None and "page=2" in last["previous"]
    middle = company_client.get(url + "&page=2").json()
    rows = first["results"] + middle["results"] + last["results"]
    assert [row["id"] for row in rows] == [set_.pk for set_ in made]
    past = company_client.get(url + "&page=4")
    assert past.status_code == 404
    empty = company_client.get("/api/v1/sets/?kind=court").json()
    assert (empty["count"], empty["results"], empty["next"]) == (0, [], None)


def test_kind_label_is_the_choice_label_in_the_active_language():
    field = SetOut().fields["kind_label"]
    kinds = [*Set.Kind.values, "legacy"]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels = [field.to_representation(field.get_attribute(Set(kind=kind))) for kind in kinds]
            assert labels == [Set(kind=kind).get_kind_display() for kind in kinds]
    assert labels[-1] == "legacy"  # a value outside the choices shows as it is
    row = SetOut(SetFactory(kind=Set.Kind.ICU)).data
    assert row["kind"] == "icu" and row["kind_label"] == Set(kind="icu").get_kind_display()


def test_each_serializer_gets_fields_of_its_own(settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    photo = SetPhotoFactory()
    set_ = Set.objects.prefetch_related("photos").get(pk=photo.set_id)
    first, second = SetOut(set_), SetOut(set_)
    assert first.fields["photos"] is not second.fields["photos"]
    assert first.fields["photos"].child is not second.fields["photos"].child
    urls = []
    for host in ("a.example", "b.example"):
        request = Request(RequestFactory().get("/", HTTP_HOST=host))
        urls.append(SetOut(set_, context={"request": request}).data["photos"][0]["image"])
    assert urls[0].startswith("http://a.example/") and urls[1].startswith("http://b.example/")
