"""One token model for the three feeds: a token opens exactly one feed, rotating or revoking kills its URL."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from config.exceptions import DomainError
from notifications.feeds import feed_token_issue, feed_token_resolve, feed_token_revoke, feed_tokens_of
from notifications.models import FeedToken
from studio.models import Membership
from tests.admin_forms import change_form_data
from tests.crews.factories import PersonFactory
from tests.factories import CompanyFactory, FeedTokenFactory, MembershipFactory, SetFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = FeedToken.Kind


@pytest.fixture
def three_feeds():
    company = CompanyFactory()
    person = PersonFactory(company=company)
    return {
        Kind.BOOKINGS: feed_token_issue(kind=Kind.BOOKINGS, organization=company),
        Kind.SET: feed_token_issue(kind=Kind.SET, organization=company, set_=SetFactory()),
        Kind.PERSON: feed_token_issue(kind=Kind.PERSON, organization=company, person=person),
    }


def test_a_token_opens_its_own_feed_and_no_feed_of_another_kind(three_feeds):
    for kind, feed in three_feeds.items():
        assert feed_token_resolve(kind=kind, token=feed.token) == feed
        others = [other for other in Kind if other != kind]
        assert [feed_token_resolve(kind=other, token=feed.token) for other in others] == [None, None]


@pytest.mark.parametrize("token", ["", "nope", "x" * 65])
def test_an_unknown_empty_or_overlong_token_opens_nothing(token):
    FeedTokenFactory()
    assert feed_token_resolve(kind=Kind.BOOKINGS, token=token) is None


def test_a_token_of_one_kind_is_a_404_on_another_kinds_url(three_feeds, api):
    anonymous = api()
    set_id = three_feeds[Kind.SET].set_id
    urls = {
        Kind.BOOKINGS: "/api/v1/bookings/calendar.ics?token={}",
        Kind.SET: f"/api/v1/sets/{set_id}/calendar.ics?token={{}}",
        Kind.PERSON: "/api/v1/people/calendar.ics?token={}",
    }
    for kind, feed in three_feeds.items():
        answers = {other: anonymous.get(url.format(feed.token)).status_code for other, url in urls.items()}
        assert answers == {other: 200 if other == kind else 404 for other in Kind}, kind


def test_asking_again_returns_the_same_feed_and_rotating_replaces_its_token():
    company = CompanyFactory()
    first = feed_token_issue(kind=Kind.BOOKINGS, organization=company)
    again = feed_token_issue(kind=Kind.BOOKINGS, organization=company)
    assert (again.pk, again.token) == (first.pk, first.token)

    rotated = feed_token_issue(kind=Kind.BOOKINGS, organization=company, rotate=True)

    assert rotated.pk == first.pk and rotated.token != first.token
    assert len(rotated.token) >= 40  # 32 random bytes, URL-safe
    assert feed_token_resolve(kind=Kind.BOOKINGS, token=first.token) is None
    assert feed_token_resolve(kind=Kind.BOOKINGS, token=rotated.token) == rotated
    assert FeedToken.objects.filter(organization=company).count() == 1


def test_rotating_a_persons_feed_kills_the_old_url(member, api):
    person = PersonFactory()
    client = api(member(person.company, role=Membership.Role.COORDINATOR), person.company)
    path = f"/api/v1/people/{person.pk}/feed-url/"
    first = client.post(path, {}, format="json").json()
    again = client.post(path, {}, format="json").json()
    rotated = client.post(path, {"rotate": True}, format="json").json()

    assert again == first and rotated["token"] != first["token"]
    assert api().get(first["url"]).status_code == 404
    assert api().get(rotated["url"]).status_code == 200


def test_an_inactive_persons_feed_is_a_404(api):
    person = PersonFactory()
    feed = feed_token_issue(kind=Kind.PERSON, organization=person.company, person=person)
    assert api().get(f"/api/v1/people/calendar.ics?token={feed.token}").status_code == 200
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert api().get(f"/api/v1/people/calendar.ics?token={feed.token}").status_code == 404


def test_each_organisation_has_its_own_feed_of_a_set():
    set_ = SetFactory()
    ours = feed_token_issue(kind=Kind.SET, organization=CompanyFactory(), set_=set_)
    theirs = feed_token_issue(kind=Kind.SET, organization=CompanyFactory(), set_=set_)
    assert ours.pk != theirs.pk and ours.token != theirs.token


def test_tokens_are_unique_across_every_kind_of_feed(three_feeds):
    company = CompanyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedToken.objects.create(
            kind=Kind.BOOKINGS, organization=company, token=three_feeds[Kind.PERSON].token
        )


@pytest.mark.parametrize("kind", list(Kind))
def test_the_database_keeps_one_feed_per_target(three_feeds, kind):
    feed = three_feeds[kind]
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedToken.objects.create(
            kind=kind, organization=feed.organization, set=feed.set, person=feed.person, token="another-token"
        )


@pytest.mark.parametrize(
    "kind, target",
    [
        (Kind.BOOKINGS, "set"),
        (Kind.BOOKINGS, "person"),
        (Kind.SET, None),
        (Kind.SET, "person"),
        (Kind.PERSON, None),
        (Kind.PERSON, "set"),
    ],
)
def test_a_feeds_target_must_fit_its_kind(kind, target):
    person = PersonFactory()
    targets = {"set": {"set": SetFactory()}, "person": {"person": person}, None: {}}[target]
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedToken.objects.create(kind=kind, organization=person.company, token="token", **targets)
    service_targets = {"set_" if name == "set" else name: value for name, value in targets.items()}
    with pytest.raises(ValueError):
        feed_token_issue(kind=kind, organization=person.company, **service_targets)


def test_a_persons_feed_belongs_to_the_persons_company():
    with pytest.raises(ValueError):
        feed_token_issue(kind=Kind.PERSON, organization=CompanyFactory(), person=PersonFactory())


def test_revoking_kills_the_url_and_asking_again_issues_a_new_token(api):
    company = CompanyFactory()
    set_ = SetFactory()
    feed = feed_token_issue(kind=Kind.SET, organization=company, set_=set_)
    url = f"/api/v1/sets/{set_.pk}/calendar.ics?token={feed.token}"
    assert api().get(url).status_code == 200

    feed_token_revoke(organization=company, feed=feed, by=None)

    assert api().get(url).status_code == 404
    assert feed_token_issue(kind=Kind.SET, organization=company, set_=set_).token != feed.token


def test_another_organisations_feed_cannot_be_revoked():
    feed = FeedTokenFactory()
    with pytest.raises(DomainError):
        feed_token_revoke(organization=CompanyFactory(), feed=feed, by=None)
    assert FeedToken.objects.filter(pk=feed.pk).exists()


def test_another_organisations_set_feed_is_a_404(member, api):
    theirs = feed_token_issue(kind=Kind.SET, organization=CompanyFactory(), set_=SetFactory())
    company = CompanyFactory()
    client = api(member(company, role=Membership.Role.MANAGER), company)
    assert client.get(f"/api/v1/calendar-feeds/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/calendar-feeds/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/calendar-feeds/").json()["results"] == []
    assert FeedToken.objects.filter(pk=theirs.pk).exists()


def test_the_calendar_feeds_list_shows_only_set_feeds(three_feeds, api):
    company = three_feeds[Kind.SET].organization
    manager = MembershipFactory(organization=company, role=Membership.Role.MANAGER).user
    listed = api(manager, company).get("/api/v1/calendar-feeds/").json()["results"]
    assert [(item["id"], item["set"], item["token"]) for item in listed] == [
        (three_feeds[Kind.SET].pk, three_feeds[Kind.SET].set_id, three_feeds[Kind.SET].token)
    ]
    assert list(feed_tokens_of(organization=company)) and set(feed_tokens_of(organization=company)) == set(
        three_feeds.values()
    )


def test_a_feed_goes_with_its_set_person_or_organisation(three_feeds):
    three_feeds[Kind.SET].set.delete()
    three_feeds[Kind.PERSON].person.delete()
    assert list(FeedToken.objects.all()) == [three_feeds[Kind.BOOKINGS]]
    three_feeds[Kind.BOOKINGS].organization.delete()
    assert not FeedToken.objects.exists()


def test_the_person_admin_shows_the_persons_feed_token_and_still_saves(client):
    person = PersonFactory(name="林小雨")
    feed = feed_token_issue(kind=Kind.PERSON, organization=person.company, person=person)
    other = PersonFactory()
    feed_token_issue(kind=Kind.PERSON, organization=other.company, person=other)
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=person.company, role=Membership.Role.COORDINATOR)
    client.force_login(user)
    url = reverse("admin:crews_person_change", args=[person.pk])

    page = client.get(url)

    assert page.status_code == 200 and feed.token in page.content.decode()
    theirs = client.get(reverse("admin:crews_person_change", args=[other.pk]))
    assert (theirs.status_code, theirs["Location"]) == (302, "/admin/")  # as if missing
    data = change_form_data(page)
    data["notes"] = "带伞"
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.notes == "带伞" and person.feed_tokens.get().token == feed.token
