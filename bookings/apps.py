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
