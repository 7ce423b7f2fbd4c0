"""The one API router: every app registers its viewsets here, under /api/v1/.

Each app owns ``<app>/api/routes.py`` with ``register(router)``; this module calls them in order.
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from bookings.api import routes as bookings_routes
from crews.api import routes as crews_routes
from locations.api import routes as locations_routes
from notifications.api import routes as notifications_routes
from review.api import routes as review_routes
from studio.api import routes as studio_routes
from studio.api.views import MeView, TokenView

router = DefaultRouter(trailing_slash=True)
for app_routes in (
    studio_routes,
    review_routes,
    notifications_routes,
    locations_routes,
    bookings_routes,
    crews_routes,
):
    app_routes.register(router)

#: Views outside the router; each declares its scope like the viewsets do.
extra_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
]

urlpatterns = extra_urlpatterns + router.urls
