"""Reads for the studio app, always scoped to the acting organisation."""

from django.contrib.auth import get_user_model
from django.db.models import Case, QuerySet, When

from config.scoping import scope
from studio.models import Membership, Organization, Production


@scope(Production)
def productions_visible_to(*, organization: Organization) -> QuerySet[Production]:
    return Production.objects.filter(company=organization).select_related("company")


def productions_to_plan(*, organization: Organization) -> QuerySet[Production]:
    """The company's productions for a picker: those in pre-production or shooting first (the ones a day
    is planned for), then the others, each group by title."""
    planning = [Production.Status.PRE_PRODUCTION, Production.Status.SHOOTING]
    return productions_visible_to(organization=organization).order_by(
        Case(When(status__in=planning, then=0), default=1), "title", "id"
    )


def memberships_for_user(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


@scope(Membership)
def memberships_of(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=organization)


@scope(get_user_model())
def members_of(*, organization: Organization) -> QuerySet:
    """The user accounts of the organisation's members (active or not): the only users it may name."""
    return get_user_model().objects.filter(memberships__organization=organization).distinct()


@scope(Organization)
def organizations_visible_to(*, organization: Organization) -> QuerySet[Organization]:
    """The acting organisation itself: other tenants are not listed."""
    return Organization.objects.filter(pk=organization.pk)
