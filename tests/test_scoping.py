"""The scoping walker: every route of the API proves that one organisation cannot reach another's objects.

It walks ``config.api.router.registry`` (and ``config.api.extra_urlpatterns``), so a route added
later is checked without anyone writing a test for it, and a route nobody described fails.

What a route needs
------------------
1. Its viewset declares ``scope = studio.tenancy.Scope.<X>``.
2. Unless the scope is ``USER``, an entry in its app's registry ``tests/<app>/scoping.py``::

       SCOPING = {"<router basename>": factory}   # factory(owner_org) -> saved object

   The factory builds one object owned by ``owner_org`` and returns it (saved). The walker builds
   ``owner_org`` itself; its kind is ``factory.owner_kind`` if the factory has that attribute
   (``make_set.owner_kind = Organization.Kind.BASE_OPERATOR``), else the first kind the viewset
   allows for ``list`` / ``retrieve`` / ``create`` (``action_kinds`` / ``organization_kinds``),
   preferring a production company, else a production company.

   - ``ORGANIZATION``: the object belongs to ``owner_org`` alone.
   - ``PARTICIPANTS``: the object's participants are ``owner_org`` plus organisations the factory
     makes itself (fresh ones), so the walker's outsider organisation takes no part in it.
   - ``CATALOGUE``: the object is owned by ``owner_org`` and is *active* (visible in the shared
     catalogue: published, not archived).

3. For objects that can be hidden (deactivated, withdrawn), the same module may also declare::

       INACTIVE = {"<router basename>": [factory, ...]}   # factory(owner_org) -> saved hidden object

   each factory building one object of the route that exists but is hidden (a deactivated set, a set
   of a withdrawn base...). Hidden is hidden: to everyone but its owner it must be exactly a missing one.

What is checked
---------------
Always first, as a control: a member of the owner sees the object in the list and can retrieve it
(otherwise the rest proves nothing).

- ``ORGANIZATION`` / ``PARTICIPANTS``: for an outsider organisation of the same kind (its member
  holds a role the action allows, so the role check cannot hide a leak), the list does not contain
  the object, and ``retrieve`` / ``update`` / ``partial_update`` / ``destroy`` and every detail
  ``@action`` (each of its HTTP methods) answer 404; the object is still there afterwards.
- ``CATALOGUE``: a consumer organisation of another kind lists and retrieves the object; its
  ``create`` is 403 when its kind may not create, and its detail writes are refused (403/404); a
  rival organisation of the owner's kind gets 404 for every detail write.
- ``USER``: nothing to walk (the view holds no organisation's objects).

Hidden objects (``INACTIVE``): the owner still lists and retrieves the object (the control); for
organisations of every other kind and a rival of the owner's kind, the list does not show it and every
detail operation answers byte for byte what it answers when the object does not exist (the object is
deleted in a savepoint that is rolled back, so the id is the same). And every request that *names* such
an object (a ``ScopedPrimaryKeyRelatedField`` of its model in a request body, at any depth, or in a
query-parameter serializer, found in the OpenAPI description of every operation) answers, for a
requester of each kind the operation allows, byte for byte what it answers when the object is missing;
the missing answer must name that field (otherwise the probe proves nothing).

Parameters in a detail action's own path (``documents/(?P<document_id>[0-9]+)``) get a placeholder
value: the outsider must be refused on the parent object already. List-level ``@action`` routes
(``detail=False``) are not walked: what they return is specific to
them; test them in the app. Extra views outside the router only have to declare their scope.
"""

import importlib
import json
import pkgutil
import re
import sys
from dataclasses import dataclass
from functools import cache

import pytest
from django.db import transaction
from django.urls import include, path, reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import permissions, serializers
from rest_framework.routers import DefaultRouter
from rest_framework.test import APIClient

import tests
from config.api import extra_urlpatterns, router
from config.serializers import ScopedPrimaryKeyRelatedField
from locations.api.views import SetViewSet
from locations.models import Set
from studio.api.views import ProductionViewSet
from studio.models import Membership, Organization, Production
from studio.tenancy import Scope
from tests.factories import MembershipFactory, OrganizationFactory, token_for

