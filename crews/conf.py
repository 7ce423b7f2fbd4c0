"""Settings of the crews app: ``CREWS_<NAME>`` in Django settings, else the environment
(``config.appconf``).
"""

from django.conf import settings

from config.appconf import app_settings

_get = app_settings("CREWS")


def public_base_url() -> str:
    """Where the private call-sheet links in emails point (scheme and host, no trailing slash); by default
    the site's own address (``SITE_URL``)."""
    return str(_get("PUBLIC_BASE_URL", "") or settings.SITE_URL).rstrip("/")


def chromium_binary() -> str:
    """The headless browser that renders call-sheet images."""
    return str(_get("CHROMIUM_BINARY", "/usr/bin/chromium"))


def render_timeout_seconds() -> int:
    return int(_get("RENDER_TIMEOUT_SECONDS", 60))


def scene_import_max_bytes() -> int:
    """The largest scene-breakdown CSV accepted (5,000 rows fit with room to spare)."""
    return int(_get("SCENE_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
