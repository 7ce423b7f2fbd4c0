from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studio"
    verbose_name = _("Companies, productions and review")

    def ready(self):
        from django.contrib.auth import get_user_model

        from config.scoping import register
        from studio import selectors
        from studio.models import Membership, Organization, Production

        register(Organization, selectors.organizations_visible_to)
        register(Production, selectors.productions_visible_to)
        register(Membership, selectors.memberships_of)
        register(get_user_model(), selectors.members_of)
        self.register_review_scopes()

    def register_review_scopes(self):
        """The review centre's models (kept in one place: they are moving to an app of their own)."""
        from config.scoping import register
        from studio.models import Organization, Production
        from studio.models_review import ReviewSubmission  # moving to review.models
        from studio.review import selectors as review  # moving to review.selectors

        def centres(*, organization):
            # a catalogue: any company may send a dossier to any centre
            return review.review_centres()

        def productions_submitted(*, organization):
            # a centre sees the productions submitted to it
            return Production.objects.filter(
                pk__in=review.submissions_visible_to(organization=organization).values("production")
            )

        register(ReviewSubmission, review.submissions_visible_to)
        register(Organization, centres)
        register(Production, productions_submitted)
