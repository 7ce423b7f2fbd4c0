"""A production company's production page: its bookings by day, the cancellation quote, cancel and
reschedule in place, its spend (page, JSON, CSV), its review state and the bases it may book yet.

The page lives with the bookings because nearly all of it is bookings (their selectors, services and
policy); the studio app, which owns productions, knows nothing of bookings. Reads go through the
scoped selectors (another company's production or booking is a 404 like a missing one); each action
calls the same service as the API and shows its refusal (400, 409) in place.
"""

import csv
import io
from collections import defaultdict
from itertools import groupby

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from bookings import services
from bookings.models import Booking
from bookings.policies import BOOKING
from bookings.selectors import bookings_visible_to
from bookings.spend import production_spend, spend_data
from config.exceptions import DomainError
from config.spreadsheets import safe_row
from locations.selectors import bases_visible_to
from review.calendar import WorkingDayCalendar
from review.models import HolidayOverride
from review.selectors import production_passed_preliminary, submissions_visible_to
from studio.policies import PRODUCTION
from studio.selectors import productions_visible_to
from studio.web.acting import workspace_page

Status = Booking.Status
#: statuses the company may still cancel or move (the services refuse the rest with a 409 anyway)
OPEN = (Status.HELD, Status.CONFIRMED)
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=gettext_lazy("New start"), input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=gettext_lazy("New end"), input_formats=DATETIME_FORMATS)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data


def _production(request, pk: int):
    return get_object_or_404(productions_visible_to(organization=request.organization), pk=pk)


def _bookings(request):
    return (
        bookings_visible_to(organization=request.organization)
        .select_related(None)
        .select_related("set__base")
    )


@require_GET
@workspace_page(PRODUCTION, "workspace")
def production_list(request):
    productions = productions_visible_to(organization=request.organization).order_by("-created_at", "-id")
    return render(request, "bookings/production_list.html", {"productions": productions})


def _review(request, production) -> dict:
    of_production = submissions_visible_to(organization=request.organization).filter(production=production)
    submissions = list(
        of_production.prefetch_related(None)
        .select_related(None)
        .select_related("centre")
        .order_by("kind", "-version", "-id")
    )
    # the company's own timings (issue 15): working days from submission to decision, or to today, by each
    # centre's calendar (its holiday overrides read in one query whatever the number of submissions)
    overrides = defaultdict(dict)
    centres = of_production.order_by().values("centre_id")
    rows = HolidayOverride.objects.filter(centre_id__in=centres).values_list(
        "centre_id", "date", "is_working_day"
    )
    for centre_id, day, working in rows:
        overrides[centre_id][day] = working
    today = timezone.localdate()
    for submission in submissions:
        submission.working_days = None
        if submission.submitted_at is not None:
            end = timezone.localdate(submission.decided_at) if submission.decided_at else today
            calendar = WorkingDayCalendar(overrides[submission.centre_id])
            submission.working_days = calendar.working_days_between(
                timezone.localdate(submission.submitted_at), end
            )
    passed = production_passed_preliminary(production)
    bases = list(
        bases_visible_to(organization=request.organization)
        .prefetch_related(None)
        .select_related(None)
        .filter(is_active=True)
        .order_by("name", "id")
    )
    gated = [base for base in bases if base.requires_preliminary_review]
    return {
        "submissions": submissions,
        "passed_preliminary": passed,
        "gated_bases": gated,
        "open_bases": [base for base in bases if not base.requires_preliminary_review],
    }


@require_GET
@workspace_page(PRODUCTION, "workspace")
def production_page(request, pk: int):
    """The production: its bookings by day, its spend against its investment, its review state."""
    production = _production(request, pk)
    bookings = list(_bookings(request).filter(production=production).order_by("starts_at", "id"))
    days = [
        (day, list(items))
        for day, items in groupby(bookings, key=lambda booking: timezone.localdate(booking.starts_at))
    ]
    context = {
        "production": production,
        "days": days,
        "open_statuses": OPEN,
        "spend": production_spend(organization=request.organization, production=production),
        **_review(request, production),
    }
    return render(request, "bookings/production.html", context)


@require_GET
@workspace_page(PRODUCTION, "workspace")
def production_spend_json(request, pk: int):
    """The spend's numbers as the page shows them (money as exact decimal strings, CNY)."""
    production = _production(request, pk)
    return JsonResponse(
        spend_data(production_spend(organization=request.organization, production=production))
    )


@require_GET
@workspace_page(PRODUCTION, "workspace")
def production_spend_csv(request, pk: int):
    """The spend as a spreadsheet: one row per base, one per week, and the total (cells made safe)."""
    production = _production(request, pk)
    spend = production_spend(organization=request.organization, production=production)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        safe_row([_("Group"), _("Base or week"), _("Bookings (CNY)"), _("Fees (CNY)"), _("Total (CNY)")])
    )
    for group, lines in ((_("Base"), spend.by_base), (_("ISO week"), spend.by_week)):
        for line in lines:
            writer.writerow(safe_row([group, line.label, line.bookings, line.fees, line.total]))
    writer.writerow(safe_row([_("Total"), production.title, spend.bookings, spend.fees, spend.total]))
    writer.writerow(safe_row([_("Investment"), production.title, "", "", spend.investment]))
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="production-{production.pk}-spend.csv"'
    return response


def _booking(request, pk: int) -> Booking:
    """One of the acting company's bookings; another company's is a 404 like a missing one."""
    return get_object_or_404(_bookings(request), pk=pk)


def _row(request, booking, *, quote=None, error=None, form=None, done="", status: int = 200):
    context = {
        "booking": booking,
        "open_statuses": OPEN,
        "quote": quote,
        "error": error,
        "form": form,
        "done": done,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "bookings/_production_booking.html", context, status=status)


@require_GET
@workspace_page(BOOKING, "cancellation_quote")
def booking_cancellation_quote(request, pk: int):
    """What cancelling now would cost, shown on the booking with the button that does it."""
    booking = _booking(request, pk)
    try:
        quote = services.booking_cancellation_quote(booking=booking)
    except DomainError as error:
        return _row(request, booking, error=error, status=error.status_code)
    return _row(request, booking, quote=quote)


def _changed(response):
    response["HX-Trigger"] = "production-changed"
    return response


@require_POST
@workspace_page(BOOKING, "cancel", reads=False)
def booking_cancel(request, pk: int):
    booking = _booking(request, pk)
    try:
        cancelled = services.booking_cancel(
            booking=booking, by=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        booking.refresh_from_db()
        return _row(request, booking, error=error, status=error.status_code)
    done = _("Cancelled; the fee charged is ¥%(fee)s.") % {"fee": cancelled.cancellation_fee}
    return _changed(_row(request, _booking(request, pk), done=done))


@require_POST
@workspace_page(BOOKING, "reschedule", reads=False)
def booking_reschedule(request, pk: int):
    booking = _booking(request, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return _row(request, booking, form=form, status=400)
    try:
        services.booking_reschedule(
            booking=booking,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            by=request.user,
        )
    except DomainError as error:
        booking.refresh_from_db()
        return _row(request, booking, form=form, error=error, status=error.status_code)
    return _changed(_row(request, _booking(request, pk), done=_("Moved; the price was quoted again.")))
