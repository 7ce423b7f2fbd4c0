"""Who may act is decided by the policies (``<app>/policies.py``), never by a view or an admin class.

- Every routed view names its policy, and ``PolicyPermission`` answers from it.
- A lint over the view modules and the admin modules (``<app>/admin.py`` and the admin's scoping,
  ``studio/admin_scoping.py``): none reads a role, names a set of roles or of kinds
  (``MANAGE_ROLES``, ``CENTRE_KINDS``, ``COMPANIES`` …) or ``Organization.Kind``, or compares an
  organisation's kind, nor declares the old per-view or per-admin rule attributes (``action_roles``,
  ``admin_roles`` …). ``is_superuser`` checks may stay: a superuser is no organisation's member and has
  no role in one; the admin lets them do everything, as Django does.
- Every organisation-scoped admin class names its policy, whose ``admin_view`` / ``admin_change`` rules
  decide its rights; the rights of a few staff members are pinned below.
"""

import ast
from pathlib import Path

import pytest
from django.utils import translation
from rest_framework.test import APIRequestFactory

from config.api import extra_urlpatterns, router
from studio.models import Membership, Organization
from studio.policy import ALL_KINDS, PLAN_ROLES, Actor, Policy, PolicyPermission, Rule
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
APPS = ["bookings", "crews", "locations", "notifications", "studio", "review"]

LEGACY_ATTRIBUTES = {
    "action_roles",
    "action_kinds",
    "organization_kinds",
    "write_roles",
    "admin_roles",
    "admin_write_roles",
    "admin_organization_kinds",
}
#: the kind sets of ``studio.policy``: a module that names one decides a kind
KIND_SETS = {"ALL_KINDS", "COMPANIES", "OPERATORS", "CENTRES"}


def _view_modules():
    for app in APPS:
        for folder in ("api", "web"):
            yield from sorted((ROOT / app / folder).rglob("*.py"))  # packages too (crews/api/views/)


def _admin_modules():
    for app in APPS:
        package = ROOT / app / "admin"  # an admin split into a package (review/admin/)
        yield from sorted(package.glob("*.py")) if package.is_dir() else [ROOT / app / "admin.py"]
    yield ROOT / "studio" / "admin_scoping.py"


def _routed_views():
    views = [viewset for _prefix, viewset, _basename in router.registry]
    for pattern in extra_urlpatterns:
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        if view is not None:
            views.append(view)
    return views


def test_every_routed_view_names_its_policy():
    missing = [
        f"{view.__module__}.{view.__qualname__}"
        for view in _routed_views()
        if PolicyPermission in getattr(view, "permission_classes", [])
        and not isinstance(getattr(view, "policy", None), Policy)
    ]
    assert missing == []


def _decisions(tree: ast.AST, path: Path):
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr in {"role", "Role"}:
            found.append(f"{where} reads .{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr == "Kind" and _is_name(node.value, "Organization"):
            found.append(f"{where} names Organization.Kind")
        elif isinstance(node, ast.Name) and (node.id.endswith(("_ROLES", "_KINDS")) or node.id in KIND_SETS):
            found.append(f"{where} names {node.id}")
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(item, ast.Attribute) and item.attr == "kind" for item in operands):
                found.append(f"{where} compares an organisation's kind")
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                targets = statement.targets if isinstance(statement, ast.Assign) else []
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in LEGACY_ATTRIBUTES:
                        found.append(f"{where} declares {target.id} (say it in the app's policies.py)")
    return found


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def test_no_view_decides_a_role_or_a_kind_itself():
    found = []
    for path in _view_modules():
        found += _decisions(ast.parse(path.read_text(encoding="utf-8")), path)
    assert found == []


def test_no_admin_class_decides_a_role_or_a_kind_itself():
    paths = list(_admin_modules())
    assert all(path.exists() for path in paths)
    found = []
    for path in paths:
        found += _decisions(ast.parse(path.read_text(encoding="utf-8")), path)
    assert found == []


def test_the_lint_sees_an_admin_that_decides():
    source = (
        "class A(OrganizationScopedAdmin):\n"
        "    admin_organization_kinds = CENTRE_KINDS\n"
        "    admin_roles = frozenset({Membership.Role.OWNER})\n"
        "    def has_view_permission(self, request, obj=None):\n"
        "        return Organization.objects.filter(kind=Organization.Kind.BASE_OPERATOR, x=COMPANIES)\n"
    )
    found = _decisions(ast.parse(source), ROOT / "x.py")
    assert sorted(line.split(" ", 1)[1] for line in found) == [
        "declares admin_organization_kinds (say it in the app's policies.py)",
        "declares admin_roles (say it in the app's policies.py)",
        "names CENTRE_KINDS",
        "names COMPANIES",
        "names Organization.Kind",
        "reads .Role",
    ]


def test_every_scoped_admin_names_its_policy():
    from django.contrib import admin

    from studio.admin_scoping import OrganizationScopedAdmin

    missing = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, OrganizationScopedAdmin)
        and not isinstance(getattr(model_admin, "policy", None), Policy)
    ]
    assert missing == []


def test_the_lint_sees_a_view_that_decides():
    source = (
        "class V:\n"
        "    write_roles = {'owner'}\n"
        "    def post(self, request):\n"
        "        if request.membership.role == 'member' or request.organization.kind != 'x':\n"
        "            return MANAGE_ROLES\n"
    )
    found = _decisions(ast.parse(source), ROOT / "x.py")
    assert sorted(line.split(" ", 1)[1] for line in found) == [
        "compares an organisation's kind",
        "declares write_roles (say it in the app's policies.py)",
        "names MANAGE_ROLES",
        "reads .role",
    ]


