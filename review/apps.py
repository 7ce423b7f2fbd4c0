from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review"
    verbose_name = _("Script review")

    def ready(self):
        from config.scoping import register
        from review import selectors
        from review.models import ReviewSubmission
        from studio.models import Organization, Production

        def centres(*, organization):
            # a catalogue: any company may send a dossier to any centre
            return selectors.review_centres()

        def productions_submitted(*, organization):
            # a centre sees the productions submitted to it
            return Production.objects.filter(
                pk__in=selectors.submissions_visible_to(organization=organization).values("production")
            )

        register(ReviewSubmission, selectors.submissions_visible_to)
        register(Organization, centres)
        register(Production, productions_submitted)
