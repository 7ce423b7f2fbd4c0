from types import SimpleNamespace

import pytest

from review.models import ReviewSubmission
from studio.models import Membership
from tests.crews.factories import CrewFactory, ShootDayFactory, local, shoot_date
from tests.factories import MembershipFactory, ProductionFactory, ReviewSubmissionFactory


@pytest.fixture
def plan(api):
    """A company with a scheduler (coordinator), a production whose script passed 初审, crew A组 and a day."""
    scheduler = MembershipFactory(role=Membership.Role.COORDINATOR, user__email="scheduler@example.com")
    company = scheduler.organization
    production = ProductionFactory(company=company, title="霸总的替身新娘")
    ReviewSubmissionFactory(production=production, stage=ReviewSubmission.Stage.CONTENT_AUDIT)
    crew = CrewFactory(production=production, name="A组")
    date = shoot_date()
    day = ShootDayFactory(crew=crew, date=date, call_at=local(date, 6), planned_wrap_at=local(date, 20))
    return SimpleNamespace(
        company=company,
        user=scheduler.user,
        production=production,
        crew=crew,
        day=day,
        date=date,
        client=api(scheduler.user, company),
    )