STANDARD_ACTIONS = [
    ("list", "get", False),
    ("create", "post", False),
    ("retrieve", "get", True),
    ("update", "put", True),
    ("partial_update", "patch", True),
    ("destroy", "delete", True),
]
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _load_registries():
    registry, origin, problems = {}, {}, []
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        name = f"tests.{info.name}.scoping"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            problems.append(f"{name} does not import: {exc!r}")
            continue
        except Exception as exc:  # noqa: BLE001 - reported by test_registries_are_sound
            problems.append(f"{name} does not import: {exc!r}")
            continue
        entries = getattr(module, "SCOPING", None)
        if not isinstance(entries, dict):
            problems.append(f"{name} has no SCOPING dict")
            continue
        for basename, factory in entries.items():
            if basename in registry:
                problems.append(f"basename {basename!r} is in both {origin[basename]} and {name}")
            registry[basename] = factory
            origin[basename] = name
    return registry, origin, problems


SCOPING, SCOPING_ORIGIN, REGISTRY_PROBLEMS = _load_registries()


def _load_hidden_registries():
    """``INACTIVE`` of every ``tests/<app>/scoping.py`` (imported already by ``_load_registries``)."""
    hidden, problems = {}, []
    for info in pkgutil.iter_modules(tests.__path__):
        module = sys.modules.get(f"tests.{info.name}.scoping")
        entries = getattr(module, "INACTIVE", None)
        if entries is None:
            continue
        if not isinstance(entries, dict) or not all(isinstance(value, list) for value in entries.values()):
            problems.append(f"{module.__name__}.INACTIVE must map basenames to lists of factories")
            continue
        for basename, factories in entries.items():
            if basename in hidden:
                problems.append(f"basename {basename!r} has INACTIVE factories in two registries")
            hidden[basename] = factories
    return hidden, problems


INACTIVE, INACTIVE_PROBLEMS = _load_hidden_registries()


@dataclass(frozen=True)
class Route:
    prefix: str
    viewset: type
    basename: str

    def __str__(self):
        return self.basename


ROUTES = [Route(prefix, viewset, basename) for prefix, viewset, basename in router.registry]
EXTRA_VIEWS = [
    (pattern.name, pattern.callback.view_class)
    for pattern in extra_urlpatterns
    if hasattr(pattern.callback, "view_class")
]


def _app_of(viewset) -> str:
    return viewset.__module__.split(".")[0]


def _scope_problem(route: Route) -> str | None:
    scope = getattr(route.viewset, "scope", None)
    if not isinstance(scope, Scope):
        return (
            f"{route.viewset.__module__}.{route.viewset.__name__} (route {route.prefix!r}, basename "
            f"{route.basename!r}) declares no scope: add `scope = studio.tenancy.Scope.ORGANIZATION` "
            f"(or CATALOGUE / PARTICIPANTS / USER) to the viewset."
        )
    return None


def _registry_problem(route: Route) -> str | None:
    if route.viewset.scope is Scope.USER or route.basename in SCOPING:
        return None
    app = _app_of(route.viewset)
    return (
        f"route {route.prefix!r} (basename {route.basename!r}, scope {route.viewset.scope.name}) has no "
        f"scoping factory: add to tests/{app}/scoping.py  SCOPING = {{{route.basename!r}: "
        f"lambda owner: <Model>Factory(<owner field>=owner)}}  (see tests/test_scoping.py for the contract)."
    )


# --- structure: every route is described --------------------------------------------------------------


def test_registries_are_sound():
    assert not REGISTRY_PROBLEMS, "\n".join(REGISTRY_PROBLEMS)
    known = {route.basename for route in ROUTES} | {name for name, _view in EXTRA_VIEWS}
    stale = sorted(set(SCOPING) - known)
    assert not stale, f"SCOPING entries for routes that do not exist: {stale} (from {SCOPING_ORIGIN})"
    assert not INACTIVE_PROBLEMS, "\n".join(INACTIVE_PROBLEMS)
    stale = sorted(set(INACTIVE) - {route.basename for route in ROUTES})
    assert not stale, f"INACTIVE entries for routes that do not exist: {stale}"
    assert HIDDEN_CASES and HIDDEN_REFERENCE_CASES, "the hidden-object matrix is empty"


