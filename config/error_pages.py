"""Django-level error pages: JSON in the API envelope under /api/, the workspace's error page elsewhere.

DRF turns errors raised inside its views into the envelope (``config.exceptions``); these handlers
cover what happens outside them: an unknown path, a request Django refuses before any view runs
(bad host, too many fields, CSRF) and a crash.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import csrf, defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _envelope(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"code": code, "detail": detail, "fields": {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def error_page(request, status: int, heading: str, **context):
    """The workspace's one error page (``workspace/error.html``): a heading, what went wrong, the way back."""
    return render(
        request, "workspace/error.html", {"status": status, "heading": heading, **context}, status=status
    )


def json_400(request, exception):
    if _is_api(request):
        return _envelope("bad_request", _("The request could not be understood."), 400)
    return error_page(request, 400, _("The request could not be understood."))


def json_403(request, exception):
    if _is_api(request):
        return _envelope("permission_denied", _("You do not have permission to perform this action."), 403)
    # the policy's reason, when a page raised PermissionDenied with one
    return error_page(request, 403, _("You may not open this page."), detail=str(exception or ""))


def json_404(request, exception):
    if _is_api(request):
        detail = _("Not found.")
        if not request.path_info.endswith("/"):
            try:
                resolve(request.path_info + "/")
            except Resolver404:
                pass
            else:
                detail = _("Not found. Did you mean %(path)s?") % {"path": request.path + "/"}
        return _envelope("not_found", detail, 404)
    return error_page(request, 404, _("There is no such page."))


def json_500(request):
    if _is_api(request):
        return _envelope("server_error", _("Server error."), 500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return _envelope("csrf_failed", _("CSRF verification failed."), 403)
    return csrf.csrf_failure(request, reason=reason)
