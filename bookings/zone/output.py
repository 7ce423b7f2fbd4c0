"""A zone's figures as the API's JSON body (suppression applied) and as CSV rows."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.occupancy import Usage
from bookings.occupancy.output import _hours_text, _percent, _ratio_text
from bookings.zone.compute import ZoneFigures
from bookings.zone.figures import CIRCLE_LIMITS, MIN_COMPANIES, month_text, suppressed
from locations.models import Set
from review import conf as review_conf
from review.dashboard import turnaround_figures

#: what the page and the CSV show in a suppressed cell
SUPPRESSED = "—"
NO_USAGE = Usage()
DAY = Decimal(86400)


def _withheld(row: dict, companies: int, fields: tuple[str, ...]) -> dict:
    """``row`` with ``fields`` nulled and listed under ``suppressed`` when too few companies are behind it."""
    hidden = [name for name in fields if suppressed(companies)]
    for name in hidden:
        row[name] = None
    row["suppressed"] = row.get("suppressed", []) + hidden
    return row


def _usage(usage: Usage, companies: int, **keys) -> dict:
    row = {
        **keys,
        "open_hours": _hours_text(usage.open_seconds),
        "booked_hours": _hours_text(usage.booked_seconds),
        "utilisation": _ratio_text(usage.booked_seconds, usage.open_seconds),
    }
    return _withheld(row, companies, ("booked_hours", "utilisation"))


def _days(lead) -> str | None:
    if lead is None:
        return None
    return str((Decimal(lead.total_seconds()) / DAY).quantize(Decimal("0.1"), ROUND_HALF_UP))


def zone_data(result: ZoneFigures) -> dict:
    """The figures in display order with cells of one or two companies withheld: what the API answers,
    the page shows and the charts draw. Names no company, production, booking or person."""
    months = [(month, month_text(month)) for month in result.months]
    labels = {kind: str(label) for kind, label in Set.Kind.choices}
    companies = result.usage_companies

    activity, requests, spend = [], [], []
    for month, text in months:
        served = result.activity.get(month, {"productions": 0, "companies": 0, "crews": 0})
        people = result.people.get(month, {"people": 0, "companies": 0})
        row = {
            "month": text,
            "crews_served": served["crews"],
            "productions": served["productions"],
            "companies": served["companies"],
            "people_called": people["people"],
        }
        row = _withheld(row, served["companies"], ("crews_served", "productions", "companies"))
        activity.append(_withheld(row, people["companies"], ("people_called",)))

        asked = result.requests.get(month)
        count = asked["requests"] if asked else 0
        row = {
            "month": text,
            "requests": count,
            "confirmed_share": _ratio_text(asked["confirmed"], count) if asked else None,
            "declined_share": _ratio_text(asked["declined"], count) if asked else None,
            "expired_share": _ratio_text(asked["expired"], count) if asked else None,
            "median_lead_days": _days(asked["lead"]) if asked else None,
        }
        fields = ("requests", "confirmed_share", "declined_share", "expired_share", "median_lead_days")
        requests.append(_withheld(row, asked["companies"] if asked else 0, fields))

        money = result.spend.get(month)
        row = {
            "month": text,
            "bookings": f"{money['bookings']:.2f}" if money else "0.00",
            "fees": f"{money['fees']:.2f}" if money else "0.00",
            "total": f"{money['bookings'] + money['fees']:.2f}" if money else "0.00",
        }
        spend.append(_withheld(row, money["companies"] if money else 0, ("bookings", "fees", "total")))

    utilisation = {
        "zone": [
            _usage(result.zone_usage.get(month, NO_USAGE), companies.get((None, None, month), 0), month=text)
            for month, text in months
        ],
        "bases": [
            _usage(
                result.base_usage.get((base.pk, month), NO_USAGE),
                companies.get(("base", base.pk, month), 0),
                base=base.pk,
                base_name=base.name,
                month=text,
            )
            for base in result.bases
            for month, text in months
        ],
        "kinds": [
            _usage(
                result.kind_usage.get((kind, month), NO_USAGE),
                companies.get(("kind", kind, month), 0),
                kind=kind,
                kind_label=labels.get(kind, kind),
                month=text,
            )
            for kind in result.kinds
            for month, text in months
        ],
    }

    return {
        "zone": result.zone.pk,
        "zone_name": result.zone.name,
        "from": month_text(result.first),
        "to": month_text(result.last),
        "months": [text for _month, text in months],
        "time_zone": timezone.get_current_timezone_name(),
        "currency": "CNY",
        "min_companies": MIN_COMPANIES,
        "activity": activity,
        "requests": requests,
        "spend": spend,
        "utilisation": utilisation,
        "review": _review(result, months),
        "circle": {
            "limits": list(CIRCLE_LIMITS),
            "hotels": [
                {"name": hotel["name"], **{f"within_{n}": hotel["within"][n] for n in CIRCLE_LIMITS}}
                for hotel in result.hotels
            ],
        },
    }


def _review(result: ZoneFigures, months) -> dict | None:
    if result.review_centre is None:
        return None
    target = review_conf.target_working_days()
    rows = []
    for month, text in months:
        intake = result.intake.get(month, {"count": 0, "companies": 0})
        approvals = result.approvals.get(month, [])
        days = [value for _company, value in approvals]
        figures = turnaround_figures(days)
        row = {
            "month": text,
            "intake": intake["count"],
            "approvals": figures["count"],
            "median_working_days": figures["median"],
            "p90_working_days": figures["p90"],
            "within_target": sum(value <= target for value in days),
        }
        row = _withheld(row, intake["companies"], ("intake",))
        approved_by = len({company for company, _days in approvals})
        fields = ("approvals", "median_working_days", "p90_working_days", "within_target")
        rows.append(_withheld(row, approved_by, fields))
    return {"centre_name": result.review_centre.name, "target_working_days": target, "months": rows}


def _cell(row: dict, name: str, shown=None):
    """A CSV cell: "—" where suppressed, blank where there is nothing to show."""
    if name in row["suppressed"]:
        return SUPPRESSED
    value = row[name]
    if value is None:
        return ""
    return shown(value) if shown else value


def _usage_rows(head: list, keys: tuple[str, ...], rows: list[dict]) -> list[list]:
    """A utilisation block of the CSV: its header row, then a row per month (the ``keys`` columns first)."""
    return [
        [*head, _("Month"), _("Open hours"), _("Booked hours"), _("Utilisation (%)")],
        *(
            [
                *(row[key] for key in keys),
                row["month"],
                row["open_hours"],
                _cell(row, "booked_hours"),
                _cell(row, "utilisation", _percent),
            ]
            for row in rows
        ),
    ]


def zone_rows(data: dict) -> list[list]:
    """``zone_data`` as CSV rows: one block per figure, each with its header row, a blank row between."""
    note = _("— : withheld, fewer than %(n)d companies behind the figure.") % {"n": data["min_companies"]}
    blocks = [
        [
            [_("Zone"), _("From"), _("To"), _("Note")],
            [data["zone_name"], data["from"], data["to"], note],
        ],
        [
            [
                _("Month"),
                _("Crews served"),
                _("Productions active"),
                _("Companies active"),
                _("People called"),
            ],
            *(
                [
                    row["month"],
                    *(_cell(row, k) for k in ("crews_served", "productions", "companies", "people_called")),
                ]
                for row in data["activity"]
            ),
        ],
        _usage_rows([], (), data["utilisation"]["zone"]),
        _usage_rows([_("Base")], ("base_name",), data["utilisation"]["bases"]),
        _usage_rows([_("Kind of set")], ("kind_label",), data["utilisation"]["kinds"]),
        [
            [
                _("Month requested"),
                _("Requests"),
                _("Confirmed (%)"),
                _("Declined (%)"),
                _("Expired (%)"),
                _("Median lead time (days)"),
            ],
            *(
                [
                    row["month"],
                    _cell(row, "requests"),
                    *(
                        _cell(row, k, _percent)
                        for k in ("confirmed_share", "declined_share", "expired_share")
                    ),
                    _cell(row, "median_lead_days"),
                ]
                for row in data["requests"]
            ),
        ],
        [
            [_("Month"), _("Bookings (CNY)"), _("Fees (CNY)"), _("Spend (CNY)")],
            *(
                [row["month"], *(_cell(row, k) for k in ("bookings", "fees", "total"))]
                for row in data["spend"]
            ),
        ],
    ]
    review = data["review"]
    if review is not None:
        fields = ("intake", "approvals", "median_working_days", "p90_working_days", "within_target")
        blocks.append(
            [
                [
                    _("Month"),
                    _("Submissions received"),
                    _("Approvals"),
                    _("Median (working days)"),
                    _("90th percentile (working days)"),
                    _("Within target"),
                ],
                *([row["month"], *(_cell(row, k) for k in fields)] for row in review["months"]),
            ]
        )
    blocks.append(
        [
            [_("Hotel"), *(_("Sets within %(n)d minutes") % {"n": n} for n in data["circle"]["limits"])],
            *(
                [hotel["name"], *(hotel[f"within_{n}"] for n in data["circle"]["limits"])]
                for hotel in data["circle"]["hotels"]
            ),
        ]
    )
    rows: list[list] = []
    for block in blocks:
        if rows:
            rows.append([])
        rows.extend(block)
    return rows
