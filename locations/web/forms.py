"""The planner's and the search tab's inputs: plain GET forms whose every id is resolved through the
acting organisation's selectors, so another organisation's object reads exactly like a missing one."""

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.fields import ID_MAX
from locations import conf
from locations.circle import CircleItem
from locations.models import Set
from locations.selectors import bases_visible_to, places_visible_to, sets_visible_to
from studio.models import Production
from studio.selectors import productions_to_plan

#: need rows the planner shows (the circle plan takes at most ``conf.circle_plan_max_items``)
ROWS = 5
ORIGIN = re.compile(r"^(place|base|set):(\d{1,18})$")
KIND_CHOICES = [("", gettext_lazy("— kind —")), *Set.Kind.choices]


def origin_choices(organization) -> list[tuple[str, list[tuple[str, str]]]]:
    """The starting points offered: hotels and other places, then bases (two queries)."""
    places = places_visible_to(organization=organization).select_related(None).order_by("name", "id")
    bases = bases_visible_to(organization=organization).prefetch_related(None).select_related(None)
    return [
        (_("Hotels and places"), [(f"place:{p.pk}", p.name) for p in places]),
        (_("Bases"), [(f"base:{b.pk}", b.name) for b in bases.order_by("name", "id")]),
        (_("A point"), [("point", _("Latitude and longitude below"))]),
    ]


def resolve_origin(organization, value: str):
    """A place, base or set the organisation sees, from ``kind:id``; None if there is none."""
    match = ORIGIN.match(value or "")
    if match is None:
        return None
    kind, pk = match.group(1), int(match.group(2))
    readers = {"place": places_visible_to, "base": bases_visible_to, "set": sets_visible_to}
    queryset = readers[kind](organization=organization).prefetch_related(None)
    if kind != "place":
        queryset = queryset.select_related("base__zone" if kind == "set" else "zone")
    return queryset.filter(pk=pk).first()


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s,，、]+", text or "") if word]


def _coordinate(label, *, degrees: int, max_digits: int) -> forms.DecimalField:
    """An optional latitude or longitude: up to ``degrees`` either way, to six decimal places."""
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=6,
        min_value=-degrees,
        max_value=degrees,
    )


class PlaceForm(forms.Form):
    """Where the crew starts, the day and the circle: shared by the planner and the search tab."""

    origin = forms.CharField(label=gettext_lazy("Start from"), max_length=40)
    lat = _coordinate(gettext_lazy("Latitude"), degrees=90, max_digits=9)
    lon = _coordinate(gettext_lazy("Longitude"), degrees=180, max_digits=10)
    date = forms.DateField(label=gettext_lazy("Date"), input_formats=["%Y-%m-%d"])
    within = forms.IntegerField(
        label=gettext_lazy("Circle (minutes)"), required=False, min_value=1, max_value=600, initial=15
    )
    tags = forms.CharField(label=gettext_lazy("Tags"), required=False, max_length=200)
    max_rate = forms.DecimalField(
        label=gettext_lazy("Highest hourly rate (CNY)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean(self):
        data = super().clean()
        value = data.get("origin")
        if value == "point":
            if data.get("lat") is None or data.get("lon") is None:
                self.add_error("lat", _("Give the point's latitude and longitude."))
            else:
                data["origin_obj"] = (data["lat"], data["lon"])
        elif value:
            start = resolve_origin(self.organization, value)
            if start is None:
                self.add_error("origin", _("Choose a starting point from the list."))
            else:
                data["origin_obj"] = start
        data["tag_list"] = _words(data.get("tags", ""))[:5]
        return data

    def at(self, moment: time) -> datetime:
        return datetime.combine(self.cleaned_data["date"], moment, tzinfo=timezone.get_current_timezone())


class PlannerForm(PlaceForm):
    """The day's needs: up to ``ROWS`` rows of a kind (or one set) and a window, in shooting order."""

    production = forms.ModelChoiceField(
        label=gettext_lazy("Production"), queryset=Production.objects.none(), empty_label=None
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["production"].queryset = productions_to_plan(organization=organization)
        self.rows, self.named_sets = [], {}
        for index in range(min(ROWS, conf.circle_plan_max_items())):
            names = (f"kind_{index}", f"set_{index}", f"from_{index}", f"to_{index}")
            self.fields[names[0]] = forms.ChoiceField(
                label=gettext_lazy("Kind"), choices=KIND_CHOICES, required=False
            )
            self.fields[names[1]] = forms.IntegerField(
                label=gettext_lazy("Set"),
                required=False,
                min_value=1,
                max_value=ID_MAX,
                widget=forms.HiddenInput,
            )
            self.fields[names[2]] = forms.TimeField(label=gettext_lazy("From"), required=False)
            self.fields[names[3]] = forms.TimeField(label=gettext_lazy("To"), required=False)
            self.rows.append(names)

    def row_fields(self):
        """For the template: each row's bound fields, and the named set's name if a set was chosen."""
        return [
            {"index": index, "fields": [self[name] for name in names], "set": self.named_sets.get(index)}
            for index, names in enumerate(self.rows)
        ]

    def clean(self):
        data = super().clean()
        items, self.named_sets = [], {}
        for index, (kind_name, set_name, from_name, to_name) in enumerate(self.rows):
            kind, set_id = data.get(kind_name), data.get(set_name)
            starts, ends = data.get(from_name), data.get(to_name)
            if not kind and set_id is None:
                continue
            if starts is None or ends is None:
                self.add_error(from_name if starts is None else to_name, _("Give the row's times."))
                continue
            if ends <= starts:
                self.add_error(to_name, _("Must be after the start."))
                continue
            set_ = None
            if set_id is not None:
                set_ = (
                    sets_visible_to(organization=self.organization)
                    .prefetch_related(None)
                    .filter(pk=set_id)
                    .first()
                )
                if set_ is None:
                    self.add_error(kind_name, _("That set is not available."))
                    continue
                self.named_sets[index] = set_
            if self.errors or "date" not in data:
                continue
            items.append(
                CircleItem(
                    starts_at=self.at(starts),
                    ends_at=self.at(ends),
                    kind=None if set_ is not None else kind,
                    set=set_,
                    tags=data["tag_list"],
                    max_hourly_rate=data.get("max_rate"),
                )
            )
        if not items and not self.errors:
            self.add_error("kind_0", _("Give at least one need: a kind and its times."))
        data["items"] = items
        return data


ORDERINGS = [("travel", gettext_lazy("Nearest first")), ("price", gettext_lazy("Cheapest first"))]


class SearchForm(PlaceForm):
    """Free sets of a kind in a window within N minutes of the start."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KIND_CHOICES[1:])
    start = forms.TimeField(label=gettext_lazy("From"))
    end = forms.TimeField(label=gettext_lazy("To"))
    order = forms.ChoiceField(label=gettext_lazy("Sort"), choices=ORDERINGS, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") is not None and data.get("end") is not None and data["end"] <= data["start"]:
            self.add_error("end", _("Must be after the start."))
        return data
