"""Real threads on PostgreSQL: the first asks for one feed, all at once, all get the same one token."""

import pytest

from notifications.feeds import feed_token_issue
from notifications.models import FeedToken
from tests.concurrency import run_together
from tests.conftest import require_postgresql
from tests.factories import CompanyFactory, SetFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 8


@pytest.mark.parametrize("kind", [FeedToken.Kind.BOOKINGS, FeedToken.Kind.SET])
def test_concurrent_first_asks_for_a_feed_make_one_token(kind):
    require_postgresql()
    company = CompanyFactory()
    target = {"set_": SetFactory()} if kind == FeedToken.Kind.SET else {}

    def issue():
        return feed_token_issue(kind=kind, organization=company, **target)

    feeds, errors = run_together([issue] * THREADS)

    assert errors == [None] * THREADS, [error for error in errors if error][:3]
    assert len({(feed.pk, feed.token) for feed in feeds}) == 1
    assert FeedToken.objects.filter(organization=company).count() == 1
