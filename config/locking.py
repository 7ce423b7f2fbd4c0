"""Row locks, and the transaction that caps how long a write waits for one (pretix's "busy, retry").

Every write that locks goes through here: ``locked_transaction`` opens the transaction with PostgreSQL's
``lock_timeout`` (``LOCK_TIMEOUT_MS``, or the caller's own), and a lock not granted in time, a deadlock or
a serialisation failure leaves as a 409 ``busy`` that the client may simply retry. ``lock`` and
``lock_many`` take rows ``SELECT … FOR UPDATE`` by primary key, several in ascending order, so that two
writers locking the same rows never deadlock.

A ``locked_transaction`` inside another one is a plain savepoint: the outermost one's timeout and
error hold for the whole write.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.utils.translation import gettext_lazy as _

from config.exceptions import ConflictError

M = TypeVar("M", bound=models.Model)

#: SQLSTATEs that mean "somebody else holds what we need": lock timeout, deadlock, serialisation failure
BUSY_SQLSTATES = {"55P03", "40P01", "40001"}

_inside: ContextVar[bool] = ContextVar("locked_transaction", default=False)


class Busy(ConflictError):
    """Another request held a row this write needs for too long: retry."""

    code = "busy"

    def __init__(self, detail=None, **kwargs):
        super().__init__(detail or _("Another request is changing the same records; please retry."), **kwargs)


def is_busy(exc: OperationalError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and "locked" in str(exc)


def lock_timeout_ms() -> int:
    """How long a write waits for a row lock before answering 409 "busy, retry"."""
    return int(getattr(settings, "LOCK_TIMEOUT_MS", 5000))


@contextmanager
def locked_transaction(
    *, timeout_ms: int | None = None, busy: Callable[[], Exception] = Busy
) -> Iterator[None]:
    """One transaction whose lock waits are capped; a lock not granted in time raises ``busy()``.

    Also a decorator (``@locked_transaction()``), like ``transaction.atomic``.
    """
    if _inside.get():
        with transaction.atomic():
            yield
        return
    token = _inside.set(True)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = {int(timeout_ms or lock_timeout_ms())}")
            yield
    except OperationalError as exc:
        if is_busy(exc):
            raise busy() from None
        raise
    finally:
        _inside.reset(token)


def _locking(model: type[M], related: Sequence[str], only_self: bool) -> models.QuerySet:
    queryset = model._default_manager.select_for_update(**({"of": ("self",)} if only_self else {}))
    return queryset.select_related(*related) if related else queryset


def lock(model: type[M], pk, *, related: Sequence[str] = (), only_self: bool = False) -> M:
    """The row ``pk`` of ``model``, locked for the rest of the transaction (``DoesNotExist`` if gone).

    ``related`` rows are read along (and locked too, unless ``only_self``: PostgreSQL cannot lock the
    nullable side of an outer join, so a nullable relation needs ``only_self``).
    """
    return _locking(model, related, only_self).get(pk=pk)


def lock_many(
    model: type[M], pks: Iterable, *, related: Sequence[str] = (), only_self: bool = False
) -> dict[object, M]:
    """The rows ``pks`` of ``model`` by primary key, locked in ascending order (the missing ones left out)."""
    rows = _locking(model, related, only_self).filter(pk__in=sorted(set(pks))).order_by("pk")
    return {row.pk: row for row in rows}
