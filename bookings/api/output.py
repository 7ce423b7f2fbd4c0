"""A booking as ``BookingOut`` renders it, written field by field (the create's response).

``BookingOut(booking).data`` builds a serializer, deep-copies its 33 fields and walks DRF's field
machinery for every response; ``booking_out`` reads the same attributes in the same order and
converts each value exactly as that field's ``to_representation`` does (``tests/bookings/
test_output.py`` compares the two over bookings in every status, with and without the optional
fields). The schema still comes from ``BookingOut``. Under settings other than the project's
(``DATETIME_FORMAT`` not ISO 8601, decimals not as strings) it answers with ``BookingOut`` itself.
"""

import decimal

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601
from rest_framework.fields import BooleanField, DateTimeField
from rest_framework.settings import api_settings
from rest_framework.utils.serializer_helpers import ReturnDict

from bookings.api.serializers import BookingOut
from bookings.models import Booking

#: ``ChoiceField.choice_strings_to_values`` of ``status``
_STATUSES = {str(value): value for value, _label in Booking.Status.choices}
_CENTS = decimal.Decimal(".1") ** 2  # the money fields' ``decimal_places``
_MONEY_DIGITS = 12  # their ``max_digits``
_DATETIME = DateTimeField(read_only=True)  # for what the fast path does not cover


def _datetime(value):
    """``DateTimeField.to_representation`` in ISO 8601 (``None`` and ``""`` stay as they are)."""
    if not value:
        return None
    if isinstance(value, str):
        return value
    if not settings.USE_TZ or value.utcoffset() is None:  # naive, or no time zones: DRF's own field
        return _DATETIME.to_representation(value)
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    if text.endswith("+00:00"):
        return text[:-6] + "Z"
    return text


def _money(value):
    """``DecimalField(max_digits=12, decimal_places=2).to_representation``, as a string."""
    if not isinstance(value, decimal.Decimal):
        value = decimal.Decimal(str(value).strip())
    context = decimal.getcontext().copy()
    context.prec = _MONEY_DIGITS
    return f"{value.quantize(_CENTS, context=context):f}"


def _boolean(value):
    """``BooleanField.to_representation``."""
    if value in BooleanField.TRUE_VALUES:
        return True
    if value in BooleanField.FALSE_VALUES:
        return False
    return bool(value)


def _or_none(convert, value):
    return None if value is None else convert(value)


def booking_out(booking: Booking) -> ReturnDict:
    """``BookingOut(booking).data``, equal key for key and type for type."""
    if api_settings.DATETIME_FORMAT is None or api_settings.DATETIME_FORMAT.lower() != ISO_8601:
        return BookingOut(booking).data
    if not api_settings.COERCE_DECIMAL_TO_STRING:
        return BookingOut(booking).data
    set_ = booking.set
    production = booking.production
    company = booking.company
    status = booking.status
    price_breakdown = booking.price_breakdown
    data = {
        "id": _or_none(int, booking.pk),
        "status": None
        if status is None
        else (status if status == "" else _STATUSES.get(str(status), status)),
        "set": booking.set_id,
        "set_name": _or_none(str, set_.name),
        "base": _or_none(int, set_.base_id),
        "base_name": _or_none(str, set_.base.name),
        "production": booking.production_id,
        "production_title": _or_none(str, production.title),
        "company": booking.company_id,
        "company_name": _or_none(str, company.name),
        "starts_at": _datetime(booking.starts_at),
        "ends_at": _datetime(booking.ends_at),
        "turnover_minutes": _or_none(int, booking.turnover_minutes),
        "blocked_from": _datetime(booking.blocked_from),
        "blocked_until": _datetime(booking.blocked_until),
        "hold_expires_at": _datetime(booking.hold_expires_at),
        "waitlist_offer": _or_none(_boolean, booking.waitlist_offer),
        "note": _or_none(str, booking.note),
        "price_breakdown": price_breakdown,
        "total_price": _or_none(_money, booking.total_price),
        "deposit": _or_none(_money, booking.deposit),
        "cancellation_fee": _or_none(_money, booking.cancellation_fee),
        "cancellation_reason": _or_none(str, booking.cancellation_reason),
        "decline_reason": _or_none(str, booking.decline_reason),
        "checked_in_at": _datetime(booking.checked_in_at),
        "checked_out_at": _datetime(booking.checked_out_at),
        "overtime_minutes": _or_none(int, booking.overtime_minutes),
        "overtime_fee": _or_none(_money, booking.overtime_fee),
        "confirmed_at": _datetime(booking.confirmed_at),
        "closed_at": _datetime(booking.closed_at),
        "batch": _or_none(str, booking.batch),
        "created_at": _datetime(booking.created_at),
        "updated_at": _datetime(booking.updated_at),
    }
    # a ReturnDict naming its serializer, as ``.data`` is (the browsable API's forms read it)
    return ReturnDict(data, serializer=BookingOut(booking))
