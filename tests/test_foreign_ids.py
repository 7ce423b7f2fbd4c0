"""Another organisation's id is a missing id: in every filter parameter and every admin relation.

Generated from the router and the scoping walker's registries (``tests/<app>/scoping.py``, see
``tests/test_scoping.py``), so a filter, a route or an admin added later is checked without anyone
listing it here.

Foreign objects
---------------
The foreign objects of a model are made by the factories of the routes that *list* that model (their
serializer's model): a route's ``SCOPING`` factory when the route is ``ORGANIZATION`` or ``PARTICIPANTS``
scoped (the object belongs to a fresh organisation, so the requester takes no part in it), its
``INACTIVE`` factories when it is a ``CATALOGUE`` (an active catalogue object is everyone's to name;
a hidden one is its owner's only). User accounts have no route: a foreign one is a member of a fresh
organisation.

API
---
For every list route, every filter parameter that names an object (a filter of the view's filterset,
declared or generated from ``filterset_fields``, over a relation; and every scoped id in a list's query
serializer) and every foreign object of that model: a member of an organisation of each kind the list
allows gets, byte for byte, what the same request answers while the object does not exist (deleted in
a savepoint that is rolled back). A choice filter's answer for a missing id must be the 400 naming the
parameter (else the probe proves nothing); a plain number filter answers 200 with nothing in both cases.

Admin
-----
For every registered ``ModelAdmin`` a staff member of one organisation (of each kind the admin serves)
can open: the relation fields of its add and change forms and of their inlines, and its relation list
filters, offer none of the foreign objects of the related model. A list filter also offers nothing of
the rows of the admin's own model made for another organisation, and does offer what the member's own
row points at (a control: the probe sees the filter's choices at all).
"""

import json

import pytest
from django.contrib import admin
from django.contrib.admin import FieldListFilter, RelatedFieldListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse
from django_filters import rest_framework as django_filters
from django_filters.utils import get_model_field

from notifications.models import AppendOnlyError
from studio.admin_scoping import OrganizationScopedAdmin
from studio.models import Membership, Organization
from studio.tenancy import Scope
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.test_scoping import (
    INACTIVE,
    ROUTES,
    SCOPING,
    Actors,
    _actions,
    _allowed_kinds,
    _owner_kind,
    _references,
    _route_model,
    _status_and_body,
)
from tests.test_scoping import _as_if_missing as scoping_as_if_missing

pytestmark = pytest.mark.django_db


# --- foreign objects, from the walker's registries ------------------------------------------------------


def _lists(route) -> bool:
    return "list" in {name for name, *_rest in _actions(route.viewset)}


def _listed_model(route):
    """The model a route's list shows (its serializer's, as the list action picks it)."""
    model = _route_model(route)
    if model is None:
        serializer_class = route.viewset(action="list", format_kwarg=None).get_serializer_class()
        model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    return model


def _foreign_factories() -> tuple[dict, set]:
    """model → [(route, factory)] making an object that only its own organisation sees; and the models
    listed only as a public catalogue with nothing hidden (no object of theirs is foreign to anyone)."""
    found, public = {}, set()
    for route in ROUTES:
        model = _listed_model(route) if _lists(route) else None
        if model is None:
            continue
        scope = getattr(route.viewset, "scope", None)
        if scope is Scope.CATALOGUE:
            factories = INACTIVE.get(route.basename, [])
            if not factories:
                public.add(model)
        elif scope in {Scope.ORGANIZATION, Scope.PARTICIPANTS} and route.basename in SCOPING:
            factories = [SCOPING[route.basename]]
        else:
            factories = []
        for factory in factories:
            found.setdefault(model, []).append((route, factory))
    return found, public - set(found)


FOREIGN, PUBLIC = _foreign_factories()


class _Rollback(Exception):
    pass


def _as_if_missing(obj, send):
    """``tests.test_scoping``'s savepoint probe; an append-only row (an event) is deleted in SQL instead."""
    try:
        return scoping_as_if_missing(obj, send)
    except AppendOnlyError:
        pass
    answers = None
    try:
        with transaction.atomic():
            rows = type(obj)._base_manager.filter(pk=obj.pk)
            rows._raw_delete(rows.db)  # the rows pointing at it are checked at commit, which never comes
            answers = send()
            raise _Rollback
    except _Rollback:
        pass
    assert type(obj)._base_manager.filter(pk=obj.pk).exists()
    return answers