def test_the_router_has_routes():
    assert {"organization", "production"} <= {route.basename for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_declares_a_scope(route):
    problem = _scope_problem(route)
    assert problem is None, problem


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_has_a_scoping_factory(route):
    problem = _scope_problem(route) or _registry_problem(route)
    assert problem is None, problem


@pytest.mark.parametrize(("name", "view"), EXTRA_VIEWS, ids=[name for name, _view in EXTRA_VIEWS])
def test_extra_view_declares_a_scope(name, view):
    assert isinstance(getattr(view, "scope", None), Scope), (
        f"{view.__module__}.{view.__name__} (url {name!r}) declares no scope: add "
        f"`scope = studio.tenancy.Scope.USER` (or the scope of what it shows)."
    )


# --- behaviour: one organisation cannot reach another's objects ---------------------------------------


def _actions(viewset):
    """(action name, HTTP method, detail?, url name) for every operation the viewset offers."""
    found = []
    for name, method, detail in STANDARD_ACTIONS:
        if hasattr(viewset, name):
            found.append((name, method, detail, "detail" if detail else "list"))
    for extra in viewset.get_extra_actions():
        for method, func_name in extra.mapping.items():
            found.append((func_name, method, extra.detail, extra.url_name))
    return found


def _allowed_kinds(viewset, action):
    return {Organization.Kind(kind) for kind in viewset.policy.rule(action, reads=False).kinds}


def _allowed_roles(viewset, action, method):
    rule = viewset.policy.rule(action, reads=method.upper() in permissions.SAFE_METHODS)
    return {Membership.Role(role) for role in rule.roles}


def _pick(kinds):
    ordered = sorted(kinds)
    return (
        Organization.Kind.PRODUCTION_COMPANY if Organization.Kind.PRODUCTION_COMPANY in kinds else ordered[0]
    )


def _owner_kind(factory, viewset):
    declared = getattr(factory, "owner_kind", None)
    if declared:
        return Organization.Kind(declared)
    for action in ("list", "retrieve", "create"):
        kinds = _allowed_kinds(viewset, action)
        if kinds:
            return _pick(kinds)
    return Organization.Kind.PRODUCTION_COMPANY


class Actors:
    """Organisations and API clients for one walk, made on demand and reused."""

    def __init__(self, viewset):
        self.viewset = viewset
        self._orgs: dict = {}
        self._clients: dict = {}

    def organization(self, label, kind):
        if (label, kind) not in self._orgs:
            self._orgs[(label, kind)] = OrganizationFactory(kind=kind)
        return self._orgs[(label, kind)]

    def client(self, organization, action, method):
        roles = _allowed_roles(self.viewset, action, method)
        role = Membership.Role.OWNER if Membership.Role.OWNER in roles else sorted(roles)[0]
        if (organization.pk, role) not in self._clients:
            user = MembershipFactory(organization=organization, role=role).user
            client = APIClient()
            client.raise_request_exception = False
            client.credentials(
                HTTP_AUTHORIZATION=f"Token {token_for(user)}", HTTP_X_ORGANIZATION=str(organization.pk)
            )
            self._clients[(organization.pk, role)] = client
        return self._clients[(organization.pk, role)]


def _prefix_kwargs(route: Route, obj) -> dict:
    kwargs = {}
    for name in re.findall(r"\(\?P<(\w+)>", route.prefix):
        candidates = [name, name[:-3] + "_id" if name.endswith("_pk") else name + "_id"]
        for candidate in candidates:
            if hasattr(obj, candidate):
                value = getattr(obj, candidate)
                kwargs[name] = getattr(value, "pk", value)
                break
        else:
            pytest.fail(
                f"route {route.prefix!r}: cannot fill {name!r} from {obj!r}; give the object that attribute"
            )
    return kwargs


def _action_kwargs(route: Route, url_name: str) -> dict:
    """Placeholders for parameters in an action's own path (``documents/(?P<document_id>[0-9]+)``).

    The outsider must be refused on the parent object, before the sub-object is ever looked up.
    """
    for extra in route.viewset.get_extra_actions():
        if extra.url_name == url_name:
            return {
                name: "1" if re.fullmatch(pattern, "1") else "x"
                for name, pattern in re.findall(r"\(\?P<(\w+)>([^)]*)\)", extra.url_path)
            }
    return {}


def _url(route: Route, obj, url_name: str, detail: bool) -> str:
    kwargs = _prefix_kwargs(route, obj)
    if detail:
        lookup_kwarg = route.viewset.lookup_url_kwarg or route.viewset.lookup_field
        kwargs[lookup_kwarg] = getattr(obj, route.viewset.lookup_field)
    kwargs.update(_action_kwargs(route, url_name))
    return reverse(f"{route.basename}-{url_name}", kwargs=kwargs)


def _listed_keys(response, lookup_field):
    data = response.json()
    items = data["results"] if isinstance(data, dict) and "results" in data else data
    assert isinstance(items, list), f"list response is not a list: {data!r:.300}"
    field = "id" if lookup_field == "pk" else lookup_field
    for item in items:
        assert field in item, f"list items carry no {field!r} to identify objects by: {item!r:.300}"
    return {str(item[field]) for item in items}


def _body_format(viewset, action) -> str:
    """An empty body in a format the action parses, so that content negotiation cannot answer first."""
    parser_classes = viewset.parser_classes
    for extra in viewset.get_extra_actions():
        if action in extra.mapping.values():
            parser_classes = extra.kwargs.get("parser_classes", parser_classes)
    media_types = {parser.media_type for parser in parser_classes}
    return "json" if "application/json" in media_types or not media_types else "multipart"


def _call(client, method, url, viewset=None, action=None):
    if method in {"post", "put", "patch"}:
        body_format = _body_format(viewset, action) if viewset is not None else "json"
        return getattr(client, method)(url, {}, format=body_format)
    return getattr(client, method)(url)


def _owner_sees_it(route, actors, owner, obj, key):
    actions = {name for name, *_rest in _actions(route.viewset)}
    if "list" in actions:
        response = actors.client(owner, "list", "get").get(
            _url(route, obj, "list", False), {"page_size": 200}
        )
        assert response.status_code == 200, f"owner's list: {response.status_code} {response.content[:300]!r}"
        assert key in _listed_keys(response, route.viewset.lookup_field), (
            f"the owner does not see the factory's object in {route.basename} list: the factory in "
            f"{SCOPING_ORIGIN.get(route.basename)} must return an object owned by (or shared with) owner_org"
        )
    if "retrieve" in actions:
        response = actors.client(owner, "retrieve", "get").get(_url(route, obj, "detail", True))
        assert response.status_code == 200, (
            f"owner's retrieve: {response.status_code} {response.content[:300]!r}"
        )


def _walk_private(route, actors, owner, obj, key):
    failures = []
    for action, method, detail, url_name in _actions(route.viewset):
        if not detail and action != "list":
            continue  # create makes the outsider's own object; list-level actions are the app's to test
        kinds = _allowed_kinds(route.viewset, action)
        kind = owner.kind if kinds is None or owner.kind in kinds else _pick(kinds)
        outsider = actors.organization("outsider", kind)
        client = actors.client(outsider, action, method)
        url = _url(route, obj, url_name, detail)
        response = _call(client, method, url, route.viewset, action)
        if action == "list":
            if response.status_code != 200:
                failures.append(
                    f"{method.upper()} {url} ({action}) by an outsider: {response.status_code}, want 200"
                )
            elif key in _listed_keys(response, route.viewset.lookup_field):
                failures.append(
                    f"{method.upper()} {url} ({action}) by an outsider LISTS the other org's object"
                )
        elif response.status_code != 404:
            hint = (
                " (call self.get_object() before validating the body)" if response.status_code == 400 else ""
            )
            failures.append(
                f"{method.upper()} {url} ({action}) by an outsider: {response.status_code}, want 404{hint} "
                f"{response.content[:200]!r}"
            )
    return failures


def _walk_catalogue(route, actors, owner, obj, key):
    failures = []
    create_kinds = _allowed_kinds(route.viewset, "create")
    consumer_kinds = [kind for kind in Organization.Kind if kind != owner.kind]
    not_creators = [kind for kind in consumer_kinds if create_kinds is not None and kind not in create_kinds]
    consumer = actors.organization("consumer", (not_creators or consumer_kinds)[0])
    rival = actors.organization("rival", owner.kind)
    for action, method, detail, url_name in _actions(route.viewset):
        url = _url(route, obj, url_name, detail) if detail or action in {"list", "create"} else None
        if url is None:
            continue
        response = _call(actors.client(consumer, action, method), method, url, route.viewset, action)
        label = f"{method.upper()} {url} ({action})"
        if action == "list":
            if response.status_code != 200 or key not in _listed_keys(response, route.viewset.lookup_field):
                failures.append(f"{label}: a consumer does not see the active catalogue object")
        elif action == "retrieve":
            if response.status_code != 200:
                failures.append(f"{label}: a consumer gets {response.status_code}, want 200")
        elif action == "create":
            if not_creators and response.status_code != 403:
                failures.append(f"{label} by a {consumer.kind}: {response.status_code}, want 403")
        elif method in WRITE_METHODS:
            if response.status_code not in {403, 404}:
                failures.append(f"{label} by a consumer: {response.status_code}, want 403/404")
            rival_response = _call(actors.client(rival, action, method), method, url, route.viewset, action)
            if rival_response.status_code != 404:
                failures.append(
                    f"{label} by a rival {owner.kind}: {rival_response.status_code}, want 404 "
                    f"{rival_response.content[:200]!r}"
                )
        elif response.status_code >= 500:
            failures.append(f"{label} by a consumer: {response.status_code}")
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_keeps_organisations_apart(route):
    problem = _scope_problem(route) or _registry_problem(route)
    assert problem is None, problem
    scope = route.viewset.scope
    if scope is Scope.USER:
        return
    factory = SCOPING[route.basename]
    actors = Actors(route.viewset)
    owner = actors.organization("owner", _owner_kind(factory, route.viewset))
    obj = factory(owner)
    assert obj is not None and obj.pk is not None, (
        f"{SCOPING_ORIGIN[route.basename]}: factory returned {obj!r}"
    )
    key = str(getattr(obj, route.viewset.lookup_field))
    model = type(obj)

    _owner_sees_it(route, actors, owner, obj, key)
    if scope is Scope.CATALOGUE:
        failures = _walk_catalogue(route, actors, owner, obj, key)
    else:
        failures = _walk_private(route, actors, owner, obj, key)
    assert model.objects.filter(pk=obj.pk).exists(), "an outsider's request deleted the object"
    assert not failures, f"{route.basename} ({scope.name}):\n" + "\n".join(failures)


# --- behaviour: a hidden object is a missing one -------------------------------------------------------


class _Rollback(Exception):
    pass


def _as_if_missing(obj, send):
    """What ``send()`` answers while ``obj`` does not exist: deleted in a savepoint that is rolled back."""
    answers = None
    try:
        with transaction.atomic():
            type(obj).objects.filter(pk=obj.pk).delete()
            answers = send()
            raise _Rollback
    except _Rollback:
        pass
    obj.refresh_from_db()  # still there
    return answers


def _route_of(basename: str) -> Route:
    return next(route for route in ROUTES if route.basename == basename)


def _route_model(route: Route):
    meta = getattr(getattr(route.viewset, "serializer_class", None), "Meta", None)
    return getattr(meta, "model", None)


HIDDEN_CASES = [
    (_route_of(basename), index)
    for basename, factories in sorted(INACTIVE.items())
    if basename in {route.basename for route in ROUTES}
    for index in range(len(factories))
]


def _hidden_id(case) -> str:
    route, index = case
    factory = INACTIVE[route.basename][index]
    return f"{route.basename}-{getattr(factory, '__name__', index)}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", HIDDEN_CASES, ids=[_hidden_id(case) for case in HIDDEN_CASES])
