"""The circle planner (a production company's home) and its search tab.

Thin pages over the same reads and writes as the API: plans come from ``circle_plan`` (the
``/circle-plans/`` answer), prices from the bookings quote, search from ``sets_search`` (the ``/sets/``
answer), and "Book this plan" is ``booking_batch_create`` all-or-nothing (``/booking-batches/``). Every
id a request names goes through the acting organisation's selectors: a set it cannot book is a 404,
exactly like one that does not exist. Refusals (400, 409) are shown in place.
"""

from datetime import timedelta

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings import services as booking_services
from bookings.policies import BOOKING, BOOKING_BATCH
from bookings.selectors import bookable_sets, bookings_visible_to
from config.exceptions import DomainError
from config.fields import ID_MAX
from locations.planner import plan_cards, plan_day, plan_map
from locations.policies import CIRCLE_PLAN
from locations.selectors import SetSearch, sets_search
from locations.travel import circle_minutes
from locations.web.forms import PlannerForm, SearchForm, origin_choices
from studio.selectors import productions_to_plan, productions_visible_to
from studio.web.acting import workspace_page

SEARCH_ROWS = 50


def _initial(request) -> dict:
    return {"date": (timezone.localdate() + timedelta(days=1)).isoformat(), "within": 15}


def _tab(request, form_class, tab: str) -> tuple:
    """The tab's form (bound once the request names a date) and the context both tabs start from."""
    bound = "date" in request.GET
    form = form_class(
        request.GET if bound else None, organization=request.organization, initial=_initial(request)
    )
    return form, {"form": form, "origins": origin_choices(request.organization), "tab": tab}


def _query_items(request) -> list[tuple[str, str]]:
    """The planner's inputs, to repeat as hidden fields of each plan's booking form."""
    return [(name, value) for name, value in request.GET.items() if name != "plan"]


def _planned(request, form):
    data = form.cleaned_data
    day = plan_day(
        organization=request.organization,
        origin=data["origin_obj"],
        items=data["items"],
        within_minutes=data.get("within"),
    )
    return day, plan_cards(organization=request.organization, day=day, production=data["production"])


@require_GET
@workspace_page(CIRCLE_PLAN, "plan_page")
def planner(request):
    """Where the crew starts, the day's needs → the ranked plans, each bookable in one click."""
    form, context = _tab(request, PlannerForm, "plan")
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        try:
            day, cards = _planned(request, form)
        except DomainError as error:
            context["error"], status = error, error.status_code
        else:
            context.update(
                day=day, cards=cards, query_items=_query_items(request), map_query=request.GET.urlencode()
            )
    return render(request, "locations/planner.html", context, status=status)


@require_GET
@workspace_page(CIRCLE_PLAN, "plan_page")
def planner_map(request):
    """The schematic map's numbers (JSON): the same plans the page lists."""
    form = PlannerForm(request.GET, organization=request.organization)
    if not form.is_valid():
        return JsonResponse(
            {"detail": _("The planner's inputs are not valid."), "fields": form.errors.get_json_data()},
            status=400,
        )
    try:
        day, cards = _planned(request, form)
    except DomainError as error:
        return JsonResponse({"detail": str(error.detail)}, status=error.status_code)
    return JsonResponse(plan_map(day=day, cards=cards))


def _is_id(value) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= ID_MAX


def _posted_sets(request, count: int) -> list:
    """The plan's sets, one per need, each one the company may book; anything else is a 404."""
    ids = request.POST.getlist("set")
    if len(ids) != count or not all(_is_id(i) for i in ids):
        raise Http404(_("No such set."))
    found = {
        s.pk: s for s in bookable_sets(organization=request.organization).filter(pk__in=[int(i) for i in ids])
    }
    if any(int(i) not in found for i in ids):
        raise Http404(_("No such set."))
    return [found[int(i)] for i in ids]


def _failed_item(error: DomainError) -> int | None:
    items = (error.fields or {}).get("items")
    if isinstance(items, dict):
        for key in items:
            if str(key).isdigit():
                return int(key)
    return None


