"""Who a workspace page acts for: the signed-in user, through the membership chosen for the session.

The API names its organisation in every request (``X-Organization``, or the user's only membership);
a page keeps the choice in the session instead. A user with one active membership acts through it; a
user with several picks one at ``/accounts/organization/`` and the choice is kept until they switch.

``workspace_page`` is the pages' ``PolicyPermission``: signed out → the sign-in page; no organisation
chosen → the chooser; the view's policy refuses the action → 403 with the policy's reason. It puts
``actor``, ``membership`` and ``organization`` on the request, as ``ActingOrganization`` does for the API.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from studio.models import Membership
from studio.policy import Actor, Policy
from studio.selectors import memberships_for_user

SESSION_KEY = "workspace_organization"


def acting_membership(request, memberships: list[Membership] | None = None) -> Membership | None:
    """The membership chosen for this session, or the user's only one; None if they must choose."""
    if memberships is None:
        memberships = list(memberships_for_user(user=request.user))
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.organization_id == chosen:
            return membership
    return memberships[0] if len(memberships) == 1 else None


def choose(request, membership: Membership) -> None:
    request.session[SESSION_KEY] = membership.organization_id


def chooser_url(next_url: str) -> str:
    return f"{reverse('workspace:organization')}?{urlencode({'next': next_url})}"


def act(request) -> Actor | None:
    """Put the acting membership on the request; None if the user has to choose one first."""
    memberships = list(memberships_for_user(user=request.user))
    if not memberships:
        raise PermissionDenied(_("You are not a member of any organisation."))
    membership = acting_membership(request, memberships)
    if membership is None:
        return None
    request.membership = membership
    request.organization = membership.organization
    request.memberships = memberships
    request.actor = Actor(user=request.user, membership=membership)
    return request.actor


def workspace_page(policy: Policy, action: str, *, reads: bool = True):
    """The page answers only a signed-in member whom ``policy`` allows ``action``."""

    def decorator(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = act(request)
            if actor is None:
                return redirect(chooser_url(request.get_full_path()))
            reason = policy.refusal(actor, action, reads=reads)
            if reason is not None:
                raise PermissionDenied(reason)
            return view(request, *args, **kwargs)

        page.policy, page.action = policy, action
        return page

    return decorator