@pytest.mark.django_db
class TestPolicy:
    def actor(self, kind, role):
        membership = MembershipFactory(organization=OrganizationFactory(kind=kind), role=role)
        return Actor(user=membership.user, membership=membership)

    def test_defaults_read_for_every_role_write_for_planners(self):
        policy = Policy("thing")
        member = self.actor(Organization.Kind.PRODUCTION_COMPANY, Membership.Role.MEMBER)
        coordinator = self.actor(Organization.Kind.PRODUCTION_COMPANY, Membership.Role.COORDINATOR)
        assert policy.allows(member, "list", reads=True)
        assert not policy.allows(member, "create")
        assert policy.allows(coordinator, "create")
        assert policy.rule("create", reads=False).roles == PLAN_ROLES
        assert policy.rule("create", reads=False).kinds == ALL_KINDS

    def test_a_rule_narrows_the_kind_and_keeps_the_default_roles(self):
        policy = Policy(
            "booking", rules={"confirm": Rule(kinds=frozenset({Organization.Kind.BASE_OPERATOR}))}
        )
        company = self.actor(Organization.Kind.PRODUCTION_COMPANY, Membership.Role.OWNER)
        operator_member = self.actor(Organization.Kind.BASE_OPERATOR, Membership.Role.MEMBER)
        operator_owner = self.actor(Organization.Kind.BASE_OPERATOR, Membership.Role.OWNER)
        with translation.override("en"):
            assert (
                str(policy.refusal(company, "confirm"))
                == "This action is not available to a production company."
            )
        assert not policy.allows(operator_member, "confirm")
        assert policy.allows(operator_owner, "confirm")

    def test_an_object_check_refuses_another_organisations_object(self):
        owned = Rule(check=lambda actor, obj: obj.organization_id == actor.organization_id)
        policy = Policy("thing", rules={"update": owned})
        actor = self.actor(Organization.Kind.PRODUCTION_COMPANY, Membership.Role.OWNER)
        other = self.actor(Organization.Kind.PRODUCTION_COMPANY, Membership.Role.OWNER)
        assert policy.allows(actor, "update", actor.membership)
        assert not policy.allows(actor, "update", other.membership)

    def test_the_permission_answers_403_with_the_policys_reason(self):
        from bookings.api.views import BookingViewSet

        member = self.actor(Organization.Kind.PRODUCTION_COMPANY, Membership.Role.MEMBER)
        request = APIRequestFactory().post("/api/v1/bookings/")
        request.user, request.membership, request.organization = (
            member.user,
            member.membership,
            member.organization,
        )
        view = BookingViewSet(action="create", request=request)
        permission = PolicyPermission()
        assert permission.has_permission(request, view) is False
        assert str(permission.message) == str(Rule(roles=PLAN_ROLES, kinds=ALL_KINDS).refusal(member))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_label", "kind", "role", "rights"),
    [
        # the admin's rights come from the policies' admin_view / admin_change rules: a few cells pinned
        ("bookings.Booking", Organization.Kind.BASE_OPERATOR, Membership.Role.MEMBER, "view"),
        ("bookings.Booking", Organization.Kind.PRODUCTION_COMPANY, Membership.Role.COORDINATOR, "change"),
        ("bookings.Booking", Organization.Kind.REVIEW_CENTRE, Membership.Role.OWNER, "none"),
        ("locations.Base", Organization.Kind.PRODUCTION_COMPANY, Membership.Role.OWNER, "none"),
        ("locations.Base", Organization.Kind.BASE_OPERATOR, Membership.Role.COORDINATOR, "change"),
        (
            "notifications.WebhookEndpoint",
            Organization.Kind.PRODUCTION_COMPANY,
            Membership.Role.COORDINATOR,
            "none",
        ),
        ("notifications.Delivery", Organization.Kind.PRODUCTION_COMPANY, Membership.Role.MANAGER, "view"),
        ("studio.Organization", Organization.Kind.REVIEW_CENTRE, Membership.Role.COORDINATOR, "view"),
        ("studio.Production", Organization.Kind.BASE_OPERATOR, Membership.Role.OWNER, "none"),
        ("review.ReviewSubmission", Organization.Kind.REVIEW_CENTRE, Membership.Role.REVIEWER, "change"),
        ("review.ReviewCentreProfile", Organization.Kind.REVIEW_CENTRE, Membership.Role.REVIEWER, "view"),
        ("review.ReviewCentreProfile", Organization.Kind.REVIEW_CENTRE, Membership.Role.MANAGER, "change"),
        ("review.TierRule", Organization.Kind.REVIEW_CENTRE, Membership.Role.REVIEWER, "view"),
        ("review.TierRule", Organization.Kind.REVIEW_CENTRE, Membership.Role.COORDINATOR, "none"),
    ],
)
def test_an_admins_rights_follow_its_policy(model_label, kind, role, rights):
    from django.apps import apps
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[apps.get_model(model_label)]
    membership = MembershipFactory(
        organization=OrganizationFactory(kind=kind), role=role, user=UserFactory(is_staff=True)
    )
    request = RequestFactory().get("/admin/")
    request.user = membership.user
    seen = model_admin.has_module_permission(request) and model_admin.has_view_permission(request)
    changed = model_admin.has_change_permission(request)
    assert {"none": (False, False), "view": (True, False), "change": (True, True)}[rights] == (seen, changed)
