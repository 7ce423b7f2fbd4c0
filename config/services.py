"""What the services of every app share."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def _save(instance: models.Model, *, update_fields: list[str]) -> None:
    instance.save(update_fields=update_fields)


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: dict,
    check: Callable[[M], None] | None = None,
    save: Callable[..., None] = _save,
) -> tuple[M, list[str]]:
    """Set those of ``fields`` whose value in ``data`` differs; when any did, ``check`` and save them.

    Returns the instance and the names of the fields that changed, in ``data``'s order (empty: nothing
    changed, nothing checked or saved). ``check`` raises the service's own errors (a ``full_clean``
    turned into a ``DomainError``, a duplicate name...); ``save`` is called with ``update_fields``: the
    changed fields and the ``auto_now`` ones (an ``updated_at`` moves only when something changed).
    """
    allowed = set(fields)
    changed = [name for name, value in data.items() if name in allowed and getattr(instance, name) != value]
    if not changed:
        return instance, changed
    for name in changed:
        setattr(instance, name, data[name])
    if check is not None:
        check(instance)
    stamps = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    save(instance, update_fields=[*changed, *(name for name in stamps if name not in changed)])
    return instance, changed
