"""The workspace's doors: sign in, sign out, and choosing the organisation a session acts for."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from studio.selectors import memberships_for_user
from studio.web.acting import acting_membership, choose


class LoginView(auth_views.LoginView):
    """The same accounts and the same lockout (django-axes) as the API and the admin."""

    template_name = "studio/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (Django's rule since 5.0); then the landing page."""


def _safe_next(request, fallback: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=False):
        return candidate
    return fallback


@require_http_methods(["GET", "POST"])
def organization(request):
    """Pick the organisation to act for (a user with several memberships); kept in the session."""
    if not request.user.is_authenticated:
        return auth_views.redirect_to_login(request.get_full_path())
    memberships = list(memberships_for_user(user=request.user))
    error = None
    if request.method == "POST":
        chosen = request.POST.get("organization", "")
        membership = next((m for m in memberships if str(m.organization_id) == chosen), None)
        if membership is not None:
            choose(request, membership)
            return redirect(_safe_next(request))
        # another organisation's id reads exactly like one that does not exist
        error = _("Choose one of your organisations.")
    context = {
        "memberships": memberships,
        "current": acting_membership(request, memberships),
        "next": _safe_next(request, ""),
        "error": error,
    }
    return render(request, "studio/organization.html", context, status=400 if error else 200)
