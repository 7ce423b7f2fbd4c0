"""factory_boy factories for every model the tests build."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from studio.models import Membership, Organization, Production

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = Organization.Kind.PRODUCTION_COMPANY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"Org{n}")
    province = "河南"
    city = "新乡"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.com")


class CompanyFactory(OrganizationFactory):
    kind = Organization.Kind.PRODUCTION_COMPANY
    name = factory.Sequence(lambda n: f"Company {n}")


class OperatorFactory(OrganizationFactory):
    kind = Organization.Kind.BASE_OPERATOR
    name = factory.Sequence(lambda n: f"Base operator {n}")


class ReviewCentreFactory(OrganizationFactory):
    kind = Organization.Kind.REVIEW_CENTRE
    name = factory.Sequence(lambda n: f"Review centre {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(CompanyFactory)
    role = Membership.Role.COORDINATOR


class ProductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Production

    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Production {n}")
    genre = Production.Genre.ROMANCE
    episode_count = 80
    minutes_per_episode = Decimal("1.5")
    total_investment = Decimal("800000.00")


def token_for(user) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
