from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from config import health, media
from config.error_pages import json_400, json_403, json_404, json_500
from config.schema_view import SchemaView
from config.workspace import home

# The admin speaks the reader's language like the rest (拍摄圈管理后台), not the code name.
admin.site.site_header = _("Shooting Circle administration")
admin.site.site_title = _("Shooting Circle")
admin.site.index_title = _("Administration home")

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("studio.web.urls")),
    path("app/", include("bookings.web.urls")),
    path("app/", include("crews.web.urls")),
    path("app/", include("locations.web.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Set photos from MEDIA_ROOT when there is no object storage (settings.SERVE_MEDIA, config/media.py).
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media.serve_media, name="media"),
    path("", include("crews.public_urls")),
]

handler400 = json_400
handler403 = json_403
handler404 = json_404
handler500 = json_500
