from studio.api.views import OrganizationViewSet, ProductionViewSet
from studio.review.api import ReviewCentreViewSet, ReviewSubmissionViewSet


def register(router) -> None:
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("productions", ProductionViewSet, basename="production")
    router.register("review-submissions", ReviewSubmissionViewSet, basename="review-submission")
    router.register("review-centres", ReviewCentreViewSet, basename="review-centre")
