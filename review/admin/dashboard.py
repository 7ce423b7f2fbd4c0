"""The centre's dashboard inside the admin: tables and ECharts charts drawn from the API's own body.

The API needs a token and ``X-Organization``; the admin's session has neither, so the page's charts read
``dashboard/<centre>/data.json``, which returns byte for byte what ``GET /api/v1/review-centres/{id}/
dashboard/`` returns. Who may look is the review-centre policy's ``dashboard`` rule: a staff member with
no membership it allows gets 403, another centre's dashboard is 404 exactly like a missing one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError

from config.renderers import JSONRenderer
from config.spreadsheets import CSVRenderer
from review import policies
from review.api.serializers import ReviewDashboardOut
from review.api.views import dashboard_body
from review.dashboard import dashboard_rows
from review.selectors import review_centres
from studio.admin_scoping import admin_memberships


class DashboardAdminMixin:
    """``dashboard/``, ``dashboard/<centre>/``, its ``data.json`` and ``export.csv`` (submissions admin)."""

    def dashboard_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dashboard/", view(self.dashboard_index), name="review_reviewsubmission_dashboards"),
            path(
                "dashboard/<int:centre_id>/",
                view(self.dashboard_view),
                name="review_reviewsubmission_dashboard",
            ),
            path(
                "dashboard/<int:centre_id>/data.json",
                view(self.dashboard_data),
                name="review_reviewsubmission_dashboard_data",
            ),
            path(
                "dashboard/<int:centre_id>/export.csv",
                view(self.dashboard_csv),
                name="review_reviewsubmission_dashboard_csv",
            ),
        ]

    def dashboard_centres(self, request):
        """The centres whose dashboard the staff member may open (403 when none)."""
        centres = review_centres().order_by("name", "pk")
        if request.user.is_superuser:
            return centres
        rule = policies.CENTRE.rule("dashboard", reads=True)
        ids = list(admin_memberships(request.user, rule).values_list("organization_id", flat=True))
        if not ids:
            raise PermissionDenied
        return centres.filter(pk__in=ids)

    def _centre(self, request, centre_id):
        centre = self.dashboard_centres(request).filter(pk=centre_id).first()
        if centre is None:
            raise Http404
        return centre

    def dashboard_index(self, request):
        centre = self.dashboard_centres(request).first()
        if centre is None:
            raise Http404
        return HttpResponseRedirect(reverse("admin:review_reviewsubmission_dashboard", args=[centre.pk]))

    def dashboard_data(self, request, centre_id):
        centre = self._centre(request, centre_id)
        try:
            data = dashboard_body(centre, request.GET)
        except ValidationError as exc:
            body = {"code": "invalid", "detail": gettext("Invalid input."), "fields": exc.detail}
            return HttpResponse(JSONRenderer().render(body), status=400, content_type="application/json")
        return HttpResponse(
            JSONRenderer().render(ReviewDashboardOut(data).data), content_type="application/json"
        )

    def dashboard_csv(self, request, centre_id):
        centre = self._centre(request, centre_id)
        try:
            data = dashboard_body(centre, request.GET)
        except ValidationError:
            data = dashboard_body(centre, {})
        name = f"review-dashboard-{centre.pk}-{data['since']}-{data['until']}.csv"
        return HttpResponse(
            CSVRenderer().render(dashboard_rows(data)),
            content_type=f"{CSVRenderer.media_type}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def dashboard_view(self, request, centre_id):
        centre = self._centre(request, centre_id)
        query = request.GET
        try:
            data = dashboard_body(centre, query)
        except ValidationError as exc:
            for errors in exc.detail.values():
                self.message_user(request, " ".join(map(str, errors)), level=messages.ERROR)
            query = {}
            data = dashboard_body(centre, query)
        window = f"?since={data['since']}&until={data['until']}"
        data_url = reverse("admin:review_reviewsubmission_dashboard_data", args=[centre.pk]) + window
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Review dashboard: %(centre)s") % {"centre": centre.name},
            "centre": centre,
            "centres": self.dashboard_centres(request),
            "data": data,
            "turnaround_rows": [row for row in data["turnaround"] if row["count"]],
            "data_url": data_url,
            "csv_url": reverse("admin:review_reviewsubmission_dashboard_csv", args=[centre.pk]) + window,
        }
        return TemplateResponse(request, "admin/review/reviewsubmission/dashboard.html", context)
