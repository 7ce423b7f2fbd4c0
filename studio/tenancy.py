"""Tenancy, enforced in one place.

Every API request acts for one organisation: the ``X-Organization`` header names it, or the
user's only active membership is used. ``ActingOrganization`` resolves it (another
organisation's id is a 404, exactly like one that does not exist) and puts ``organization`` and
``membership`` on the request. ``RolePermission`` then checks the member's role for the action.

Each viewset declares its ``scope`` so that the scoping test can walk the router and refuse an
endpoint that has not said who may see its objects.
"""

import enum

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from studio.models import Membership

ORGANIZATION_HEADER = "X-Organization"

ALL_ROLES = frozenset(Membership.Role.values)
MANAGE_ROLES = frozenset({Membership.Role.OWNER, Membership.Role.MANAGER})
PLAN_ROLES = frozenset({Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.COORDINATOR})
REVIEW_ROLES = frozenset({Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.REVIEWER})


class Scope(enum.Enum):
    """Who may see a viewset's objects."""

    #: Objects owned by the acting organisation; every other organisation gets 404.
    ORGANIZATION = "organization"
    #: A shared catalogue every signed-in organisation may read; only the owner writes.
    CATALOGUE = "catalogue"
    #: Objects shared by the organisations taking part (e.g. a booking: company and base operator).
    PARTICIPANTS = "participants"
    #: About the signed-in user themself (``/me/``); holds no other organisation's objects.
    USER = "user"


def memberships_of(user):
    return Membership.objects.filter(user=user, is_active=True).select_related("organization")


def requested_organization_id(request) -> int | None:
    """The organisation ``X-Organization`` names, or None without the header.

    Not a whole number: 400. Beyond any id: 404, like any organisation the user does not belong to.
    """
    raw = request.headers.get(ORGANIZATION_HEADER)
    if not raw:
        return None
    try:
        organization_id = int(raw)
    except ValueError:
        raise exceptions.ValidationError(
            {ORGANIZATION_HEADER: [_("An organisation id (a whole number) is required.")]}
        ) from None
    if not -(2**63) <= organization_id < 2**63:  # beyond any id; SQLite would raise OverflowError
        raise exceptions.NotFound(_("No such organisation."))
    return organization_id


def resolve_membership(request) -> Membership:
    """The membership the request acts through, from ``X-Organization`` or the only one."""
    organization_id = requested_organization_id(request)
    memberships = memberships_of(request.user)
    if organization_id is not None:
        # one membership per user and organisation: no ordering (and no join for it)
        found = list(memberships.filter(organization_id=organization_id).order_by()[:1])
        if not found:
            raise exceptions.NotFound(_("No such organisation."))
        return found[0]
    found = list(memberships[:2])
    if not found:
        raise exceptions.PermissionDenied(_("You are not a member of any organisation."))
    if len(found) > 1:
        raise exceptions.ValidationError(
            {ORGANIZATION_HEADER: [_("You belong to several organisations: say which one you act for.")]}
        )
    return found[0]


def act_through(request, membership: Membership) -> None:
    request.membership = membership
    request.organization = membership.organization


class ActingOrganization(permissions.BasePermission):
    """Authenticated, and acting for one of the user's organisations."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(request, "membership", None) is None:
            act_through(request, resolve_membership(request))
        return True


class RolePermission(permissions.BasePermission):
    """The member's role (and organisation kind) allow the view's current action.

    Views declare ``action_roles`` (action name → roles) and optionally ``action_kinds``
    (action name → organisation kinds). Safe methods default to every role, unsafe ones to
    ``write_roles``.
    """

    message = _("Your role in this organisation does not allow this action.")

    def has_permission(self, request, view):
        membership = request.membership
        action = getattr(view, "action", None) or request.method.lower()
        kinds = getattr(view, "action_kinds", {}).get(action, getattr(view, "organization_kinds", None))
        if kinds is not None and membership.organization.kind not in kinds:
            self.message = _("This action is not available to a %(kind)s.") % {
                "kind": membership.organization.get_kind_display()
            }
            return False
        roles = getattr(view, "action_roles", {}).get(action)
        if roles is None:
            roles = ALL_ROLES if request.method in permissions.SAFE_METHODS else view.write_roles
        return membership.role in roles
