"""Scoping-walker factories for the crews routes (contract: see ``tests/test_scoping.py``)."""

from crews.models import CallSheet
from tests.crews.factories import (
    CallFactory,
    CrewFactory,
    CrewMemberFactory,
    PersonFactory,
    SceneFactory,
    ShootDayFactory,
    StopFactory,
)
from tests.factories import ProductionFactory


def _crew(owner):
    return CrewFactory(production=ProductionFactory(company=owner))


def _day(owner):
    return ShootDayFactory(crew=_crew(owner))


def _call_sheet(owner):
    day = _day(owner)
    return CallSheet.objects.create(
        shoot_day=day, company=owner, version=1, snapshot={"lines": []}, token=f"scoping-token-{day.pk:08d}-x"
    )


SCOPING = {
    "person": lambda owner: PersonFactory(company=owner),
    "crew": _crew,
    "crew-member": lambda owner: CrewMemberFactory(crew=_crew(owner)),
    "scene": lambda owner: SceneFactory(production=ProductionFactory(company=owner)),
    "shoot-day": _day,
    "stop": lambda owner: StopFactory(shoot_day=_day(owner)),
    "call": lambda owner: CallFactory(shoot_day=_day(owner)),
    "call-sheet": _call_sheet,
}
