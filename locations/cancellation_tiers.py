"""A base's cancellation policy in the admin: a small table of tiers in words, not its JSON.

Each row reads "cancelled at least N hours before the start: fee P % of the price"; blank rows are
ignored, the tiers are stored sorted (the earliest cancellation first) in the JSON the API reads and
writes (``validate_cancellation_policy``), and a bad row is an error in words naming the row.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import get_default_renderer
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: the rows the form offers (more when a base already has more tiers, with one blank row to add one)
TIER_ROWS = 6
#: the most rows a posted form is read for (a page rendered before another writer added tiers)
MAX_TIER_ROWS = 100
WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def tier_rows_for(policy) -> int:
    """The rows the form shows for ``policy``: ``TIER_ROWS``, or its tiers and one blank row."""
    return max(TIER_ROWS, (len(policy) if isinstance(policy, list) else 0) + 1)


def _is_policy(value) -> bool:
    return isinstance(value, list) and all(isinstance(tier, dict) for tier in value)


def _sorted(policy: list[dict]) -> list[dict]:
    """The tiers the earliest cancellation first (as the default policy reads: 72 h, 24 h, 0 h)."""
    return sorted(policy, key=lambda tier: -tier.get("hours_before", 0))


def _number_text(value) -> str:
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def _flat(policy: list[dict]) -> list[str]:
    """The widget's values: hours, fee, hours, fee ... of the sorted tiers."""
    values = []
    for tier in _sorted(policy):
        values += [_number_text(tier.get("hours_before")), _number_text(tier.get("fee_percent"))]
    return values


def _words(text: str, **inputs) -> str:
    """``text`` (translated, with ``%(name)s`` where each rendered input goes) as safe HTML."""
    return mark_safe(conditional_escape(text) % inputs)  # the inputs are rendered (escaped) widgets


class CancellationTiersWidget(forms.MultiWidget):
    """The tiers as table rows of two number inputs (hours before the start, fee percent) in words."""

    template_name = "admin/locations/base/cancellation_tiers.html"

    class Media:
        css = {"all": ["locations/cancellation-tiers.css"]}

    def __init__(self, rows: int = TIER_ROWS, attrs=None):
        widgets = []
        for _row in range(rows):
            widgets += [
                forms.NumberInput(attrs={"min": "0", "step": "1", "class": "vIntegerField tier-hours"}),
                forms.NumberInput(
                    attrs={"min": "0", "max": "100", "step": "any", "class": "vIntegerField tier-fee"}
                ),
            ]
        super().__init__(widgets, attrs)

    def use_required_attribute(self, initial):
        return False  # blank rows are fine: one filled row is enough, which the field checks

    def decompress(self, value):
        if _is_policy(value):
            return _flat(value)
        return []

    def get_context(self, name, value, attrs):
        if _is_policy(value):
            value = _flat(value)
        return super().get_context(name, value, attrs)

    def value_from_datadict(self, data, files, name):
        """Every posted row, even past this widget's (the page may have been rendered with more rows)."""
        values, index = [], 0
        while index < 2 * MAX_TIER_ROWS and (f"{name}_{index}" in data or f"{name}_{index + 1}" in data):
            values += [data.get(f"{name}_{index}", ""), data.get(f"{name}_{index + 1}", "")]
            index += 2
        return values

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_0" not in data and f"{name}_1" not in data

    def render(self, name, value, attrs=None, renderer=None):
        renderer = renderer or get_default_renderer()
        context = self.get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        rows = []
        for number, (hours, fee) in enumerate(zip(subwidgets[::2], subwidgets[1::2], strict=True), start=1):
            hours["attrs"]["aria-label"] = _("Row %(n)d: hours before the start") % {"n": number}
            fee["attrs"]["aria-label"] = _("Row %(n)d: fee (%% of the price)") % {"n": number}
            hours_input = self._render(hours["template_name"], {"widget": hours}, renderer)
            fee_input = self._render(fee["template_name"], {"widget": fee}, renderer)
            rows.append(
                {
                    "number": number,
                    "hours": _words(
                        _("Cancelled at least %(hours)s hours before the start"), hours=hours_input
                    ),
                    "fee": _words(_("Fee: %(fee)s %% of the price"), fee=fee_input),
                }
            )
        context["tier_rows"] = rows
        return self._render(self.template_name, context, renderer)


class CancellationPolicyField(forms.Field):
    """The cancellation policy as tier rows; cleans to the sorted list of ``hours_before``/``fee_percent``."""

    default_error_messages = {
        "required": gettext_lazy("Give at least one row: the hours before the start and the fee."),
    }

    def __init__(self, *, rows: int = TIER_ROWS, **kwargs):
        kwargs["widget"] = CancellationTiersWidget(rows=rows)
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "A cancellation at least a row's hours before the start costs that row's fee (the row "
                "with the most hours that applies). Later than every row, or after the start, the "
                "highest fee applies. Leave unused rows empty."
            ),
        )
        super().__init__(**kwargs)

    def set_rows(self, rows: int) -> None:
        self.widget = CancellationTiersWidget(rows=rows)

    def prepare_value(self, value):
        return _flat(value) if _is_policy(value) else value

    def to_python(self, value) -> list[dict]:
        if _is_policy(value):
            return _sorted(value)
        if not isinstance(value, list | tuple):
            return []
        errors, tiers, row_of_hours = [], [], {}
        for number, (hours_text, fee_text) in enumerate(zip(value[::2], value[1::2], strict=False), start=1):
            hours_text, fee_text = str(hours_text or "").strip(), str(fee_text or "").strip()
            if not hours_text and not fee_text:
                continue
            if not hours_text or not fee_text:
                errors.append(
                    _("Row %(n)d: give both the hours and the fee, or leave both empty.") % {"n": number}
                )
                continue
            hours = int(hours_text) if WHOLE_NUMBER.fullmatch(hours_text) else None
            fee = _percent(fee_text)
            if hours is None or hours < 0:
                errors.append(_("Row %(n)d: the hours must be a whole number, 0 or more.") % {"n": number})
            if fee is None:
                errors.append(_("Row %(n)d: the fee must be a percentage from 0 to 100.") % {"n": number})
            if hours is None or hours < 0 or fee is None:
                continue
            if hours in row_of_hours:
                errors.append(
                    _("Rows %(first)d and %(n)d both say %(hours)d hours: give each number of hours once.")
                    % {"first": row_of_hours[hours], "n": number, "hours": hours}
                )
                continue
            row_of_hours[hours] = number
            tiers.append({"hours_before": hours, "fee_percent": fee})
        if errors:
            raise ValidationError(errors, code="invalid")
        return _sorted(tiers)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            tiers = self.to_python(data)
        except ValidationError:
            return True
        return (_sorted(initial) if _is_policy(initial) else initial) != tiers


def _percent(text: str) -> int | float | None:
    """A fee from 0 to 100 (a whole number stays one: the JSON keeps ``50``, not ``50.0``)."""
    try:
        fee = Decimal(text)
    except InvalidOperation:
        return None
    if not fee.is_finite() or not 0 <= fee <= 100:
        return None
    return int(fee) if fee == fee.to_integral_value() else float(fee)


def cancellation_policy_in_words(policy) -> str:
    """The tiers as lines of words (for a reader who may not change the base)."""
    if not _is_policy(policy) or not policy:
        return "-"
    lines = [
        _("Cancelled at least %(hours)s hours before the start: fee %(fee)s %% of the price")
        % {"hours": _number_text(tier.get("hours_before")), "fee": _number_text(tier.get("fee_percent"))}
        for tier in _sorted(policy)
    ]
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
