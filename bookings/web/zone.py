"""The zone management's page (``/app/zone/?zone=&from=&to=``), its chart data, CSV and printable summary.

Everything comes from ``bookings.zone`` through ``zone_data``: the page's tables, the charts' JSON
(``/app/zone/data/``: exactly the body of ``GET /api/v1/zones/{id}/stats/``), the CSV (the API's rows) and
the one-page summary (``/app/zone/print/``). Cells of one or two companies are withheld everywhere.
"""

from collections import defaultdict
from functools import wraps

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from bookings import conf
from bookings.occupancy.output import _percent
from bookings.policies import ZONE_FIGURES
from bookings.web.downloads import spreadsheet_response
from bookings.zone import SUPPRESSED, ZoneStatsIn, zone_data, zone_figures, zone_rows
from config.spreadsheets import CSVRenderer
from locations.selectors import zones_managed_by
from studio.web.acting import workspace_page

MAX_ID = 2**63 - 1


def _invalid(request, errors: dict):
    context = {
        "title": _("Zone figures"),
        "errors": [("", field, message) for field, messages in errors.items() for message in messages],
        "back_url": reverse("bookings:zone"),
        "back_label": _("The last six months"),
    }
    return render(request, "bookings/figures_invalid.html", context, status=400)


def _resolve(request):
    """(zone, data, None) for the acting zone management, or (None, None, response)."""
    params = ZoneStatsIn(data={name: request.GET[name] for name in ("from", "to") if name in request.GET})
    raw_zone = request.GET.get("zone", "")
    if raw_zone and not (raw_zone.isdigit() and 0 < int(raw_zone) <= MAX_ID):
        return None, None, _invalid(request, {_("Zone"): [_("A zone id (a whole number) is required.")]})
    if not params.is_valid():  # limits checked before anything is read
        labels = {"from": _("From"), "to": _("To")}
        errors = {
            labels.get(name, name): [str(m) for m in messages] for name, messages in params.errors.items()
        }
        return None, None, _invalid(request, errors)
    zones = list(zones_managed_by(organization=request.organization))
    if raw_zone:
        zone = next((z for z in zones if z.pk == int(raw_zone)), None)
        if zone is None:  # another zone reads exactly like one that does not exist
            raise Http404(_("No such zone."))
    elif zones:
        zone = zones[0]
    else:
        return None, None, render(request, "bookings/zone_empty.html", status=200)
    first, last = params.validated_data["from"], params.validated_data["to"]
    return zone, zone_data(zone_figures(zone=zone, first=first, last=last)), None


def _url(name: str, data: dict) -> str:
    return f"{reverse(name)}?{urlencode({'zone': data['zone'], 'from': data['from'], 'to': data['to']})}"


def _cell(row: dict, name: str, shown=None) -> str:
    if name in row["suppressed"]:
        return SUPPRESSED
    value = row[name]
    if value is None:
        return ""
    return shown(value) if shown else str(value)


def _pct(value) -> str:
    return f"{_percent(value)} %"


def _yuan(value) -> str:
    return f"¥{value}"


def summary_rows(data: dict) -> list[dict]:
    """Every monthly figure as one row of display cells (a column per month, "—" where withheld): the
    page's summary table and the printable page."""
    review = data["review"]
    rows = [
        (_("Crews served"), data["activity"], "crews_served", None),
        (_("Productions active"), data["activity"], "productions", None),
        (_("Companies active"), data["activity"], "companies", None),
        (_("People called"), data["activity"], "people_called", None),
        (_("Utilisation"), data["utilisation"]["zone"], "utilisation", _pct),
        (_("Requests"), data["requests"], "requests", None),
        (_("Confirmed"), data["requests"], "confirmed_share", _pct),
        (_("Declined"), data["requests"], "declined_share", _pct),
        (_("Expired"), data["requests"], "expired_share", _pct),
        (_("Median lead time (days)"), data["requests"], "median_lead_days", None),
        (_("Bookings (CNY)"), data["spend"], "bookings", _yuan),
        (_("Fees (CNY)"), data["spend"], "fees", _yuan),
        (_("Spend (CNY)"), data["spend"], "total", _yuan),
    ]
    if review is not None:
        rows += [
            (_("Submissions received"), review["months"], "intake", None),
            (_("Approvals"), review["months"], "approvals", None),
            (_("Median (working days)"), review["months"], "median_working_days", None),
            (_("90th percentile (working days)"), review["months"], "p90_working_days", None),
            (_("Within target"), review["months"], "within_target", None),
        ]
    return [
        {"label": label, "key": name, "cells": [_cell(row, name, shown) for row in series]}
        for label, series, name, shown in rows
    ]


