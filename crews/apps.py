from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crews"
    verbose_name = _("Crews and shooting")

    def ready(self):
        from config.scoping import register
        from crews import selectors
        from crews.models import Call, CallSheet, Crew, CrewMember, Person, Scene, ShootDay, Stop

        register(Person, selectors.people_visible_to)
        register(Crew, selectors.crews_visible_to)
        register(CrewMember, selectors.crew_members_visible_to)
        register(Scene, selectors.scenes_visible_to)
        register(ShootDay, selectors.shoot_days_visible_to)
        register(Stop, selectors.stops_visible_to)
        register(Call, selectors.calls_visible_to)
        register(CallSheet, selectors.call_sheets_visible_to)
