"""Call sheets: the company's list, and the private pages a person's link opens."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, renderers

from config.viewsets import public_action
from crews import policies, services
from crews.api import serializers
from crews.api.views.base import TOKEN, CompanyViewSet
from crews.render import RendererMissing, call_sheet_html, call_sheet_language, call_sheet_png
from crews.selectors import (
    call_sheet_by_token,
    call_sheets_visible_to,
    recipient_by_token,
)
from crews.services.callsheets import recipient_current


def _public_page(method: str, url_path: str, url_name: str):
    """An HTML page behind a call sheet's private link: the token in ``url_path`` is the key."""
    return public_action(
        detail=False,
        methods=[method],
        url_path=url_path,
        url_name=url_name,
        renderer_classes=[renderers.StaticHTMLRenderer],
    )


class CallSheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CompanyViewSet):
    """Published call sheets with who has and hasn't acknowledged; the public pages live under ``public/``."""

    policy = policies.CALL_SHEET
    serializer_class = serializers.CallSheetOut
    filterset_fields = ["shoot_day", "version"]
    selector = call_sheets_visible_to

    def get_serializer_class(self):
        return serializers.CallSheetListOut if self.action == "list" else serializers.CallSheetOut

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lang",
                OpenApiTypes.STR,
                enum=["zh-hans", "en"],
                description="The page's language; by default the company's, whatever the browser's.",
            )
        ],
        responses={(200, "text/html"): OpenApiTypes.STR},
        auth=[],
    )
    @_public_page("get", f"public/{TOKEN}", "public")
    def public(self, request, token=None):
        """The call sheet page behind a private link: a person's own (with acknowledge) or the group's.

        In the company's language whatever the browser's; ``?lang=en`` asks for another."""
        asked = request.query_params.get("lang", "")
        recipient = recipient_by_token(token=token)
        if recipient is not None:
            current = recipient_current(recipient)
            language = call_sheet_language(current.call_sheet, asked)
            acknowledge = reverse("call-sheet-public-acknowledge", kwargs={"token": current.token})
            if asked:
                acknowledge += "?" + urlencode({"lang": language})
            html = call_sheet_html(
                current.call_sheet, current, acknowledge_url=acknowledge, language=language
            )
        else:
            sheet = call_sheet_by_token(token=token)
            if sheet is None:
                raise Http404
            language = call_sheet_language(sheet, asked)
            html = call_sheet_html(sheet, language=language)
        return _private_page(HttpResponse(html, content_type="text/html; charset=utf-8"), language)

    @extend_schema(request=None, responses={(200, "text/html"): OpenApiTypes.STR}, auth=[])
    @_public_page("post", f"public/{TOKEN}/acknowledge", "public-acknowledge")
    def public_acknowledge(self, request, token=None):
        """The person confirms their call; recorded once however often it is clicked."""
        recipient = recipient_by_token(token=token)
        if recipient is None:
            raise Http404
        current = services.call_sheet_acknowledge(recipient=recipient_current(recipient))
        language = call_sheet_language(current.call_sheet, request.query_params.get("lang", ""))
        html = call_sheet_html(current.call_sheet, current, language=language)
        return _private_page(HttpResponse(html, content_type="text/html; charset=utf-8"), language)

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY}, auth=[])
    @public_action(detail=False, methods=["get"], url_path=f"public/{TOKEN}/image", url_name="public-image")
    def public_image(self, request, token=None):
        """The call sheet as a PNG for the work-chat group."""
        sheet = call_sheet_by_token(token=token)
        if sheet is None:
            recipient = recipient_by_token(token=token)
            if recipient is None:
                raise Http404
            sheet = recipient.call_sheet
        try:
            png = call_sheet_png(sheet)
        except RendererMissing as exc:
            return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        return _private_page(HttpResponse(png, content_type="image/png"))


def _private_page(response: HttpResponse, language: str = "") -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    if language:
        response["Content-Language"] = language
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
