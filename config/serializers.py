"""Serializer building blocks shared by every app: strict input, aware datetimes, scoped foreign keys,
lists capped before their items are looked at, and output serializers whose fields are introspected once."""

import copy
from collections.abc import Callable

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils import html
from rest_framework.utils.formatting import lazy_format

from config.compiled import CompiledQuery
from config.dates import DateField, InRangeMixin


class AwareDateTimeField(InRangeMixin, serializers.DateTimeField):
    """A datetime that must carry its UTC offset (a naive time is ambiguous) and fall in 2000–2100."""

    default_error_messages = {
        "naive": _("Datetime must include a timezone offset, e.g. 2026-03-01T08:00:00+08:00."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = super().to_internal_value(value)
            # DRF makes naive input aware in the current zone; look at the raw text instead.
            from django.utils.dateparse import parse_datetime

            raw = parse_datetime(value.strip())
            if raw is not None and timezone.is_naive(raw):
                self.fail("naive")
            return parsed
        return super().to_internal_value(value)


class ChoiceField(serializers.ChoiceField):
    """A choice whose refusal lists the valid values with their labels (``villa（别墅）``), not only
    the value it refused."""

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            valid = _(", ").join(
                str(_("%(value)s (%(label)s)") % {"value": value, "label": label})
                for value, label in self.choices.items()
            )
            message = _("“%(input)s” is not a valid choice. Valid values: %(valid)s.")
            raise serializers.ValidationError(
                message % {"input": data, "valid": valid},
                code="invalid_choice",
            ) from None


class StrictSerializerMixin:
    """Reject keys the serializer does not know, so a typo is a 400 rather than silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class InputSerializer(StrictSerializerMixin, serializers.Serializer):
    """Base class for command inputs."""

    serializer_field_mapping = None


class ModelInputSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """Base class for model-shaped inputs; datetimes must be aware."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: AwareDateTimeField,
        models.DateField: DateField,
    }
    serializer_choice_field = ChoiceField


def _limit(value: int | Callable[[], int]) -> int:
    return int(value() if callable(value) else value)


class CappedListField(serializers.ListField):
    """A list whose length is checked on the raw input, before any item is validated.

    DRF's ``ListField(max_length=...)`` validates every item first and counts afterwards, so a client
    sending 100,000 items makes the server validate (and perhaps look up) all of them before the 400.
    ``max_length`` is required and may be a callable (a setting read per request); the schema shows
    it as ``maxItems``.
    """

    def __init__(self, *, max_length: int | Callable[[], int], **kwargs):
        self.max_items = max_length
        super().__init__(**kwargs)
        self.validators.append(MaxLengthValidator(max_length))  # for drf-spectacular's maxItems

    def to_internal_value(self, data):
        if html.is_html_input(data):
            data = html.parse_html_list(data, default=[])
        limit = _limit(self.max_items)
        if isinstance(data, list | tuple) and len(data) > limit:
            self.fail("max_length", max_length=limit)
        return super().to_internal_value(data)


class CappedListSerializer(serializers.ListSerializer):
    """``Child(many=True)`` with a required cap (an int or a callable), checked before any item is validated.

    Declared as ``CappedListSerializer(child=ItemIn(), max_length=conf.batch_max_items)``. Unlike
    DRF's own ``max_length`` on a list serializer, the cap may be a setting read per request, the
    refusal names the field itself (not a nested ``non_field_errors``) and the schema shows ``maxItems``.
    """

    def __init__(self, *args, max_length: int | Callable[[], int], **kwargs):
        self.max_items = max_length
        kwargs.setdefault("validators", [MaxLengthValidator(max_length)])  # for drf-spectacular's maxItems
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if html.is_html_input(data):
            data = html.parse_html_list(data, default=[])
        limit = _limit(self.max_items)
        if isinstance(data, list) and len(data) > limit:
            raise serializers.ValidationError(
                [self.error_messages["max_length"].format(max_length=limit)], code="max_length"
            )
        return super().to_internal_value(data)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices come from a selector scoped to the acting organisation.

    ``scope`` is a selector, called as ``scope(organization=<the acting organisation>)``; a key outside
    it is a 400 that reads exactly like a key that does not exist. ``queryset`` names the model (for the
    schema) and is what is used when there is no acting organisation: nothing.
    """

    #: scope -> its primary-key look-up compiled once per process (``config.compiled``)
    _compiled: dict = {}

    def __init__(self, *, scope, queryset, compiled: bool = False, **kwargs):
        """``compiled``: the look-up is compiled once per process; only for a ``scope`` whose SQL depends on
        nothing but the organisation's id."""
        self.scope = scope
        self.compiled = compiled
        super().__init__(queryset=queryset.none(), **kwargs)

    def to_internal_value(self, data):
        # The common case (a JSON integer naming an object in scope) by the compiled look-up; anything
        # else, a miss included, by DRF's own path, so that every error reads exactly as before.
        organization = getattr(self.context.get("request"), "organization", None)
        if self.compiled and organization is not None and type(data) is int and -(2**63) <= data < 2**63:
            lookup = self._compiled.get(self.scope)
            if lookup is None:
                scope = self.scope

                def build(organization_id, pk):
                    from studio.models import Organization

                    return scope(organization=Organization(pk=organization_id)).filter(pk=pk)

                lookup = self._compiled.setdefault(
                    self.scope, CompiledQuery(build, organization_id=int, pk=int)
                )
            found = lookup.run(organization_id=organization.pk, pk=data)
            if found:
                return found[0]
        return super().to_internal_value(data)

    def get_queryset(self):
        request = self.context.get("request")
        organization = getattr(request, "organization", None) if request else None
        if organization is None:
            return self.queryset
        return self.scope(organization=organization)


class _Evaluated(Exception):
    pass


def _fresh_message(validator):
    """``validator``, or a copy with a new ``lazy_format`` message where DRF gave it one.

    DRF builds its range and length messages as ``lazy_format``, which keeps its first rendering (in
    the language of that moment): each field copy needs its own, never-rendered one."""
    message = getattr(validator, "message", None)
    if not isinstance(message, lazy_format):
        return validator
    if message.result is not None:  # rendered already (its arguments are gone): cannot be copied
        raise _Evaluated
    validator = copy.copy(validator)
    validator.message = lazy_format(message.format_string, *message.args, **message.kwargs)
    return validator


def _clone_field(field: serializers.Field) -> serializers.Field:
    """An unbound copy of a declared field sharing its settings (see ``ClonedFieldsMixin``)."""
    if isinstance(field, serializers.BaseSerializer):  # its own fields and state: DRF's deep copy
        return copy.deepcopy(field)
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    validators = field.__dict__.get("_validators")
    if validators:
        try:
            clone._validators = [_fresh_message(validator) for validator in validators]
        except _Evaluated:
            return copy.deepcopy(field)
    child = field.__dict__.get("child")  # ``ListField``, ``DictField``: a child bound to its list
    if child is not None:
        clone.child = _clone_field(child)
        clone.child.parent = clone  # what ``bind`` set, but the parent; a second ``bind`` would refuse
    return clone


class ClonedFieldsMixin:
    # A comment, not a docstring: the OpenAPI schema would show it as every subclass's description.
    #
    # A serializer of declared fields whose instances get shallow copies of them instead of DRF's deep
    # copy (``Field.__deepcopy__`` builds every field again from its arguments: error messages merged
    # along the class hierarchy, validators made again). Each instance still has field objects of its
    # own to bind, so the ``parent``, ``field_name``, ``label`` and ``source`` it sets stay its own, and
    # a list of validators of its own whose DRF-built messages are new (``_fresh_message``); what the
    # copies share is what ``__init__`` fixed (arguments, choices, error messages), which validation only
    # reads. Only for fields that keep no other state once built: none that changes its own attributes
    # while validating; nested serializers still get DRF's deep copy.

    def get_fields(self):
        return {name: _clone_field(field) for name, field in self._declared_fields.items()}


class OutputModelSerializer(serializers.ModelSerializer):
    # A model serializer for responses, whose fields depend on ``Meta`` alone, so they are built once.
    # (A comment, not a docstring: the OpenAPI schema would show it as every subclass's description.)
    #
    # ``ModelSerializer`` introspects the model for every instance it is created for (field classes,
    # arguments, validators): ~2 ms for a 30-field booking on our machines, paid by every detail and
    # create response. Here the first instance of each class builds them and later ones get a deep
    # copy, the way DRF already hands declared fields to instances (``Field.__deepcopy__`` re-creates
    # each field from its arguments). Subclasses must not make their fields depend on the instance or
    # the context (methods that read the context while rendering are fine).

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")  # per class, never a parent's
        if built is None:
            built = cls._built_fields = super().get_fields()  # two threads racing build the same
        return copy.deepcopy(built)
