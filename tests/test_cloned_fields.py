"""``ClonedFieldsMixin``: shallow copies of the declared fields validate exactly as DRF's deep copies."""

import pytest
from django.http import QueryDict
from django.utils import translation
from rest_framework import serializers

from locations.api.serializers import SetSearchIn


class DeepCopied(SetSearchIn):
    """The same serializer with DRF's own ``get_fields`` (a deep copy per instance)."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


QUERIES = [
    "",
    "kind=bar&kind=villa,court&tag=都市&base=1,2&zone=3&min_area=10&min_capacity=0",
    "kind=spaceship&tag=" + "a" * 51 + "&base=0&zone=x&min_area=-1&min_capacity=1.5",
    "kind=" + ",".join(["bar"] * 51),
    "max_hourly_rate=12.345&max_day_rate=-1&within_minutes=601&ordering=colour",
    "max_hourly_rate=99999999999&max_day_rate=12.5&ordering=-travel_minutes",
    "available_from=2026-12-07T10:00:00+08:00&available_to=2026-12-07T12:00:00+08:00",
    "available_from=2026-12-07T10:00:00&available_to=soon",
    "available_from=1999-12-07T10:00:00%2B08:00&available_to=2026-12-07T09:00:00%2B08:00",
    "near_lat=91&near_lon=-181",
    "near_lat=35.1234567&near_lon=abc&within_minutes=-1",
    "near_lat=35.1&near_lon=113.2&within_minutes=20&ordering=travel_minutes",
    "near_place=&near_set=x",
    "ordering=travel_minutes&within_minutes=5",
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_same_values_and_errors_as_with_deep_copies(query, language):
    data = QueryDict(query)
    with translation.override(language):
        cloned, deep = SetSearchIn(data=data), DeepCopied(data=data)
        assert cloned.is_valid() == deep.is_valid()
        assert cloned.errors == deep.errors
        assert [(str(e), e.code) for e in _flat(cloned.errors)] == [
            (str(e), e.code) for e in _flat(deep.errors)
        ]
        assert (cloned.validated_data if not cloned.errors else None) == (
            deep.validated_data if not deep.errors else None
        )


def _flat(errors):
    if isinstance(errors, dict):
        return [item for key in sorted(errors, key=str) for item in _flat(errors[key])]
    if isinstance(errors, list):
        return [item for value in errors for item in _flat(value)]
    return [errors]


def test_each_instance_binds_fields_of_its_own_and_the_declared_ones_stay_unbound():
    first, second = SetSearchIn(data={}), SetSearchIn(data={})
    for name, declared in SetSearchIn._declared_fields.items():
        one, other = first.fields[name], second.fields[name]
        assert one is not other and one is not declared
        assert (one.parent, other.parent) == (first, second)
        assert one.field_name == name and one.label == DeepCopied(data={}).fields[name].label
        assert declared.parent is None and declared.field_name is None and declared.source is None
        if hasattr(declared, "child"):
            assert one.child is not declared.child and one.child.parent is one
            assert declared.child.parent is declared
    assert first.fields["near_place"].root is first


def test_range_and_length_messages_follow_each_request_language():
    """DRF's ``lazy_format`` messages keep their first rendering: each copy gets new ones."""
    data = QueryDict("tag=" + "a" * 51 + "&base=0&min_area=-1&max_day_rate=-1&near_lat=91&near_lon=0")
    for language in ["zh-hans", "en", "zh-hans", "en"]:
        with translation.override(language):
            cloned, deep = SetSearchIn(data=data), DeepCopied(data=data)
            assert not cloned.is_valid() and not deep.is_valid()
            assert [str(e) for e in _flat(cloned.errors)] == [str(e) for e in _flat(deep.errors)]
    for declared in SetSearchIn._declared_fields.values():
        for field in (declared, getattr(declared, "child", None)):
            for validator in getattr(field, "_validators", []):
                assert getattr(getattr(validator, "message", None), "result", None) is None
