"""Logins: the client address lockouts key on; lockout answers (JSON for the API, text for the admin,
a page for the workspace)."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from config.error_pages import error_page


def client_ip(request) -> str | None:
    """The client's address as the throttles count it (DRF's ``NUM_PROXIES`` rule): ``REMOTE_ADDR``, or
    behind ``TRUSTED_PROXIES`` proxies the address the outermost of them appended to X-Forwarded-For.
    Anything further left in that header was written by the client and is ignored."""
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not settings.TRUSTED_PROXIES or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(settings.TRUSTED_PROXIES, len(addresses))] or remote_addr


def lockout_response(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = _("Too many failed login attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "locked_out", "detail": detail, "fields": {}},
            status=429,
            headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))},
        )
    if request.path.startswith("/admin/"):
        return HttpResponse(detail, status=429, content_type="text/plain; charset=utf-8")
    return error_page(request, 429, _("Sign in"), detail=detail, back_url="/", back_label=_("Home"))
