"""Filter backends shared by every list endpoint.

Every date and datetime filter parameter (declared or generated from ``filterset_fields``) takes only
dates in ``config.dates``' range: an out-of-range value is a 400 naming the parameter.

Every parameter that names an object (a ``ModelChoiceFilter`` or ``ModelMultipleChoiceFilter``, declared
or generated from ``filterset_fields``) accepts only what the acting organisation may see
(``config.scoping``): another organisation's id is the same 400 "Select a valid choice" naming the
parameter as an id that does not exist. A filter over a model with no registered scope fails loudly.

A yes/no parameter takes ``true``/``false`` (``1``/``0``) or nothing: ``?special_subject=maybe`` is a 400
naming it, where django-filter read any other value as no filter and answered every row.

A parameter that takes a plain id (``IdFilter``) takes a whole number in the id range: ``?base=1.5`` is a
400 naming it, where a number filter let the column round it to base 1.

``?ordering=`` with a field the view does not offer is a 400 naming the allowed fields: DRF's own
filter drops unknown fields silently, so a typo returned a differently ordered page without a word.
"""

from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from config import scoping
from config.dates import validate_in_range
from config.fields import ID_MAX


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A plain id as a filter parameter: a whole number from 1 to ``ID_MAX``, an integer in the schema."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class _StrictBooleanWidget(BooleanWidget):
    """django-filter's yes/no widget, passing on a value it does not know instead of dropping it."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        raw = data.get(name)
        return raw if value is None and raw not in (None, "") else value


class _StrictNullBooleanField(forms.NullBooleanField):
    widget = _StrictBooleanWidget

    def to_python(self, value):
        if isinstance(value, str) and value:  # what the widget could not read
            raise FormValidationError(_("Enter true or false."), code="invalid")
        return super().to_python(value)


class DjangoFilterBackend(django_filters.DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            organization = getattr(request, "organization", None)
            fields = filterset.form.fields
            for name, field in list(fields.items()):
                if isinstance(field, forms.NullBooleanField):
                    fields[name] = _StrictNullBooleanField(required=False, label=field.label)
                elif isinstance(field, forms.DateField | forms.DateTimeField):
                    field.validators.append(validate_in_range)
                elif isinstance(field, forms.ModelChoiceField):  # the multiple-choice field is one too
                    organizations = [organization] if organization is not None else []
                    field.queryset = scoping.narrow(field.queryset, organizations)
        return filterset


class OrderingFilter(filters.OrderingFilter):
    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {item[0] for item in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [term for term in fields if term.lstrip("-") not in valid]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Unknown ordering field(s): %(unknown)s. Allowed: %(allowed)s.")
                        % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(valid)) or "-"}
                    ]
                }
            )
        return super().remove_invalid_fields(queryset, fields, view, request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        declared = getattr(view, "ordering_fields", None)
        if isinstance(declared, list | tuple) and declared:
            choices = []
            for name in declared:
                choices += [name, f"-{name}"]
            for parameter in parameters:
                if parameter["name"] == self.ordering_param:
                    parameter["schema"] = {"type": "string", "enum": choices}
        return parameters


class SearchFilter(filters.SearchFilter):
    """DRF's search, with a refused term (e.g. a NUL character) reported against ``search``."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from None
