"""Django-level error pages: JSON in the API envelope under /api/, Django's defaults elsewhere."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def json_404(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Not found."), "fields": {}}, status=404)
    return defaults.page_not_found(request, exception)


def json_500(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "detail": _("Server error."), "fields": {}}, status=500)
    return defaults.server_error(request)
