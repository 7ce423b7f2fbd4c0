"""The operator's occupancy and revenue page (``/app/occupancy/?base=&from=&to=``), its chart data and CSV.

Everything comes from ``bookings.occupancy.base_occupancy`` through ``occupancy_data``: the page's
figures, the charts' JSON (``/app/occupancy/data/``, serialised by the API's ``OccupancyOut``, so it is
exactly the body of ``GET /api/v1/bases/{id}/occupancy/``) and the CSV (the API's rows, written by its
formula-safe renderer).
"""

from datetime import date, timedelta
from decimal import Decimal

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
from config.dates import validate_in_range
from config.spreadsheets import CSVRenderer, XLSXRenderer
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


def _url(name: str, base_id: int, first: date, last: date) -> str:
    query = urlencode({"base": base_id, "from": first.isoformat(), "to": last.isoformat()})
    return f"{reverse(name)}?{query}"


def _resolve(request):
    """The base (scoped to the acting operator), the window, the operator's bases; or a response."""
    params = OccupancyParams(request.GET)
    if not params.is_valid():
        return (
            None,
            None,
            None,
            None,
            render(request, "bookings/occupancy_invalid.html", {"form": params}, status=400),
        )
    bases = list(
        bases_owned_by(organization=request.organization).prefetch_related(None).order_by("name", "id")
    )
    first, last, base_id = params.cleaned_data["from"], params.cleaned_data["to"], params.cleaned_data["base"]
    if base_id is None:
        if not bases:
            return None, None, None, None, render(request, "bookings/board_empty.html", status=200)
        return (
            None,
            None,
            None,
            None,
            redirect(_url(request.resolver_match.view_name, bases[0].pk, first, last)),
        )
    base = next((b for b in bases if b.pk == base_id), None)
    if base is None:  # another operator's base reads exactly like one that does not exist
        raise Http404(_("No such base."))
    return base, first, last, bases, None


@require_GET
@workspace_page(BASE_BOARD, "occupancy")
def occupancy(request):
    """Utilisation, revenue, cancellations, no-shows, lead time and busiest hours, with three charts."""
    base, first, last, bases, response = _resolve(request)
    if response is not None:
        return response
    data = occupancy_data(base_occupancy(base=base, first=first, last=last))
    busiest = max(data["hours"], key=lambda row: Decimal(row["booked_hours"]))
    weeks = (last - first).days // 7 + 1
    context = {
        "base": base,
        "bases": bases,
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


@require_GET
@workspace_page(BASE_BOARD, "occupancy")
def occupancy_json(request):
    """The charts' numbers: the body of ``GET /api/v1/bases/{id}/occupancy/`` for the same window."""
    base, first, last, _bases, response = _resolve(request)
    if response is not None:
        return response
    body = occupancy_data(base_occupancy(base=base, first=first, last=last))  # OccupancyOut's form
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _spreadsheet(request, renderer):
    base, first, last, _bases, response = _resolve(request)
    if response is not None:
        return response
    rows = occupancy_rows(occupancy_data(base_occupancy(base=base, first=first, last=last)))
    content_type = renderer.media_type + (f"; charset={renderer.charset}" if renderer.charset else "")
    response = HttpResponse(renderer.render(rows), content_type=content_type)
    name = f"occupancy-{base.pk}-{first:%Y%m%d}-{last:%Y%m%d}.{renderer.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@workspace_page(BASE_BOARD, "occupancy")
def occupancy_csv(request):
    """The same numbers as a spreadsheet (text cells that could be formulas start with ``'``)."""
    return _spreadsheet(request, CSVRenderer())


@require_GET
@workspace_page(BASE_BOARD, "occupancy")
def occupancy_xlsx(request):
    """The same numbers as an Excel workbook (text cells stored as text, never as formulas)."""
    return _spreadsheet(request, XLSXRenderer())
