"""The workspace's front door: ``/`` is the landing page, or a signed-in user's home.

Each organisation kind has a home: an operator's is the day board, a review centre's the admin's
review queue, a production company's the circle planner, a zone management's its zone's figures. Which
one is decided by the policies, as everywhere: the first home whose policy allows the acting member is
theirs.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bookings.policies import BASE_BOARD, ZONE_FIGURES
from crews.policies import SHOOT_DAY
from locations.policies import CIRCLE_PLAN
from review.policies import SUBMISSION
from studio.policies import PRODUCTION
from studio.policy import ADMIN_VIEW
from studio.web.acting import act, chooser_url

#: (policy, action, URL name) in order: the first the acting member may use is their home
HOMES = [
    (BASE_BOARD, "board", "bookings:board"),
    (SUBMISSION, ADMIN_VIEW, "admin:review_reviewsubmission_changelist"),
    (CIRCLE_PLAN, "plan_page", "locations:planner"),
    (ZONE_FIGURES, "page", "bookings:zone"),
]
FALLBACK_HOME = "admin:index"


def home(request):
    if not request.user.is_authenticated:
        return render(request, "workspace/landing.html")
    try:
        actor = act(request)
    except PermissionDenied:  # no membership: a superuser's home is the admin, anyone else's the landing page
        return redirect(FALLBACK_HOME) if request.user.is_staff else render(request, "workspace/landing.html")
    if actor is None:
        return redirect(chooser_url(reverse("home")))
    for policy, action, url_name in HOMES:
        if policy.allows(actor, action, reads=True):
            return redirect(url_name)
    return redirect(FALLBACK_HOME)


#: the workspace's menu: (policy, action, label, URL name), each shown to those its policy allows
NAVIGATION = [
    (BASE_BOARD, "board", _("Day board"), "bookings:board"),
    (BASE_BOARD, "occupancy", _("Occupancy"), "bookings:occupancy"),
    (SUBMISSION, ADMIN_VIEW, _("Review queue"), "admin:review_reviewsubmission_changelist"),
    (CIRCLE_PLAN, "plan_page", _("Circle planner"), "locations:planner"),
    (PRODUCTION, "workspace", _("Productions"), "bookings:productions"),
    (SHOOT_DAY, "list", _("Shoot week"), "crews:shoot-week"),
    (ZONE_FIGURES, "page", _("Zone figures"), "bookings:zone"),
]


def navigation(request) -> dict:
    """Context processor: the menu of the acting member (set by ``workspace_page``), else nothing."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    items = []
    for policy, action, label, url_name in NAVIGATION:
        if policy.allows(actor, action, reads=True):
            url = reverse(url_name)
            items.append({"label": label, "url": url, "current": request.path.startswith(url)})
    if request.user.is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index"), "current": False})
    return {"workspace_nav": items}
