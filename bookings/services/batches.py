"""Several sets and days in one request: all-or-nothing by default, or item by item.

All sets are locked up front in ascending id order (the company first when any item may become a
hold), so two batches touching the same sets queue up instead of deadlocking. In all-or-nothing mode
the first refused item rolls everything back and the error names the item; with ``skip_conflicts``
each item runs in its own savepoint and the answer lists what was booked and why the rest was not.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import conf
from bookings.models import Booking
from bookings.services.lifecycle import check_production, create_locked
from bookings.services.locks import booking_transaction, lock_company, lock_sets
from config.exceptions import DomainError
from locations.models import Set
from studio.models import Organization


@dataclass
class BatchItemResult:
    index: int
    booking: Booking | None = None
    code: str = ""
    detail: str = ""
    status_code: int = 201
    fields: dict | None = None


def _prefixed(exc: DomainError, index: int) -> DomainError:
    return type(exc)(
        _("Item %(n)d: %(detail)s") % {"n": index + 1, "detail": exc.detail},
        code=exc.code,
        fields={"items": {str(index): exc.fields or {"non_field_errors": [str(exc.detail)]}}},
    )


def booking_batch_create(
    *,
    organization: Organization,
    items: list[dict],
    by,
    skip_conflicts: bool = False,
    now: datetime | None = None,
) -> tuple[uuid.UUID, list[BatchItemResult]]:
    """Book every item (``set``, ``production``, ``starts_at``, ``ends_at``, ``note``) in one transaction."""
    now = now or timezone.now()
    if not items or len(items) > conf.batch_max_items():
        raise DomainError(
            _("Give between 1 and %(n)d items.") % {"n": conf.batch_max_items()},
            code="invalid",
            fields={"items": [_("Between 1 and %(n)d items.") % {"n": conf.batch_max_items()}]},
        )
    for index, item in enumerate(items):
        try:
            check_production(item["production"], organization)
        except DomainError as exc:
            raise _prefixed(exc, index) from None
    batch = uuid.uuid4()
    results: list[BatchItemResult] = []
    instant = dict(
        Set.objects.filter(pk__in={item["set"].pk for item in items}).values_list("pk", "instant_book")
    )
    may_hold = any(value is not True for value in instant.values())
    with booking_transaction():
        if may_hold:
            lock_company(organization)
        sets = lock_sets(item["set"].pk for item in items)
        for index, item in enumerate(items):
            arguments = {
                "set_": sets[item["set"].pk],
                "production": item["production"],
                "starts_at": item["starts_at"],
                "ends_at": item["ends_at"],
                "note": item.get("note", ""),
                "by": by,
                "now": now,
                "batch": batch,
            }
            if not skip_conflicts:
                try:
                    results.append(BatchItemResult(index, booking=create_locked(**arguments)))
                except DomainError as exc:
                    raise _prefixed(exc, index) from None
                continue
            try:
                with transaction.atomic():
                    results.append(BatchItemResult(index, booking=create_locked(**arguments)))
            except DomainError as exc:
                results.append(
                    BatchItemResult(
                        index,
                        code=exc.code,
                        detail=str(exc.detail),
                        status_code=exc.status_code,
                        fields=exc.fields,
                    )
                )
    return batch, results
