"""Who may act: one policy per resource, asked by views, admin classes, pages and services alike.

A ``Policy`` answers "may this actor do this action (on this object)". The actor is the user and the
membership they act through (``Actor``). The answer depends on

- the acting organisation's **kind** (only a base operator confirms a booking),
- the member's **role** (only owners and managers manage webhook endpoints), and
- for an object, an **ownership check** (the set belongs to the acting operator's base).

Views declare ``policy = <app>.policies.<NAME>``; ``PolicyPermission`` asks it for the view's action
before anything else runs (403 with the policy's words). Admin classes declare ``policy`` too and take
their organisations from it (``studio.admin_scoping``), under one convention:

- the admin's **view** rights are the policy's ``"admin_view"`` rule (``ADMIN_VIEW``) read as a read, its
  **change** rights (change, add, delete) the ``"admin_change"`` rule (``ADMIN_CHANGE``) read as a write;
  a policy that names neither gives the admin its defaults: its kinds, read roles for viewing and write
  roles for changing. A policy names them only where the admin differs from the API's defaults (the
  shared catalogue is every organisation's to read through the API, but only operators keep it in the
  admin);
- an admin **action** that does what an API action does asks the same rule, by the same name
  (``confirm``, ``transition`` …), for the staff member's membership in the object's organisation.

Services that act on an object call ``policy.authorize`` with the actor,
so the shell, a task and a page get the same answer as the API. Nothing else decides a role or a kind:
``tests/test_policies.py`` fails if a view or an admin class does.

Each app keeps its policies in ``<app>/policies.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from studio.models import Membership, Organization

Role = Membership.Role
Kind = Organization.Kind

ALL_ROLES = frozenset(Role.values)
MANAGE_ROLES = frozenset({Role.OWNER, Role.MANAGER})
PLAN_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.COORDINATOR})
REVIEW_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.REVIEWER})

ALL_KINDS = frozenset(Kind.values)
COMPANIES = frozenset({Kind.PRODUCTION_COMPANY})
OPERATORS = frozenset({Kind.BASE_OPERATOR})
CENTRES = frozenset({Kind.REVIEW_CENTRE})
ZONES = frozenset({Kind.ZONE_MANAGEMENT})

#: the rules an admin class asks for viewing and for changing (see the module's docstring)
ADMIN_VIEW = "admin_view"
ADMIN_CHANGE = "admin_change"


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, through one of their memberships (None for the system: tasks, sweeps)."""

    user: object | None
    membership: Membership | None

    @property
    def organization(self) -> Organization | None:
        return self.membership.organization if self.membership else None

    @property
    def organization_id(self) -> int | None:
        return self.membership.organization_id if self.membership else None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def kind(self) -> str | None:
        organization = self.organization
        return organization.kind if organization else None

    @classmethod
    def of(cls, request) -> Actor:
        """The actor of a request that has been through ``ActingOrganization``."""
        return cls(user=request.user, membership=getattr(request, "membership", None))


@dataclass(frozen=True)
class Rule:
    """May an actor do one action: kinds and roles allowed, and an optional check on the object.

    ``roles`` or ``kinds`` left None take the policy's default (its read or write roles, its kinds).
    """

    roles: frozenset | None = None
    kinds: frozenset | None = None
    check: Callable[[Actor, object], bool] | None = None

    def refusal(self, actor: Actor):
        """Why ``actor`` may not (a translatable sentence), or None if kind and role allow it."""
        if actor.membership is None:
            return _("You are not a member of any organisation.")
        if actor.kind not in self.kinds:
            return _("This action is not available to a %(kind)s.") % {
                "kind": actor.organization.get_kind_display()
            }
        if actor.role not in self.roles:
            return _("Your role in this organisation does not allow this action.")
        return None


@dataclass
class Policy:
    """The rules of one resource: a default for reading and for writing, and one rule per named action.

    ``kinds`` applies to every action unless its rule names its own; ``read`` roles apply to the
    actions that only read (list, retrieve and safe-method actions), ``write`` roles to the others.
    """

    name: str
    kinds: frozenset = ALL_KINDS
    read_roles: frozenset = ALL_ROLES
    write_roles: frozenset = PLAN_ROLES
    rules: dict[str, Rule] = field(default_factory=dict)

    def rule(self, action: str, *, reads: bool) -> Rule:
        """The rule for ``action``, its gaps filled from the policy's defaults."""
        rule = self.rules.get(action, Rule())
        return Rule(
            roles=rule.roles if rule.roles is not None else (self.read_roles if reads else self.write_roles),
            kinds=rule.kinds if rule.kinds is not None else self.kinds,
            check=rule.check,
        )

    def refusal(self, actor: Actor, action: str, obj=None, *, reads: bool = False):
        rule = self.rule(action, reads=reads)
        reason = rule.refusal(actor)
        if reason is None and obj is not None and rule.check is not None and not rule.check(actor, obj):
            reason = _("This object belongs to another organisation.")
        return reason

    def allows(self, actor: Actor, action: str, obj=None, *, reads: bool = False) -> bool:
        return self.refusal(actor, action, obj, reads=reads) is None

    def authorize(self, actor: Actor, action: str, obj=None, *, reads: bool = False) -> None:
        """Raise ``ForbiddenError`` (403) unless ``actor`` may do ``action`` (on ``obj``)."""
        from config.exceptions import ForbiddenError  # config.exceptions loads DRF, whose settings load us

        reason = self.refusal(actor, action, obj, reads=reads)
        if reason is not None:
            raise ForbiddenError(reason)

    def likeliest_actor(self, actors: Iterable[Actor], action: str, *, reads: bool = False) -> Actor | None:
        """Of one user's ``actors`` (one per membership), the first that may do ``action``, else the first
        whose organisation's kind may (so that the refusal speaks of the role), else the first."""
        rule = self.rule(action, reads=reads)
        ranked = sorted(
            actors, key=lambda actor: (rule.refusal(actor) is not None, actor.kind not in rule.kinds)
        )
        return ranked[0] if ranked else None

    def admin_rule(self, *, write: bool) -> Rule:
        """The rule of the admin's change rights (``write``) or view rights."""
        return self.rule(ADMIN_CHANGE if write else ADMIN_VIEW, reads=not write)

    def kinds_for(self, actions: Iterable[str], *, reads: bool) -> frozenset:
        """The organisation kinds that may do any of ``actions``."""
        return frozenset().union(*(self.rule(action, reads=reads).kinds for action in actions))


class PolicyPermission(permissions.BasePermission):
    """The view's ``policy`` allows its current action to the acting member (403 with its reason)."""

    message = _("Your role in this organisation does not allow this action.")

    def has_permission(self, request, view):
        action = getattr(view, "action", None) or request.method.lower()
        reason = view.policy.refusal(
            Actor.of(request), action, reads=request.method in permissions.SAFE_METHODS
        )
        if reason is not None:
            self.message = reason
            return False
        return True


def same_rule(rule: Rule, *actions: str) -> dict[str, Rule]:
    """``{action: rule}`` for several actions that follow one rule."""
    return dict.fromkeys(actions, rule)
