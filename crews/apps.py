from django.apps import AppConfig


class CrewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crews"
