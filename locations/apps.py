from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "locations"
    verbose_name = _("Locations")

    def ready(self):
        from locations import (
            availability,  # noqa: F401  (registers the blackout busy provider)
            catalogue_cache,
        )

        catalogue_cache.connect()
