from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "locations"
    verbose_name = _("Locations")

    def ready(self):
        from locations import availability  # noqa: F401  (registers the blackout busy provider)

        self.register_scopes()

    def register_scopes(self):
        from config.scoping import register
        from locations import selectors
        from locations.models import Base, Blackout, Place, Set, SetPhoto, TravelTime, Zone

        register(Zone, selectors.zones_visible_to)
        register(Base, selectors.bases_visible_to)
        register(Set, selectors.sets_visible_to)
        register(SetPhoto, selectors.set_photos_visible_to)
        register(Place, selectors.places_visible_to)
        register(Blackout, selectors.blackouts_owned_by)
        register(TravelTime, selectors.travel_times_owned_by)