def test_a_hidden_object_answers_like_a_missing_one(case):
    route, index = case
    failures = _walk_hidden(route, INACTIVE[route.basename][index])
    assert not failures, f"{route.basename} (hidden):\n" + "\n".join(failures)


def _walk_hidden(route: Route, factory) -> list[str]:
    actors = Actors(route.viewset)
    owner = actors.organization("owner", _owner_kind(factory, route.viewset))
    obj = factory(owner)
    key = str(getattr(obj, route.viewset.lookup_field))
    _owner_sees_it(route, actors, owner, obj, key)

    strangers = [actors.organization("other", kind) for kind in Organization.Kind if kind != owner.kind]
    strangers.append(actors.organization("rival", owner.kind))
    failures, plan = [], []
    for stranger in strangers:
        for action, method, detail, url_name in _actions(route.viewset):
            client = actors.client(stranger, action, method)  # made now: the savepoint would undo it
            if action == "list":
                response = client.get(_url(route, obj, "list", False), {"page_size": 200})
                if response.status_code == 200 and key in _listed_keys(response, route.viewset.lookup_field):
                    failures.append(f"GET list by a {stranger.kind} LISTS the hidden object")
            elif detail:
                url = _url(route, obj, url_name, detail)
                label = f"{method.upper()} {url} ({action}) by a {stranger.kind}"
                plan.append((label, client, method, url, action))

    def send():
        return [
            (label, *_status_and_body(_call(client, method, url, route.viewset, action)))
            for label, client, method, url, action in plan
        ]

    missing = _as_if_missing(obj, send)
    hidden = send()
    for (label, status, body), (_label, missing_status, missing_body) in zip(hidden, missing, strict=True):
        if (status, body) != (missing_status, missing_body):
            failures.append(
                f"{label}: {status} {body[:200]!r}, but for a missing object {missing_status} "
                f"{missing_body[:200]!r}"
            )
    assert plan, f"{route.basename}: no detail operation to walk"
    return failures


