"""Per-process copies of the small catalogue tables that every search and circle plan reads.

Opening hours, the bases' travel ends, the measured travel times and the places searched from change a
few times a day and are read by every search (four statements, and more Python building them than
PostgreSQL answering; places are kept one by one as searches name them, ``place_from_copy``). Each
process keeps a copy, tagged with the **catalogue version**: a token in the shared cache (Redis) that
``catalogue_changed`` replaces whenever one of those tables changes. A copy whose tag is not the
current token is rebuilt on its next read, so a change made by any process is seen by every other one
from its next request on.

Who bumps: saves and deletes of ``Zone``, ``Base``, ``OpeningHours``, ``TravelTime`` and ``Place``
(signals, connected in ``LocationsConfig.ready``: the services, the admin and the importer alike) and the
services' bulk writes that send no signal (``base_set_active``'s ``update``, the opening hours'
``bulk_create``). A write that bypasses the ORM (raw SQL) must call ``catalogue_changed()`` itself.
The token is replaced at once and again when the transaction commits: a process that read the old
rows between the two rebuilds at the second.

Inside a request the version is read once (one Redis ``GET``); outside requests (workers, shells)
every read asks for it. Without a cache that every process shares (the embedded default of
``make run``: a per-process LocMemCache, while the worker writes too), nothing is kept past one request.
"""

import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

VERSION_KEY = "locations:catalogue-version"

T = TypeVar("T")
_copies: dict[str, tuple[str, object]] = {}
_request = threading.local()  # the version read in the current request, if any


def catalogue_version() -> str:
    version = getattr(_request, "version", None)
    if version is not None:
        return version
    # without a shared cache another process's change could not be seen: a copy lasts one request
    version = cache.get(VERSION_KEY) if _shared_cache() else uuid.uuid4().hex
    if version is None:  # first use, or the shared cache was emptied: every copy is stale
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if getattr(_request, "active", False):
        _request.version = version
    return version


def _shared_cache() -> bool:
    return "LocMemCache" not in settings.CACHES["default"]["BACKEND"]


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _copies.clear()
    _request.version = None


def catalogue_changed(**_signal_kwargs) -> None:
    """Mark the cached catalogue tables stale in every process (now, and again at commit)."""
    _bump()
    transaction.on_commit(_bump)


def catalogue_copy(name: str, build: Callable[[], T]) -> T:
    """This process's copy of ``name`` for the current catalogue version, built by ``build()`` if stale.

    The value is shared by every caller until the next change: treat it as read-only.
    """
    version = catalogue_version()
    held = _copies.get(name)
    if held is not None and held[0] == version:
        return held[1]
    value = build()
    _copies[name] = (version, value)
    return value


def clear() -> None:
    """Forget this process's copies (tests: a rolled-back transaction bumps nothing)."""
    _copies.clear()
    _request.version = None


def _request_started(**_kwargs) -> None:
    _request.active, _request.version = True, None


def _request_finished(**_kwargs) -> None:
    _request.active, _request.version = False, None


def connect() -> None:
    """Bump on every save or delete of the cached models; read the version once per request."""
    from django.db.models.signals import post_delete, post_save

    from locations.models import Base, OpeningHours, Place, TravelTime, Zone

    for model in (Zone, Base, OpeningHours, TravelTime, Place):
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}-save")
        post_delete.connect(
            catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}-delete"
        )
    request_started.connect(_request_started, dispatch_uid="catalogue-request-started")
    request_finished.connect(_request_finished, dispatch_uid="catalogue-request-finished")
