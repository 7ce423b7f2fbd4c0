"""The call sheet's private page outside the API (``/call-sheets/public/<token>/``): the address emails and
WeCom messages link to. The same view answers under ``/api/v1/call-sheets/public/<token>/``."""

from django.urls import re_path

from crews.api.views import TOKEN, CallSheetViewSet

urlpatterns = [
    re_path(
        rf"^call-sheets/public/{TOKEN}/$",
        CallSheetViewSet.as_view({"get": "public"}, **CallSheetViewSet.public.kwargs),
        name="call-sheet-page",
    ),
]
