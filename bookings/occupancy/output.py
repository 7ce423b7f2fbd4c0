"""An occupancy answer as the API's JSON body and as CSV rows."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.occupancy.figures import Money, Occupancy, Usage
from locations.models import Set

NO_USAGE = Usage()


def _hours_text(seconds: int) -> str:
    """``hours(seconds)`` as text, in integers (half up): 5400 → ``"1.50"``."""
    centi = (seconds * 100 + 1800) // 3600
    return f"{centi // 100}.{centi % 100:02d}"


def _ratio_text(booked: int, opened: int) -> str | None:
    """``utilisation(booked, opened)`` as text, in integers (half up)."""
    if not opened:
        return None
    ratio = (booked * 20000 + opened) // (2 * opened)
    return f"{ratio // 10000}.{ratio % 10000:04d}"


def _usage(usage: Usage, **keys) -> dict:
    return {
        **keys,
        "open_hours": _hours_text(usage.open_seconds),
        "booked_hours": _hours_text(usage.booked_seconds),
        "utilisation": _ratio_text(usage.booked_seconds, usage.open_seconds),
    }


def _money(money: Money, **keys) -> dict:
    return {
        **keys,
        "booking_revenue": f"{money.booking_revenue:.2f}",
        "cancellation_fees": f"{money.cancellation_fees:.2f}",
        "no_show_fees": f"{money.no_show_fees:.2f}",
        "revenue": f"{money.revenue:.2f}",
        "bookings": money.bookings,
        "cancellations": money.cancellations,
        "cancellations_with_fee": money.cancellations_with_fee,
        "no_shows": money.no_shows,
        "average_lead_hours": _hours_text(money.lead_seconds // money.bookings) if money.bookings else None,
    }


def occupancy_data(result: Occupancy) -> dict:
    """The answer in display order, as the API's JSON (``OccupancyOut``) has it: the charts draw this."""
    labels = {kind: str(label) for kind, label in Set.Kind.choices}
    days = [(day, day.isoformat()) for day in result.days]
    weeks = [(week, week.isoformat()) for week in result.weeks]
    cells = result.set_days
    return {
        "base": result.base.pk,
        "base_name": result.base.name,
        "from": result.first.isoformat(),
        "to": result.last.isoformat(),
        "time_zone": timezone.get_current_timezone_name(),
        "sets": [
            {"id": s.pk, "name": s.name, "kind": s.kind, "kind_label": labels.get(s.kind, s.kind)}
            for s in result.sets
        ],
        "days": [text for _day, text in days],
        "weeks": [text for _week, text in weeks],
        "set_days": [
            _usage(cells.get((s.pk, day), NO_USAGE), set=s.pk, day=text)
            for s in result.sets
            for day, text in days
        ],
        "kind_weeks": [
            _usage(
                result.kind_weeks.get((kind, week), NO_USAGE),
                kind=kind,
                kind_label=labels.get(kind, kind),
                week=text,
            )
            for kind in result.kinds
            for week, text in weeks
        ],
        "base_days": [_usage(result.base_days.get(day, NO_USAGE), day=text) for day, text in days],
        "base_weeks": [_usage(result.base_weeks.get(week, NO_USAGE), week=text) for week, text in weeks],
        "total": _usage(result.total),
        "revenue_weeks": [_money(result.revenue_weeks[week], week=text) for week, text in weeks],
        "revenue_total": _money(result.revenue_total),
        "hours": [{"hour": hour, "booked_hours": _hours_text(result.hours[hour])} for hour in range(24)],
    }


def _percent(ratio: str | None) -> str:
    """``"0.2547"`` → ``"25.47"``: the ratio's four decimals are the percentage's two."""
    if ratio is None:
        return ""
    basis_points = int(ratio.replace(".", ""))
    return f"{basis_points // 100}.{basis_points % 100:02d}"


def _usage_row(scope: str, name: str, kind: str, period: str, date: str, cell: dict) -> list:
    """One utilisation row: what it covers, then the cell's open and booked hours and utilisation."""
    return [
        scope,
        name,
        kind,
        period,
        date,
        cell["open_hours"],
        cell["booked_hours"],
        _percent(cell["utilisation"]),
    ]


def occupancy_rows(data: dict) -> list[list]:
    """``occupancy_data`` as spreadsheet rows (header rows in words): utilisation at every grain, revenue
    by week, booked hours by clock hour, separated by blank rows."""
    names = {s["id"]: (s["name"], s["kind_label"]) for s in data["sets"]}
    window = f"{data['from']} – {data['to']}"
    rows = [
        [
            _("Scope"),
            _("Name"),
            _("Kind"),
            _("Period"),
            _("Date"),
            _("Open hours"),
            _("Booked hours"),
            _("Utilisation (%)"),
        ]
    ]
    for cell in data["set_days"]:
        name, kind = names[cell["set"]]
        rows.append(_usage_row(_("Set"), name, kind, _("Day"), cell["day"], cell))
    for cell in data["kind_weeks"]:
        rows.append(
            _usage_row(_("Kind"), cell["kind_label"], cell["kind_label"], _("Week from"), cell["week"], cell)
        )
    base = data["base_name"]
    rows += [_usage_row(_("Base"), base, "", _("Day"), cell["day"], cell) for cell in data["base_days"]]
    rows += [
        _usage_row(_("Base"), base, "", _("Week from"), cell["week"], cell) for cell in data["base_weeks"]
    ]
    rows.append(_usage_row(_("Base"), base, "", _("Whole window"), window, data["total"]))
    money = [
        "booking_revenue",
        "cancellation_fees",
        "no_show_fees",
        "revenue",
        "bookings",
        "cancellations",
        "cancellations_with_fee",
        "no_shows",
    ]
    rows += [
        [],
        [
            _("Week from"),
            _("Booking revenue (CNY)"),
            _("Cancellation fees (CNY)"),
            _("No-show fees (CNY)"),
            _("Revenue (CNY)"),
            _("Booked bookings"),
            _("Cancellations"),
            _("Cancellations with a fee"),
            _("No-shows"),
            _("Average lead time (hours)"),
        ],
    ]
    for week in [*data["revenue_weeks"], {**data["revenue_total"], "week": window}]:
        lead = week["average_lead_hours"]
        rows.append([week["week"], *(week[k] for k in money), "" if lead is None else lead])
    rows += [[], [_("Hour"), _("Booked hours")]]
    rows += [[f"{hour['hour']:02d}:00", hour["booked_hours"]] for hour in data["hours"]]
    return rows
