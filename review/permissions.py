"""Who may act on a submission: the centre's reviewers move it, the company submits and withdraws it."""

from django.utils.translation import gettext as _

from review.errors import NotReviewer, NotSubmitter
from studio.models import Membership, Organization
from studio.tenancy import MANAGE_ROLES, PLAN_ROLES, REVIEW_ROLES


def _membership(user, organization: Organization, roles) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, organization=organization, is_active=True, role__in=roles)
        .only("id", "role")
        .first()
    )


def require_company_member(*, user, company: Organization) -> Membership:
    membership = _membership(user, company, PLAN_ROLES)
    if membership is None:
        raise NotSubmitter(_("Only the production company's owner, managers and coordinators may do this."))
    return membership


def require_reviewer(*, user, centre: Organization) -> Membership:
    membership = _membership(user, centre, REVIEW_ROLES)
    if membership is None:
        raise NotReviewer(_("Only reviewers of this review centre may do this."))
    return membership


def is_centre_lead(membership: Membership) -> bool:
    return membership.role in MANAGE_ROLES


def centre_leads(centre: Organization):
    """The users who lead a centre (its owners and managers)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__organization=centre,
            memberships__is_active=True,
            memberships__role__in=MANAGE_ROLES,
            is_active=True,
        )
        .distinct()
    )