def _member_account(owner):
    return MembershipFactory(organization=owner).user


def _make_foreign(model) -> list:
    """One fresh foreign object per factory of ``model`` (each owned by a new organisation)."""
    made = []
    for route, factory in FOREIGN.get(model, []):
        owner = OrganizationFactory(kind=_owner_kind(factory, route.viewset))
        made.append((f"{route.basename}:{getattr(factory, '__name__', 'factory')}", factory(owner)))
    if model is get_user_model():
        made.append(("member of another organisation", _member_account(OrganizationFactory())))
    return made


def test_every_model_an_input_names_has_foreign_objects_to_probe_with():
    named = {model for _route, _name, model, _kind in ID_PARAMETERS} - PUBLIC
    assert named, "no filter parameter takes an id: the generator is broken"
    assert not named - set(FOREIGN), (
        f"filters name {sorted(m.__name__ for m in named - set(FOREIGN))} but no listed route makes "
        f"foreign ones: add a SCOPING (or INACTIVE) factory for the route that lists them"
    )


# --- API: filter parameters -------------------------------------------------------------------------------


def _filterset_class(viewset):
    if not any(
        issubclass(backend, django_filters.DjangoFilterBackend) for backend in viewset.filter_backends
    ):
        return None, None
    declared = getattr(viewset, "filterset_class", None)
    model = getattr(getattr(declared, "_meta", None), "model", None) or getattr(
        getattr(viewset.serializer_class, "Meta", None), "model", None
    )
    if model is None:
        return None, None
    backend = next(b for b in viewset.filter_backends if issubclass(b, django_filters.DjangoFilterBackend))
    return backend().get_filterset_class(viewset(), model._default_manager.all()), model


def _id_parameters():
    """(route, parameter, model, "choice" | "number") for every list filter that names an object."""
    found = []
    for route in ROUTES:
        if "list" not in {name for name, *_rest in _actions(route.viewset)}:
            continue
        filterset_class, model = _filterset_class(route.viewset)
        for name, filter_ in filterset_class.base_filters.items() if filterset_class else []:
            if filter_.lookup_expr not in {"exact", "in"}:
                continue
            try:
                field = get_model_field(model, filter_.field_name)
            except FieldDoesNotExist:
                continue
            if field is None or not field.is_relation or field.related_model is None:
                continue
            kind = "choice" if isinstance(filter_, django_filters.ModelChoiceFilter) else "number"
            if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
                kind = "choice"
            found.append((route, name, field.related_model, kind))
        for reference in _references():  # scoped ids in a list's query serializer (the sets search...)
            if (
                reference.location == "query"
                and reference.viewset is route.viewset
                and reference.action == "list"
            ):
                found.append((route, reference.field[0], reference.model, "choice"))
    return found


ID_PARAMETERS = _id_parameters()


@pytest.mark.parametrize(
    "case", ID_PARAMETERS, ids=[f"{route.basename}?{name}" for route, name, _model, _kind in ID_PARAMETERS]
)
def test_a_foreign_id_in_a_filter_answers_like_a_missing_one(case):
    route, name, model, kind = case
    kinds = _allowed_kinds(route.viewset, "list") or set(Organization.Kind)
    actors = Actors(route.viewset)
    clients = [
        (requester_kind, actors.client(actors.organization("requester", requester_kind), "list", "get"))
        for requester_kind in sorted(kinds)
    ]
    url = reverse(f"{route.basename}-list")
    if model in PUBLIC:
        pytest.skip(f"{model.__name__} is a public catalogue: every organisation may name any of them")
    foreign = _make_foreign(model)
    assert foreign, f"no factory makes another organisation's {model.__name__}"
    failures = []
    for label, obj in foreign:

        def send(obj=obj):
            return [_status_and_body(client.get(url, {name: obj.pk})) for _kind, client in clients]

        missing = _as_if_missing(obj, send)
        answers = send()
        for (requester_kind, _client), (status, body), (missing_status, missing_body) in zip(
            clients, answers, missing, strict=True
        ):
            who = f"GET {url}?{name}=<{label}> by a {requester_kind}"
            if kind == "choice":
                assert missing_status == 400 and name in json.loads(missing_body)["fields"], (
                    f"{who}: a missing id should be the 400 naming {name!r}, so this probe proves "
                    f"something: {missing_status} {missing_body[:300]!r}"
                )
            else:
                assert missing_status == 200, (
                    f"{who}: a missing id answers {missing_status} {missing_body[:300]!r}"
                )
            if (status, body) != (missing_status, missing_body):
                failures.append(
                    f"{who}: {status} {body[:200]!r}, but for a missing id {missing_status} "
                    f"{missing_body[:200]!r}"
                )
    assert not failures, "another organisation's id answers differently from a missing one:\n" + "\n".join(
        failures
    )


