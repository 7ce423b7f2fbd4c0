"""The links that emails and WeCom messages carry: absolute addresses of pages people open, never API paths.

Every address starts with ``settings.SITE_URL``. Routed pages are found with ``reverse()``; a workspace
page under ``/app/`` that is not routed (yet) falls back to its path in ``WORKSPACE_PAGES``, the one place
that names them.
"""

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse


def absolute(path: str) -> str:
    """``path`` (starting with ``/``) on the site people open; an absolute URL stays as it is."""
    if not path or "://" in path:
        return path
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def admin_change_url(app_label: str, model_name: str, pk) -> str:
    """The admin page of one object ("" when the model has no admin page or no id is known)."""
    if pk in (None, ""):
        return ""
    try:
        return absolute(reverse(f"admin:{app_label}_{model_name}_change", args=[pk]))
    except NoReverseMatch:
        return ""


#: the workspace pages: URL name, and the path to use while that name is not routed
WORKSPACE_PAGES = {
    "board": ("bookings:board", "/app/board/"),
    "occupancy": ("bookings:occupancy", "/app/occupancy/"),
}


def workspace_path(name: str, **params) -> str:
    """The path of a workspace page with its query (e.g. the operator's day board of a base and date)."""
    url_name, fallback = WORKSPACE_PAGES[name]
    try:
        path = reverse(url_name)
    except NoReverseMatch:
        path = fallback
    query = {key: value.isoformat() if isinstance(value, date) else value for key, value in params.items()}
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


def board_url(*, base, day) -> str:
    """The operator's day board of ``base`` (an id) on ``day`` (a date or ``YYYY-MM-DD``)."""
    if base in (None, ""):
        return ""
    return absolute(workspace_path("board", base=base, date=day))


def occupancy_url(*, base) -> str:
    if base in (None, ""):
        return ""
    return absolute(workspace_path("occupancy", base=base))
