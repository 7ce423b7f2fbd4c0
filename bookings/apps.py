from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from bookings.availability import BookingBusyProvider, BookingRulesProvider
        from locations.availability import register_busy_provider

        register_busy_provider(BookingBusyProvider())
        register_busy_provider(BookingRulesProvider())
        self.register_scopes()

    def register_scopes(self):
        from bookings import selectors
        from bookings.models import Booking, WaitlistEntry
        from config.scoping import register
        from locations.models import Base, Set
        from studio.models import Production

        register(Booking, selectors.bookings_visible_to)
        register(WaitlistEntry, selectors.waitlist_entries_visible_to)
        # what a booking shows its participants: an operator sees the productions it hosts
        register(Production, selectors.productions_of_bookings)
        register(Set, selectors.sets_of_bookings)
        register(Base, selectors.bases_of_bookings)
