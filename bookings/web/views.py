"""The operator's day board: pages and htmx fragments over the bookings selectors and services.

Reads go through the scoped selectors (another operator's base or booking is a 404, exactly as in the
API); every action calls the same service as the API and shows its refusal (400, 409) in place.
"""

from datetime import date, datetime, timedelta
from functools import wraps

from django import forms
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from bookings import conf, services
from bookings.board import allowed_actions, board_version, day_board, pending_holds, week_board
from bookings.models import Booking
from bookings.policies import BASE_BOARD, BOOKING
from bookings.selectors import bookings_visible_to
from config.error_pages import error_page
from config.exceptions import DomainError
from locations.selectors import bases_owned_by
from studio.web.acting import workspace_page

MAX_ID = 2**63 - 1


class BoardParams(forms.Form):
    base = forms.IntegerField(label=gettext_lazy("Base"), required=False, min_value=1, max_value=MAX_ID)
    date = forms.DateField(label=gettext_lazy("Date"), required=False, input_formats=["%Y-%m-%d"])


class CheckOutForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("Left at"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )


def _board_url(name: str, base_id: int, day: date) -> str:
    return f"{reverse(name)}?{urlencode({'base': base_id, 'date': day.isoformat()})}"


def _resolve(request):
    """The base (scoped to the acting operator), the day, and the operator's bases; or a response."""
    params = BoardParams(request.GET)
    if not params.is_valid():
        fields = [(name, params[name].label, " ".join(errors)) for name, errors in params.errors.items()]
        page = error_page(
            request, 400, _("This board cannot be shown"), fields=fields, back_url=reverse("bookings:board")
        )
        return None, None, None, page
    bases = list(
        bases_owned_by(organization=request.organization).prefetch_related(None).order_by("name", "id")
    )
    day = params.cleaned_data["date"] or timezone.localdate()
    base_id = params.cleaned_data["base"]
    if base_id is None:
        if not bases:
            return None, None, None, render(request, "bookings/board_empty.html", status=200)
        return None, None, None, redirect(_board_url(request.resolver_match.view_name, bases[0].pk, day))
    base = next((b for b in bases if b.pk == base_id), None)
    if base is None:  # another operator's base reads exactly like one that does not exist
        raise Http404(_("No such base."))
    return base, day, bases, None


def board_page(view):
    """A GET page of one base and day (``?base=&date=``) for the base's operator: ``view(request, base=,
    day=, bases=)`` once both are resolved (a bad parameter is a 400 naming it, another operator's base a
    404, no base given the operator's first)."""

    @require_GET
    @workspace_page(BASE_BOARD, "board")
    @wraps(view)
    def page(request):
        base, day, bases, response = _resolve(request)
        if response is not None:
            return response
        return view(request, base=base, day=day, bases=bases)

    return page


def _etag(base, day, *, fragment: bool) -> str:
    version = board_version(base=base, day=day)
    return f'"{version}-{translation.get_language()}-{"f" if fragment else "p"}"'


@board_page
def board(request, *, base, day, bases):
    """The day board: sets by kind × hours of the day; refreshed by polling, 304 while nothing changed."""
    fragment = bool(request.htmx) and request.htmx.target == "board"
    etag = _etag(base, day, fragment=fragment)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        context = {
            "board": day_board(base=base, day=day),
            "bases": bases,
            "etag": etag,
            "refresh_seconds": conf.board_refresh_seconds(),
            "today": timezone.localdate(),
            "week_url": _board_url("bookings:board-week", base.pk, day),
            "print_url": _board_url("bookings:board-print", base.pk, day),
        }
        template = "bookings/_board.html" if fragment else "bookings/board.html"
        response = render(request, template, context)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "HX-Request, HX-Target, Cookie, Accept-Language"
    return response


@board_page
def pending(request, *, base, day, bases):
    """The pending requests panel alone (the board refreshes it with itself)."""
    return render(request, "bookings/_pending.html", {"pending": pending_holds(base=base), "base": base})


@board_page
def board_week(request, *, base, day, bases):
    """Sets × seven days from the chosen day, with the hours booked in each cell."""
    days, rows = week_board(base=base, first=day)
    context = {
        "base": base,
        "bases": bases,
        "day": day,
        "days": days,
        "rows": rows,
        "day_url": _board_url("bookings:board", base.pk, day),
        "previous_url": _board_url("bookings:board-week", base.pk, day - timedelta(days=7)),
        "next_url": _board_url("bookings:board-week", base.pk, day + timedelta(days=7)),
    }
    return render(request, "bookings/board_week.html", context)


@board_page
def board_print(request, *, base, day, bases):
    """The day's bookings set by set, for the gate keeper (A4 landscape)."""
    return render(request, "bookings/board_print.html", {"board": day_board(base=base, day=day)})


def _booking(request, pk: int) -> Booking:
    """A booking at one of the acting operator's bases; anything else is a 404."""
    visible = bookings_visible_to(organization=request.organization).filter(
        set__base__operator=request.organization
    )
    return get_object_or_404(visible.select_related("requested_by"), pk=pk)


def _detail(request, booking: Booking, *, error=None, form=None, status: int = 200, done: str = ""):
    context = {
        "booking": booking,
        "actions": allowed_actions(booking, now=timezone.now()),
        "error": error,
        "checkout_form": form or CheckOutForm(),
        "done": done,
        "reason": request.POST.get("reason", "") if error else "",
    }
    return render(request, "bookings/_booking_detail.html", context, status=status)


@require_GET
@workspace_page(BASE_BOARD, "board")
def booking_detail(request, pk: int):
    return _detail(request, _booking(request, pk))


DONE = {
    "confirm": gettext_lazy("Booking confirmed; the company is told."),
    "decline": gettext_lazy("Booking declined; the company reads your reason."),
    "check_in": gettext_lazy("Check-in recorded."),
    "check_out": gettext_lazy("Check-out recorded."),
    "no_show": gettext_lazy("Marked as a no-show."),
}


def _perform(request, booking: Booking, action: str) -> Booking:
    by = request.user
    if action == "confirm":
        return services.booking_confirm(booking=booking, by=by)
    if action == "decline":
        return services.booking_decline(booking=booking, by=by, reason=request.POST.get("reason", ""))
    if action == "check_in":
        return services.booking_check_in(booking=booking, by=by)
    if action == "check_out":
        form = CheckOutForm(request.POST)
        if not form.is_valid():
            raise _FormInvalid(form)
        at = form.cleaned_data["at"]
        return services.booking_check_out(booking=booking, by=by, at=at if isinstance(at, datetime) else None)
    return services.booking_mark_no_show(booking=booking, by=by)


class _FormInvalid(Exception):
    def __init__(self, form):
        self.form = form


def _action_view(action: str):
    @require_POST
    @workspace_page(BOOKING, action, reads=False)
    def view(request, pk: int):
        booking = _booking(request, pk)
        try:
            booking = _perform(request, booking, action)
        except _FormInvalid as invalid:
            return _detail(request, booking, form=invalid.form, status=400)
        except DomainError as error:
            booking.refresh_from_db()
            return _detail(request, booking, error=error, status=error.status_code)
        response = _detail(request, _booking(request, pk), done=DONE[action])
        response["HX-Trigger"] = "board-changed"
        return response

    view.__name__ = view.__qualname__ = f"booking_{action}"
    return view


#: the operator's booking actions on the board, each the API's action of the same name
BOOKING_ACTIONS = {action: _action_view(action) for action in DONE}
