"""Account lockout answers: JSON envelope for the API, a plain page for the admin."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def lockout_response(request, credentials=None, *args, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = _("Too many failed login attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "locked_out", "detail": detail, "fields": {}},
            status=429,
            headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))},
        )
    return HttpResponse(detail, status=429, content_type="text/plain; charset=utf-8")
