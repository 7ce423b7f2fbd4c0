"""Settings of the crews app, each with an embedded default (override in the environment-driven settings)."""

from django.conf import settings


def public_base_url() -> str:
    """Where the private call-sheet links in emails point (scheme and host, no trailing slash)."""
    return getattr(settings, "CREWS_PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")


def chromium_binary() -> str:
    """The headless browser that renders call-sheet images."""
    return getattr(settings, "CREWS_CHROMIUM_BINARY", "/usr/bin/chromium")


def render_timeout_seconds() -> int:
    return int(getattr(settings, "CREWS_RENDER_TIMEOUT_SECONDS", 60))


def scene_import_max_bytes() -> int:
    """The largest scene-breakdown CSV accepted (5,000 rows fit with room to spare)."""
    return int(getattr(settings, "CREWS_SCENE_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