def _status_and_body(response):
    return response.status_code, response.content


# Requests that name a hidden object -------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """An operation whose input names an object of ``model`` at ``field`` (a path into the body)."""

    method: str
    path: str
    viewset: type
    action: str
    location: str  # "body" or "query"
    field: tuple
    model: type

    def __str__(self):
        return f"{self.method} {self.path} {self.location}:{'.'.join(map(str, self.field))}"


def _scoped_fields(serializer, prefix=()):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, ScopedPrimaryKeyRelatedField):
            yield (*prefix, name), field.queryset.model
        elif isinstance(field, serializers.ListSerializer):
            yield from _scoped_fields(field.child, (*prefix, name, 0))
        elif isinstance(field, serializers.Serializer):
            yield from _scoped_fields(field, (*prefix, name))


def _as_serializer(candidate):
    if isinstance(candidate, type) and issubclass(candidate, serializers.BaseSerializer):
        candidate = candidate()
    if isinstance(candidate, serializers.ListSerializer):
        candidate = candidate.child
    return candidate if isinstance(candidate, serializers.Serializer) else None


@cache
def _references() -> tuple[Reference, ...]:
    """Every operation's inputs that name an object through a scoped key, from the OpenAPI generator."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = []
    for url_path, path_regex, method, view in generator._get_paths_and_endpoints():
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, url_path, view, None)
        schema = view.schema
        schema.method, schema.path, schema.path_regex = method.upper(), url_path, path_regex
        candidates = [(schema.get_request_serializer(), "body")]
        candidates += [(parameter, "query") for parameter in schema.get_override_parameters()]
        for candidate, location in candidates:
            serializer = _as_serializer(candidate)
            if serializer is None:
                continue
            for field, model in _scoped_fields(serializer):
                found.append(
                    Reference(method.lower(), url_path, type(view), view.action, location, field, model)
                )
    return tuple(found)


def _reference_cases():
    hidden_models = {}
    for route, index in HIDDEN_CASES:
        hidden_models.setdefault(_route_model(route), []).append((route.basename, index))
    cases = []
    for reference in _references():
        routes = [route for route in ROUTES if route.viewset is reference.viewset]
        detail = "{" in reference.path
        for basename, index in hidden_models.get(reference.model, []):
            kinds = _allowed_kinds(reference.viewset, reference.action) or set(Organization.Kind)
            if detail:  # the requester acts on an object of its own, made by the route's factory
                if not routes or routes[0].basename not in SCOPING:
                    continue
                owner_kind = _owner_kind(SCOPING[routes[0].basename], reference.viewset)
                kinds = {owner_kind} & kinds
            cases.extend((reference, basename, index, kind) for kind in sorted(kinds))
    return cases


HIDDEN_REFERENCE_CASES = _reference_cases()


def _reference_id(case) -> str:
    reference, basename, index, kind = case
    return f"{reference} hidden-{_hidden_id((_route_of(basename), index))} by-{kind}"


def _nest(path: tuple, value):
    # a list gets the item twice: some lists want at least two (a travel time's two ends)
    for step in reversed(path):
        value = [value, value] if isinstance(step, int) else {step: value}
    return value


def _names(fields, path: tuple) -> bool:
    """Whether the error envelope's ``fields`` holds messages at ``path`` (list indexes included)."""
    node = fields
    for step in path:
        if isinstance(step, int) and isinstance(node, list):  # DRF's list of item errors
            if len(node) <= step:
                return False
            node = node[step]
            continue
        key = str(step)  # the envelope keys item errors by their index
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return bool(node)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case", HIDDEN_REFERENCE_CASES, ids=[_reference_id(case) for case in HIDDEN_REFERENCE_CASES]
)
def test_a_request_naming_a_hidden_object_answers_like_a_missing_one(case):
    reference, basename, index, kind = case
    hidden_route = _route_of(basename)
    factory = INACTIVE[basename][index]
    owner = OrganizationFactory(kind=_owner_kind(factory, hidden_route.viewset))
    hidden = factory(owner)

    actors = Actors(reference.viewset)
    requester = actors.organization("requester", kind)
    client = actors.client(requester, reference.action, reference.method)
    url = reference.path
    if "{" in url:
        route = next(route for route in ROUTES if route.viewset is reference.viewset)
        own = SCOPING[route.basename](requester)
        url = re.sub(r"\{(id|pk)\}", str(getattr(own, route.viewset.lookup_field)), url)
    assert "{" not in url, f"{reference}: cannot fill the path parameters of {url}"

    def send():
        if reference.location == "query":
            response = client.get(url, {reference.field[0]: hidden.pk})
        else:
            body = _nest(reference.field, hidden.pk)
            response = getattr(client, reference.method)(
                url, body, format=_body_format(reference.viewset, reference.action)
            )
        return response.status_code, response.content

    missing_status, missing_body = _as_if_missing(hidden, send)
    status, body = send()
    assert missing_status == 400 and _names(json.loads(missing_body)["fields"], reference.field), (
        f"{reference} by a {kind}: the answer for a missing id does not name the field, so this probe "
        f"proves nothing: {missing_status} {missing_body[:300]!r}"
    )
    assert (status, body) == (missing_status, missing_body), (
        f"{reference} by a {kind} tells a hidden {basename} from a missing one:\n"
        f"  hidden:  {status} {body[:300]!r}\n  missing: {missing_status} {missing_body[:300]!r}"
    )