#: the series' names the page's charts show: ``(chart, series, name)``; ``zone.js`` reads a series' name from
#: its chart's ``data-label-<series>`` (``bookings/_chart.html``)
CHART_LABELS = [
    ("activity", "crews", gettext_noop("Crews served")),
    ("activity", "productions", gettext_noop("Productions active")),
    ("activity", "companies", gettext_noop("Companies active")),
    ("activity", "people", gettext_noop("People called")),
    ("utilisation", "zone", gettext_noop("Whole zone")),
    ("requests", "confirmed", gettext_noop("Confirmed")),
    ("requests", "declined", gettext_noop("Declined")),
    ("requests", "expired", gettext_noop("Expired")),
    ("requests", "lead", gettext_noop("Median lead time (days)")),
    ("spend", "bookings", gettext_noop("Bookings")),
    ("spend", "fees", gettext_noop("Fees")),
    ("review", "intake", gettext_noop("Submissions received")),
    ("review", "approvals", gettext_noop("Approvals")),
    ("review", "median", gettext_noop("Median (working days)")),
    ("review", "p90", gettext_noop("90th percentile (working days)")),
    ("review", "target", gettext_noop("Target")),
    ("circle", "within", gettext_noop("within %(n)s minutes")),  # the script puts the minutes in
]


def _chart_labels() -> dict[str, list[tuple[str, str]]]:
    labels = defaultdict(list)
    for chart, series, name in CHART_LABELS:
        labels[chart].append((series, _(name)))
    return dict(labels)


def _context(data: dict) -> dict:
    withheld = any(
        row["suppressed"]
        for block in (
            data["activity"],
            data["requests"],
            data["spend"],
            *data["utilisation"].values(),
            data["review"]["months"] if data["review"] else [],
        )
        for row in block
    )
    usage = [
        {
            "label": row.get("base_name") or row.get("kind_label"),
            "month": row["month"],
            "open_hours": row["open_hours"],
            "booked_hours": _cell(row, "booked_hours"),
            "utilisation": _cell(row, "utilisation", _pct),
        }
        for row in (*data["utilisation"]["bases"], *data["utilisation"]["kinds"])
    ]
    return {
        "data": data,
        "summary": summary_rows(data),
        "usage": usage,
        "withheld": withheld,
        "suppressed_mark": SUPPRESSED,
        "max_months": conf.zone_max_months(),
        "chart_labels": _chart_labels(),
        "data_url": _url("bookings:zone-data", data),
        "csv_url": _url("bookings:zone-csv", data),
        "print_url": _url("bookings:zone-print", data),
    }


def _zone_page(view):
    """A GET page of the acting zone management: ``view(request, zone, data)`` runs once the zone and its
    figures are resolved; a bad query, another zone or no zone at all answers as ``_resolve`` says."""

    @require_GET
    @workspace_page(ZONE_FIGURES, "page")
    @wraps(view)
    def page(request):
        zone, data, response = _resolve(request)
        if response is not None:
            return response
        return view(request, zone, data)

    return page


@_zone_page
def zone(request, _zone, data):
    """The zone's figures by month with one chart per block, a CSV link and a printable summary."""
    return render(request, "bookings/zone.html", _context(data))


@_zone_page
def zone_json(request, _zone, data):
    """The charts' numbers: the body of ``GET /api/v1/zones/{id}/stats/`` for the same months."""
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@_zone_page
def zone_csv(request, zone, data):
    """The same numbers as CSV ("—" where withheld)."""
    name = f"zone-{zone.pk}-{data['from']}-{data['to']}.csv"
    return spreadsheet_response(CSVRenderer(), zone_rows(data), name)


@_zone_page
def zone_print(request, _zone, data):
    """One printable page: every monthly figure and the circle, for a meeting."""
    return render(request, "bookings/zone_print.html", _context(data))
