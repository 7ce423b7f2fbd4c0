"""The one API router: every app registers its viewsets here, under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from studio.api.views import MeView, OrganizationViewSet, ProductionViewSet, TokenView

router = DefaultRouter(trailing_slash=True)
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("productions", ProductionViewSet, basename="production")

#: Views outside the router, with the scope they declare (walked by the scoping test too).
extra_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
]

urlpatterns = extra_urlpatterns + router.urls