# --- the walker itself can fail ---------------------------------------------------------------------------


class _LeakyProductionViewSet(ProductionViewSet):
    """What a forgotten selector looks like: every company's productions."""

    def get_queryset(self):
        return Production.objects.all()


class _UnscopedViewSet(ProductionViewSet):
    scope = None


class _LeakySetViewSet(SetViewSet):
    """What a selector that forgets ``is_active`` looks like: withdrawn sets in everyone's catalogue."""

    def visible(self):
        return Set.objects.select_related("base__zone").prefetch_related("photos")


_leaky_router = DefaultRouter()
_leaky_router.register("leaky-productions", _LeakyProductionViewSet, basename="leaky-production")
_leaky_router.register("leaky-sets", _LeakySetViewSet, basename="leaky-set")
urlpatterns = [path("api/v1/", include(_leaky_router.urls))]


@pytest.mark.django_db
@pytest.mark.urls("tests.test_scoping")
def test_walker_reports_a_leaky_viewset():
    route = Route("leaky-productions", _LeakyProductionViewSet, "leaky-production")
    actors = Actors(route.viewset)
    owner = actors.organization("owner", Organization.Kind.PRODUCTION_COMPANY)
    obj = SCOPING["production"](owner)
    _owner_sees_it(route, actors, owner, obj, str(obj.pk))
    failures = _walk_private(route, actors, owner, obj, str(obj.pk))
    assert any("LISTS the other org's object" in failure for failure in failures), failures
    assert any("(retrieve) by an outsider: 200, want 404" in failure for failure in failures), failures


@pytest.mark.django_db
@pytest.mark.urls("tests.test_scoping")
def test_walker_reports_a_hidden_object_that_shows():
    route = Route("leaky-sets", _LeakySetViewSet, "leaky-set")
    failures = _walk_hidden(route, INACTIVE["set"][0])
    assert any("(retrieve) by a production_company: 200" in failure for failure in failures), failures
    assert any("(retrieve) by a base_operator: 200" in failure for failure in failures), failures  # a rival


def test_walker_explains_a_missing_scope_and_factory():
    missing_scope = _scope_problem(Route("things", _UnscopedViewSet, "thing"))
    assert "declares no scope" in missing_scope and "scope = studio.tenancy.Scope" in missing_scope
    missing_factory = _registry_problem(Route("things", ProductionViewSet, "thing-without-factory"))
    assert "tests/studio/scoping.py" in missing_factory and "'thing-without-factory'" in missing_factory
