"""A crew's shoot week (``/app/shoot-days/?crew=<id>&week=YYYY-Www``): seven columns, each day's stops with
the travel between them, its calls, the conflict service's warnings, and its call sheet: publish it from
the page and see who has acknowledged it (and who has not, with the phone to call them).

Reads go through the crews selectors (another company's crew or day is a 404 like a missing one); the
warnings are ``crews.conflicts.shoot_day_warnings``, the API's conflicts endpoint's own; publishing calls
``shoot_day_publish`` like the API, its refusals (409) shown in place.
"""

import re
from datetime import date, timedelta

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from config.exceptions import DomainError
from config.fields import ID_MAX
from crews import services
from crews.conflicts import conflicts_rendered, shoot_day_warnings, stop_moves
from crews.policies import PERSON, SHOOT_DAY
from crews.selectors import call_sheets_visible_to, crews_visible_to, shoot_day_loaded, shoot_days_visible_to
from studio.web.acting import workspace_page

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekParams(forms.Form):
    crew = forms.IntegerField(
        label=pgettext_lazy("unit", "Crew"), required=False, min_value=1, max_value=ID_MAX
    )
    week = forms.CharField(label=gettext_lazy("Week"), required=False, max_length=8)

    def clean_week(self) -> date | None:
        text = self.cleaned_data["week"]
        if not text:
            return None
        match = WEEK.match(text)
        try:
            if match:
                return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
        raise forms.ValidationError(_("Give the week as year-W-number, for example 2026-W50."))


def week_text(monday: date) -> str:
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_url(crew_id: int, monday: date) -> str:
    return f"{reverse('crews:shoot-week')}?{urlencode({'crew': crew_id, 'week': week_text(monday)})}"


def _latest_sheets(organization, days) -> dict:
    """Each day's latest call sheet with its recipients (one query and one for the recipients)."""
    sheets = (
        call_sheets_visible_to(organization=organization)
        .select_related(None)
        .filter(shoot_day__in=[day.pk for day in days])
        .order_by("shoot_day_id", "-version")
        .distinct("shoot_day_id")
    )
    return {sheet.shoot_day_id: sheet for sheet in sheets}


def _column(request, day, sheet, *, error=None, done=""):
    stops = list(day.stops.all())
    moves = {move["to"].pk: move for move in stop_moves(stops)}
    recipients = list(sheet.recipients.all()) if sheet else []
    return {
        "day": day,
        "stops": [(stop, moves.get(stop.pk)) for stop in stops],
        "calls": list(day.calls.all()),
        "warnings": conflicts_rendered(shoot_day_warnings(day)),
        "sheet": sheet,
        "acknowledged": [r for r in recipients if r.acknowledged_at],
        "waiting": [r for r in recipients if not r.acknowledged_at],
        "full_phone": PERSON.allows(request.actor, "see_full_phone", reads=True),
        "may_publish": SHOOT_DAY.allows(request.actor, "publish"),
        "error": error,
        "done": done,
    }


@require_GET
@workspace_page(SHOOT_DAY, "list")
def shoot_week(request):
    """Seven columns from Monday: the crew's week as the conflict service and the call sheets see it."""
    params = WeekParams(request.GET)
    if not params.is_valid():
        return render(request, "crews/shoot_week_invalid.html", {"form": params}, status=400)
    crews = list(
        crews_visible_to(organization=request.organization).order_by("production__title", "name", "id")
    )
    today = timezone.localdate()
    monday = params.cleaned_data["week"] or today - timedelta(days=today.weekday())
    crew_id = params.cleaned_data["crew"]
    if crew_id is None:
        if not crews:
            return render(request, "crews/shoot_week_empty.html")
        # open on a crew that shoots this week, if any: an empty week hides the one that does
        shooting = set(
            shoot_days_visible_to(organization=request.organization)
            .filter(date__range=(monday, monday + timedelta(days=6)))
            .values_list("crew_id", flat=True)
        )
        first = next((crew for crew in crews if crew.pk in shooting), crews[0])
        return redirect(week_url(first.pk, monday))
    crew = next((crew for crew in crews if crew.pk == crew_id), None)
    if crew is None:  # another company's crew reads exactly like one that does not exist
        raise Http404(_("No such crew."))
    dates = [monday + timedelta(days=n) for n in range(7)]
    days = list(
        shoot_day_loaded(shoot_days_visible_to(organization=request.organization))
        .filter(crew=crew, date__range=(dates[0], dates[-1]))
        .order_by("date")
    )
    sheets = _latest_sheets(request.organization, days)
    by_date = {day.date: _column(request, day, sheets.get(day.pk)) for day in days}
    context = {
        "crew": crew,
        "crews": crews,
        "week": week_text(monday),
        "columns": [(d, by_date.get(d)) for d in dates],
        "previous_url": week_url(crew.pk, monday - timedelta(days=7)),
        "next_url": week_url(crew.pk, monday + timedelta(days=7)),
        "today": today,
    }
    return render(request, "crews/shoot_week.html", context)


def _day(request, pk: int):
    return get_object_or_404(
        shoot_day_loaded(shoot_days_visible_to(organization=request.organization)), pk=pk
    )


@require_POST
@workspace_page(SHOOT_DAY, "publish", reads=False)
def shoot_day_publish(request, pk: int):
    """Publish the day's call sheet (version N+1) and answer with the day's column, refusals in place."""
    day = _day(request, pk)
    try:
        sheet = services.shoot_day_publish(
            shoot_day=day, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except DomainError as error:
        day = _day(request, pk)
        column = _column(request, day, _latest_sheets(request.organization, [day]).get(day.pk), error=error)
        return render(request, "crews/_shoot_day.html", column, status=error.status_code)
    day = _day(request, pk)
    done = _("Call sheet version %(version)d published; its people are told.") % {"version": sheet.version}
    column = _column(request, day, _latest_sheets(request.organization, [day]).get(day.pk), done=done)
    return render(request, "crews/_shoot_day.html", column)
