"""The operator's occupancy and revenue page (``/app/occupancy/?base=&from=&to=``), its chart data and CSV.

Everything comes from ``bookings.occupancy.base_occupancy`` through ``occupancy_data``: the page's
figures, the charts' JSON (``/app/occupancy/data/``, serialised by the API's ``OccupancyOut``, so it is
exactly the body of ``GET /api/v1/bases/{id}/occupancy/``) and the CSV (the API's rows, written by its
formula-safe renderer).
"""

from datetime import date, timedelta
from decimal import Decimal
from functools import wraps
from typing import NamedTuple

from django import forms
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from bookings import conf
from bookings.occupancy import base_occupancy, occupancy_data, occupancy_rows
from bookings.policies import BASE_BOARD
from bookings.web.downloads import spreadsheet_response
from config.dates import validate_in_range
from config.spreadsheets import CSVRenderer, XLSXRenderer
from locations.models import Base
from locations.selectors import bases_owned_by
from studio.web.acting import workspace_page

MAX_ID = 2**63 - 1


class OccupancyParams(forms.Form):
    base = forms.IntegerField(label=gettext_lazy("Base"), required=False, min_value=1, max_value=MAX_ID)
    to = forms.DateField(
        label=gettext_lazy("To"), required=False, input_formats=["%Y-%m-%d"], validators=[validate_in_range]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"),
            required=False,
            input_formats=["%Y-%m-%d"],
            validators=[validate_in_range],
        )
        self.order_fields(["base", "from", "to"])

    def clean(self):
        data = super().clean()
        first, last = data.get("from"), data.get("to")
        if first is None and last is None and not self.errors:
            # the four ISO weeks up to the end of the current one
            today = timezone.localdate()
            last = today + timedelta(days=6 - today.weekday())
            first = last - timedelta(days=27)
        elif first is None and "from" not in self.errors:
            first = last - timedelta(days=27)
        elif last is None and "to" not in self.errors:
            last = first + timedelta(days=27)
        if first is not None and last is not None:
            if last < first:
                self.add_error("to", _("Must not be before the first day."))
            elif (last - first).days + 1 > conf.occupancy_max_days():
                self.add_error(
                    "to", _("The window may span at most %(n)d days.") % {"n": conf.occupancy_max_days()}
                )
        data["from"], data["to"] = first, last
        return data


class OccupancyWindow(NamedTuple):
    """The base and the days a request asks about, and the acting operator's bases (for the switcher)."""

    base: Base
    first: date
    last: date
    bases: list[Base]


def _url(name: str, base_id: int, first: date, last: date) -> str:
    query = urlencode({"base": base_id, "from": first.isoformat(), "to": last.isoformat()})
    return f"{reverse(name)}?{query}"


def _resolve(request) -> tuple[OccupancyWindow | None, HttpResponse | None]:
    """``(window, None)`` for the acting operator's base (scoped) and the days asked about, or
    ``(None, response)``."""
    params = OccupancyParams(request.GET)
    if not params.is_valid():
        context = {
            "title": _("Occupancy"),
            "errors": [(field.name, field.label, message) for field in params for message in field.errors],
            "back_url": reverse("bookings:occupancy"),
            "back_label": _("The last four weeks"),
        }
        return None, render(request, "bookings/figures_invalid.html", context, status=400)
    bases = list(
        bases_owned_by(organization=request.organization).prefetch_related(None).order_by("name", "id")
    )
    first, last, base_id = params.cleaned_data["from"], params.cleaned_data["to"], params.cleaned_data["base"]
    if base_id is None:
        if not bases:
            return None, render(request, "bookings/board_empty.html", status=200)
        return None, redirect(_url(request.resolver_match.view_name, bases[0].pk, first, last))
    base = next((b for b in bases if b.pk == base_id), None)
    if base is None:  # another operator's base reads exactly like one that does not exist
        raise Http404(_("No such base."))
    return OccupancyWindow(base, first, last, bases), None


def _occupancy_page(view):
    """A GET page of the acting operator's base: ``view(request, window, data)`` runs once the base, the
    days (an ``OccupancyWindow``) and their figures are resolved; a bad query, another operator's base or
    no base at all answers as ``_resolve`` says."""

    @require_GET
    @workspace_page(BASE_BOARD, "occupancy")
    @wraps(view)
    def page(request):
        window, response = _resolve(request)
        if response is not None:
            return response
        data = occupancy_data(base_occupancy(base=window.base, first=window.first, last=window.last))
        return view(request, window, data)  # data: OccupancyOut's form

    return page


@_occupancy_page
def occupancy(request, window, data):
    """Utilisation, revenue, cancellations, no-shows, lead time and busiest hours, with three charts."""
    base, first, last = window.base, window.first, window.last
    busiest = max(data["hours"], key=lambda row: Decimal(row["booked_hours"]))
    weeks = (last - first).days // 7 + 1
    context = {
        "base": base,
        "bases": window.bases,
        "first": first,
        "last": last,
        "data": data,
        "busiest": busiest if Decimal(busiest["booked_hours"]) else None,
        "max_days": conf.occupancy_max_days(),
        "data_url": _url("bookings:occupancy-data", base.pk, first, last),
        "csv_url": _url("bookings:occupancy-csv", base.pk, first, last),
        "xlsx_url": _url("bookings:occupancy-xlsx", base.pk, first, last),
        "previous_url": _url(
            "bookings:occupancy", base.pk, first - timedelta(weeks=weeks), last - timedelta(weeks=weeks)
        ),
        "next_url": _url(
            "bookings:occupancy", base.pk, first + timedelta(weeks=weeks), last + timedelta(weeks=weeks)
        ),
    }
    return render(request, "bookings/occupancy.html", context)


@_occupancy_page
def occupancy_json(request, _window, data):
    """The charts' numbers: the body of ``GET /api/v1/bases/{id}/occupancy/`` for the same window."""
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _spreadsheet(renderer, window, data):
    name = f"occupancy-{window.base.pk}-{window.first:%Y%m%d}-{window.last:%Y%m%d}.{renderer.format}"
    return spreadsheet_response(renderer, occupancy_rows(data), name)


@_occupancy_page
def occupancy_csv(request, window, data):
    """The same numbers as a spreadsheet (text cells that could be formulas start with ``'``)."""
    return _spreadsheet(CSVRenderer(), window, data)


@_occupancy_page
def occupancy_xlsx(request, window, data):
    """The same numbers as an Excel workbook (text cells stored as text, never as formulas)."""
    return _spreadsheet(XLSXRenderer(), window, data)
