"""``config.services.model_update``: the one changed-fields update that the services share."""

from datetime import UTC, datetime

import pytest

from config.exceptions import DomainError
from config.services import model_update
from studio.models import Production
from tests.clock import pin_now
from tests.factories import ProductionFactory

pytestmark = pytest.mark.django_db

LATER = datetime(2030, 5, 1, 2, 0, tzinfo=UTC)


def test_only_changed_allowed_fields_are_saved_with_the_timestamp_in_data_order():
    production = ProductionFactory(title="逆袭", episode_count=80)
    saved = []

    def save(instance, *, update_fields):
        saved.append(update_fields)
        instance.save(update_fields=update_fields)

    with pin_now(LATER):
        _, changed = model_update(
            instance=production,
            fields=("title", "episode_count", "genre"),
            data={"episode_count": 90, "title": "逆袭", "genre": production.genre, "status": "released"},
            save=save,
        )
    assert changed == ["episode_count"]
    assert saved == [["episode_count", "updated_at"]]
    row = Production.objects.get(pk=production.pk)
    assert (row.episode_count, row.status, row.updated_at) == (90, Production.Status.DEVELOPMENT, LATER)


def test_nothing_changed_is_neither_checked_nor_saved():
    production = ProductionFactory(title="逆袭")
    before = Production.objects.get(pk=production.pk).updated_at

    def refuse(instance):
        raise AssertionError("checked although nothing changed")

    with pin_now(LATER):
        _, changed = model_update(
            instance=production, fields=("title",), data={"title": "逆袭"}, check=refuse
        )
    assert changed == []
    assert Production.objects.get(pk=production.pk).updated_at == before


def test_a_failed_check_saves_nothing():
    production = ProductionFactory(title="逆袭")

    def refuse(instance):
        raise DomainError("no")

    with pytest.raises(DomainError):
        model_update(instance=production, fields=("title",), data={"title": "重生"}, check=refuse)
    assert Production.objects.get(pk=production.pk).title == "逆袭"
