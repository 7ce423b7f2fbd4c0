"""A pinned clock for tests whose code path takes no ``now=`` (API calls, admin actions, reports).

Services take an explicit ``now=``; where a test goes through a layer that cannot pass one, it pins
``django.utils.timezone.now`` for the block instead, so the outcome never depends on the hour, the
weekday or the month the suite happens to run in. ``scripts/test-at`` runs the suite at unlucky
wall-clock times to catch a test that forgets.
"""

from contextlib import contextmanager
from unittest import mock


@contextmanager
def pin_now(moment):
    """``timezone.now()`` (and with it ``localtime()``, ``localdate()``, ``auto_now``) is ``moment`` inside
    the block."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment
