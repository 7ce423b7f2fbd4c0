"""Which objects of a model an organisation may name: one registry, read by every input that takes an id.

Each app marks, in its ``selectors.py``, the selectors that say what an organisation sees of its models
(``StudioConfig.ready`` imports every app's ``selectors.py``, as the admin finds every ``admin.py``)::

    @scope(Set)                              # called as sets_visible_to(organization=...)
    def sets_visible_to(*, organization): ...

(``register(Set, sets_visible_to)`` does the same for a selector defined elsewhere.)

A model may have several registrations (a production is seen by its company, by the operators it
booked and by the review centres it submitted to): an object is visible when any of them returns it.

Filter parameters (``config.filters.DjangoFilterBackend``) and the admin's relation fields and list
filters (``studio.admin_scoping``) offer and accept only these objects, so another organisation's
object answers exactly like a missing one. A model nobody registered cannot be named at all: asking
for its scope raises ``Unscoped`` (a filter or an admin field over it fails on its first request, and
``manage.py check`` reports the API filters that would).
"""

from collections.abc import Callable, Iterable

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.urls import URLResolver, get_resolver
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import get_model_field

Selector = Callable[..., QuerySet]

_registry: dict[type[Model], list[Selector]] = {}


class Unscoped(ImproperlyConfigured):
    """A model is named by an input (a filter, an admin field) but no app registered its scope."""


def register(model: type[Model], selector: Selector) -> None:
    """Add ``selector(organization=...)`` to what organisations may see of ``model``."""
    selectors = _registry.setdefault(model, [])
    if selector not in selectors:
        selectors.append(selector)


def scope(model: type[Model]) -> Callable[[Selector], Selector]:
    """Decorate a selector ``f(*, organization)``: register it as what organisations may see of ``model``."""

    def decorator(selector: Selector) -> Selector:
        register(model, selector)
        return selector

    return decorator


def is_registered(model: type[Model]) -> bool:
    return bool(_scopes(model, strict=False))


def _scopes(model: type[Model], *, strict: bool = True) -> list[Selector]:
    found = _registry.get(model) or _registry.get(model._meta.concrete_model) or []
    if not found and strict:
        raise Unscoped(
            f"{model._meta.label} is named by an input (a filter parameter or an admin field) but has no "
            f"registered scope: mark its selector with @config.scoping.scope({model.__name__}) in its "
            f"app's selectors.py."
        )
    return found


def visible_q(model: type[Model], organizations: Iterable) -> Q:
    """A filter on ``model`` keeping the objects any of ``organizations`` may see (nothing for none)."""
    selectors = _scopes(model)  # an unregistered model fails even for someone with no organisation
    condition = Q(pk__in=[])
    for organization in organizations:
        for selector in selectors:
            condition |= Q(Exists(selector(organization=organization).filter(pk=OuterRef("pk"))))
    return condition


def narrow(queryset: QuerySet, organizations: Iterable) -> QuerySet:
    """``queryset`` less what none of ``organizations`` may see."""
    return queryset.filter(visible_q(queryset.model, list(organizations)))


def model_choice_filters(viewset) -> list[tuple[str, type[Model]]]:
    """``(parameter, model)`` for each filter of ``viewset``'s list that names an object of ``model``."""
    if not any(issubclass(backend, DjangoFilterBackend) for backend in viewset.filter_backends):
        return []
    view = viewset(action="list", format_kwarg=None)
    model = getattr(getattr(getattr(viewset, "filterset_class", None), "_meta", None), "model", None)
    if model is None:  # filterset_fields: the model the list renders
        try:
            model = getattr(getattr(view.get_serializer_class(), "Meta", None), "model", None)
        except AssertionError:  # no serializer: nothing listed to filter
            return []
    if model is None:
        return []
    filterset_class = DjangoFilterBackend().get_filterset_class(view, model._default_manager.all())
    if filterset_class is None:
        return []
    found = []
    for name, filter_ in filterset_class.base_filters.items():
        if isinstance(filter_, ModelChoiceFilter | ModelMultipleChoiceFilter):
            target = getattr(filter_.queryset, "model", None)
            if target is None:  # a callable queryset: the model is the relation's
                target = get_model_field(filterset_class._meta.model, filter_.field_name).related_model
            found.append((name, target))
    return found


def _listed_viewsets(patterns=None, prefix: str = "/") -> dict[type, str]:
    """Every viewset the URL conf serves a list for, with the list's path (``/api/v1/bookings/``)."""
    found: dict[type, str] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            for viewset, path in _listed_viewsets(pattern.url_patterns, route).items():
                found.setdefault(viewset, path)
        elif "list" in (getattr(pattern.callback, "actions", None) or {}).values():
            found.setdefault(pattern.callback.cls, route)
    return found


@checks.register("scoping")
def check_api_filters(app_configs=None, **kwargs):
    """Every API filter that takes an object names a model with a registered scope.

    The viewsets come from the URL conf, as Django's own URL checks find them: the check sees what is
    served, and this module (which every app's selectors import) imports no view.
    """
    errors = []
    for viewset, path in _listed_viewsets().items():
        for name, model in model_choice_filters(viewset):
            if not is_registered(model):
                errors.append(
                    checks.Error(
                        f"{path}?{name}= names {model._meta.label}, which has no registered scope.",
                        hint=f"@config.scoping.scope({model.__name__}) on its selector in its selectors.py.",
                        obj=viewset,
                        id="scoping.E001",
                    )
                )
    return errors
