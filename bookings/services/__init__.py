"""Every write of the bookings app (see the modules for the rules each one keeps)."""

from bookings.services.batches import BatchItemResult, booking_batch_create
from bookings.services.lifecycle import (
    booking_cancel,
    booking_cancellation_quote,
    booking_check_in,
    booking_check_out,
    booking_confirm,
    booking_create,
    booking_decline,
    booking_expire,
    booking_mark_no_show,
    booking_reschedule,
)
from bookings.services.sweeps import (
    bookings_expire_due,
    bookings_no_show_due,
    bookings_remind_due,
    bookings_sweep,
)
from bookings.services.waitlist import (
    waitlist_accept_offer,
    waitlist_decline_offer,
    waitlist_join,
    waitlist_offers_lapse,
    waitlist_withdraw,
)

__all__ = [
    "BatchItemResult",
    "booking_batch_create",
    "booking_cancel",
    "booking_cancellation_quote",
    "booking_check_in",
    "booking_check_out",
    "booking_confirm",
    "booking_create",
    "booking_decline",
    "booking_expire",
    "booking_mark_no_show",
    "booking_reschedule",
    "bookings_expire_due",
    "bookings_no_show_due",
    "bookings_remind_due",
    "bookings_sweep",
    "waitlist_accept_offer",
    "waitlist_decline_offer",
    "waitlist_join",
    "waitlist_offers_lapse",
    "waitlist_withdraw",
]
