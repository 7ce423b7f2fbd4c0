"""How every app reads a setting: ``settings.<APP>_<NAME>``, else that environment variable, else a default.

Each app's ``conf.py`` has one function per setting that reads it at call time (never a module constant),
so that tests override a setting with the ``settings`` fixture and a worker process can be tuned from its
environment alone. An environment value takes the type of the default (``"5000"`` → 5000, ``"yes"`` →
True); a default that is neither text, a number nor a boolean (a table) comes from Django settings only.
"""

import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings

TRUE_WORDS = {"1", "true", "yes", "on"}


def app_settings(prefix: str) -> Callable[[str, Any], Any]:
    """One app's reader: ``get("LOCK_TIMEOUT_MS", 5000)`` reads ``<PREFIX>_LOCK_TIMEOUT_MS``."""

    def get(name: str, default):
        full_name = f"{prefix}_{name}"
        if hasattr(settings, full_name):
            return getattr(settings, full_name)
        raw = os.environ.get(full_name)
        if raw in (None, "") or not isinstance(default, str | int | float | Decimal):
            return default
        if isinstance(default, bool):
            return raw.strip().lower() in TRUE_WORDS
        return type(default)(raw)

    return get