# --- admin: relation fields and list filters ---------------------------------------------------------------


ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _admin_kinds(model_admin):
    policy = getattr(model_admin, "policy", None)
    return sorted(policy.admin_rule(write=False).kinds) if policy else sorted(Organization.Kind)


def _staff_member(model_admin, organization):
    policy = getattr(model_admin, "policy", None)
    roles = set(policy.admin_rule(write=False).roles) if policy else set(Membership.Role)
    writers = (set(policy.admin_rule(write=True).roles) if policy else set()) & roles
    role = (
        Membership.Role.OWNER if Membership.Role.OWNER in (writers or roles) else sorted(writers or roles)[0]
    )
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=organization, role=role)
    return user


def _request(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _own_rows(model, model_admin, request, owner):
    """Objects of the admin's model made for ``owner`` by the walker's factories, if the admin shows them."""
    rows = []
    for route in ROUTES:
        if _route_model(route) is model and route.basename in SCOPING:
            kinds = _allowed_kinds(route.viewset, "list") or _allowed_kinds(route.viewset, "retrieve")
            if kinds is not None and owner.kind not in kinds:
                continue
            row = SCOPING[route.basename](owner)
            if type(row) is model and model_admin.get_queryset(request).filter(pk=row.pk).exists():
                rows.append(row)
    return rows


def _related_pks(obj, path: str) -> set[str]:
    values = [obj]
    for part in path.split("__"):
        following = []
        for value in values:
            attribute = getattr(value, part, None)
            if attribute is None:
                continue
            if hasattr(attribute, "all") and callable(attribute.all):
                following.extend(attribute.all())
            else:
                following.append(attribute)
        values = following
    return {str(value.pk) for value in values}


def _relation_fields(model_admin, request, obj):
    """(where, name, field) for every relation field of the admin's form and inline forms for ``obj``."""
    found = []
    form_class = model_admin.get_form(request, obj, change=obj is not None)
    found += [("form", name, field) for name, field in form_class.base_fields.items()]
    for formset, inline in model_admin.get_formsets_with_inlines(request, obj):
        parent_link = getattr(getattr(formset, "fk", None), "name", None)  # the parent itself, not a choice
        found += [
            (type(inline).__name__, name, field)
            for name, field in formset.form.base_fields.items()
            if name != parent_link
        ]
    return [(where, name, field) for where, name, field in found if isinstance(field, ModelChoiceField)]


def _relation_list_filters(model, model_admin, request):
    """The admin's relation list filters as the changelist builds them (also those it would hide for
    having a single choice)."""
    specs = []
    for item in model_admin.get_list_filter(request):
        path, filter_class = item if isinstance(item, list | tuple) else (item, None)
        if not isinstance(path, str):
            continue  # a SimpleListFilter class
        field = get_fields_from_path(model, path)[-1]
        if not field.is_relation:
            continue
        make = filter_class or FieldListFilter.create
        spec = make(field, request, {}, model, model_admin, field_path=path)
        if isinstance(spec, RelatedFieldListFilter):
            specs.append(spec)
    return specs


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[model._meta.label for model, _admin in ADMINS]
)
def test_an_admin_offers_no_other_organisations_objects(model, model_admin):
    failures, probed = [], 0
    for kind in _admin_kinds(model_admin):
        own = OrganizationFactory(kind=kind)
        request = _request(_staff_member(model_admin, own))
        if not model_admin.has_view_permission(request):
            continue
        own_rows = _own_rows(model, model_admin, request, own)
        theirs = OrganizationFactory(kind=kind)
        their_rows = [
            row
            for route in ROUTES
            if _route_model(route) is model and route.basename in SCOPING
            for row in [SCOPING[route.basename](theirs)]
            if type(row) is model
        ]
        foreign_cache = {}

        def foreign(related_model, cache=foreign_cache):
            if related_model not in cache:
                cache[related_model] = _make_foreign(related_model)
            return cache[related_model]

        pages = [None] if model_admin.has_add_permission(request) else []
        pages += [row for row in own_rows[:1] if model_admin.has_change_permission(request, row)]
        for page in pages:
            for where, name, field in _relation_fields(model_admin, request, page):
                related = field.queryset.model
                for label, obj in foreign(related):
                    probed += 1
                    if field.queryset.filter(pk=obj.pk).exists():
                        failures.append(
                            f"{kind} staff, {'change' if page else 'add'} page, {where}.{name} offers "
                            f"another organisation's {related.__name__} ({label})"
                        )

        for spec in _relation_list_filters(model, model_admin, _request(request.user)):
            offered = {str(pk) for pk, _label in spec.lookup_choices}
            for label, obj in foreign(spec.field.related_model):
                probed += 1
                if str(obj.pk) in offered:
                    failures.append(
                        f"{kind} staff, list filter {spec.field_path!r} offers another organisation's "
                        f"{spec.field.related_model.__name__} ({label})"
                    )
            for row in their_rows:
                for pk in _related_pks(row, spec.field_path):
                    probed += 1
                    if pk in offered:
                        failures.append(
                            f"{kind} staff, list filter {spec.field_path!r} offers what another "
                            f"organisation's {model.__name__} points at (#{pk})"
                        )
            for row in own_rows:
                missing = _related_pks(row, spec.field_path) - offered
                assert not missing, (
                    f"{kind} staff, list filter {spec.field_path!r}: the member's own row points at "
                    f"{sorted(missing)}, which the filter does not offer (the control failed)"
                )
    assert not failures, f"{model._meta.label} admin:\n" + "\n".join(failures)
    if isinstance(model_admin, OrganizationScopedAdmin) and not probed:
        pytest.skip(f"{model._meta.label}: no relation field or filter to probe")


# --- the contract can fail ---------------------------------------------------------------------------------


def test_the_admin_probe_reports_an_unscoped_field(monkeypatch):
    """With the scoping switched off, the scene editor's cast picker offers every company's people."""
    from crews.models import Scene
    from studio import admin_scoping

    monkeypatch.setattr(admin_scoping, "scope_relation_fields", lambda fields, organizations, **kw: None)
    with pytest.raises(AssertionError, match=r"form\.cast offers another organisation's Person"):
        test_an_admin_offers_no_other_organisations_objects(Scene, admin.site._registry[Scene])


def test_the_filter_probe_reports_an_unscoped_filter(monkeypatch):
    """Without the filters' narrowing, a foreign crew in ``?crew=`` answers 200 and a missing one 400."""
    from config import scoping

    monkeypatch.setattr(scoping, "narrow", lambda queryset, organizations: queryset)
    case = next(case for case in ID_PARAMETERS if case[0].basename == "crew-member" and case[1] == "crew")
    with pytest.raises(AssertionError, match="answers differently from a missing one"):
        test_a_foreign_id_in_a_filter_answers_like_a_missing_one(case)


def test_a_filter_over_a_model_with_no_registered_scope_fails_loudly(monkeypatch):
    """Nobody can add an unscoped filter later: the request fails, and ``manage.py check`` says why."""
    from config import scoping
    from crews.models import Crew

    monkeypatch.delitem(scoping._registry, Crew)
    errors = scoping.check_api_filters()
    assert {error.id for error in errors} == {"scoping.E001"}
    assert {error.msg for error in errors} == {
        "/api/v1/crew-members/?crew= names crews.Crew, which has no registered scope.",
        "/api/v1/shoot-days/?crew= names crews.Crew, which has no registered scope.",
    }
    case = next(case for case in ID_PARAMETERS if case[0].basename == "crew-member" and case[1] == "person")
    actors = Actors(case[0].viewset)
    client = actors.client(
        actors.organization("requester", Organization.Kind.PRODUCTION_COMPANY), "list", "get"
    )
    client.raise_request_exception = True
    with pytest.raises(scoping.Unscoped, match="crews.Crew"):
        client.get(reverse("crew-member-list"))


def test_the_filter_check_walks_every_listed_viewset_of_the_api():
    """The check finds the viewsets in the URL conf: each router viewset with a list, at its path."""
    from config import scoping
    from config.api import router

    expected = {
        viewset: f"/api/v1/{prefix}/"
        for prefix, viewset, _basename in router.registry
        if hasattr(viewset, "list")
    }
    assert scoping._listed_viewsets() == expected
