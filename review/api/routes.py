from review.api.views import ReviewCentreViewSet, ReviewSubmissionViewSet


def register(router) -> None:
    """Register this app's viewsets on the one API router (config/api.py)."""
    router.register("review-submissions", ReviewSubmissionViewSet, basename="review-submission")
    router.register("review-centres", ReviewCentreViewSet, basename="review-centre")
