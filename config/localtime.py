"""Times as people here read them: in the site's zone (Asia/Shanghai), in one of a few fixed shapes."""

from datetime import datetime

from django.utils import timezone

#: ``2026-12-21 08:00``: a moment named in a message or an error
MINUTE = "%Y-%m-%d %H:%M"
#: ``08:00``: a time on a day that the text names already
CLOCK = "%H:%M"
#: ``12-21 08:00``: a moment within the year that the text is about
DAY_CLOCK = "%m-%d %H:%M"


def local_text(value: datetime, shape: str = MINUTE) -> str:
    """A stored (UTC) time as local wall-clock text, ``2026-12-21 08:00`` unless another ``shape``."""
    return timezone.localtime(value).strftime(shape)


def local_iso(value: datetime | None) -> str | None:
    """A time as ISO 8601 with the local offset (``2026-12-21T08:00:00+08:00``); None stays None."""
    return timezone.localtime(value).isoformat() if value is not None else None