def _next_plan(request, form, *, taken):
    """The best plan with what is free now, unless it is the very plan just refused."""
    try:
        _day, cards = _planned(request, form)
    except DomainError:
        return None
    for card in cards:
        if card.set_ids != [set_.pk for set_ in taken]:
            card.number = "next"
            return card
    return None


@require_POST
@workspace_page(BOOKING_BATCH, "create", reads=False)
def book_plan(request):
    """Book every set of one plan as one batch: all of them, or (naming the item refused) none."""
    form = PlannerForm(request.POST, organization=request.organization)
    if not form.is_valid():
        return render(request, "locations/_book_invalid.html", {"form": form}, status=400)
    items = form.cleaned_data["items"]
    sets = _posted_sets(request, len(items))
    production = form.cleaned_data["production"]
    try:
        batch, _results = booking_services.booking_batch_create(
            organization=request.organization,
            items=[
                {"set": set_, "production": production, "starts_at": item.starts_at, "ends_at": item.ends_at}
                for set_, item in zip(sets, items, strict=True)
            ],
            by=request.user,
        )
    except DomainError as error:
        index = _failed_item(error)
        context = {
            "error": error,
            "failed": {"set": sets[index], "item": items[index]} if index is not None else None,
            "next_card": _next_plan(request, form, taken=sets),
            "query_items": [
                (n, v) for n, v in request.POST.items() if n not in ("set", "csrfmiddlewaretoken")
            ],
        }
        context["replan_url"] = f"{reverse('locations:planner')}?{urlencode(context['query_items'])}"
        return render(request, "locations/_book_failed.html", context, status=error.status_code)
    holds = (
        bookings_visible_to(organization=request.organization).filter(batch=batch).order_by("starts_at", "id")
    )
    return render(request, "locations/_booked.html", {"bookings": holds})


@require_GET
@workspace_page(CIRCLE_PLAN, "plan_page")
def search(request):
    """Free sets of a kind in a window within N minutes of the start, nearest or cheapest first."""
    form, context = _tab(request, SearchForm, "search")
    context["productions"] = list(productions_to_plan(organization=request.organization))
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        data = form.cleaned_data
        starts_at, ends_at = form.at(data["start"]), form.at(data["end"])
        criteria = SetSearch(
            kinds=[data["kind"]],
            tags=data["tag_list"],
            max_hourly_rate=data.get("max_rate"),
            available_from=starts_at,
            available_to=ends_at,
            origin=data["origin_obj"],
            within_minutes=data.get("within") or circle_minutes(data["origin_obj"]),
            ordering="hourly_rate" if data.get("order") == "price" else "travel_minutes",
        )
        rows = list(sets_search(organization=request.organization, criteria=criteria)[:SEARCH_ROWS])
        context.update(rows=rows, starts_at=starts_at, ends_at=ends_at)
    return render(request, "locations/search.html", context, status=status)


@require_POST
@workspace_page(BOOKING, "create", reads=False)
def request_set(request):
    """Request one set found by the search (a hold until the operator answers, as the API's request)."""
    form = SearchForm(request.POST, organization=request.organization)
    if not form.is_valid():
        return render(request, "locations/_book_invalid.html", {"form": form}, status=400)
    (set_,) = _posted_sets(request, 1)
    value = request.POST.get("production", "")
    productions = productions_visible_to(organization=request.organization)
    production = productions.filter(pk=int(value)).first() if _is_id(value) else None
    if production is None:
        raise Http404(_("No such production."))
    data = form.cleaned_data
    try:
        booking = booking_services.booking_create(
            set_=set_,
            production=production,
            starts_at=form.at(data["start"]),
            ends_at=form.at(data["end"]),
            by=request.user,
            organization=request.organization,
        )
    except DomainError as error:
        context = {"error": error, "failed": None}
        return render(request, "locations/_book_failed.html", context, status=error.status_code)
    holds = bookings_visible_to(organization=request.organization).filter(pk=booking.pk)
    return render(request, "locations/_booked.html", {"bookings": holds})
