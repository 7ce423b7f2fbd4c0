"""Reads for the studio app, always scoped to the acting organisation."""

from django.db.models import QuerySet

from studio.models import Membership, Organization, Production


def productions_visible_to(*, organization: Organization) -> QuerySet[Production]:
    return Production.objects.filter(company=organization).select_related("company")


def memberships_for_user(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def organizations_visible_to(*, organization: Organization) -> QuerySet[Organization]:
    """The acting organisation itself: other tenants are not listed."""
    return Organization.objects.filter(pk=organization.pk)
