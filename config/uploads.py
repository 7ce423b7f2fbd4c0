"""Upload limits: a body larger than its endpoint accepts is refused (413) before anything reads it, and an
image over the pixel budget is refused from its header, before it is decoded.

A view that takes files declares the largest file it accepts with ``@upload_limit(max_bytes, field=...)``
(an int, or a callable that reads a setting per request). ``BodySizeLimitMiddleware``, placed ahead of
everything that might read the body (CSRF reads the admin's forms), compares ``Content-Length`` with
that limit plus room for the form's other fields:

- a multipart body to a view that declares a limit: the limit plus ``FORM_OVERHEAD_BYTES``;
- any other body to the API: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (an API view that declares nothing takes
  no files; Django's own setting does not count files);
- any other body elsewhere (the admin's forms, several photos at once): ``REQUEST_MAX_BYTES``.

``Content-Length`` is all it takes: Django never reads past it (``LimitedStream``) and reads a body sent
without one (chunked) as empty, so no later code can be made to read more than was checked here.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from PIL import Image

from config.exceptions import DomainError

Limit = int | Callable[[], int]

#: Room in a multipart body for the boundaries, part headers and the small fields next to the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def _bytes(limit: Limit) -> int:
    return int(limit() if callable(limit) else limit)


def human_size(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} B"


def upload_limit(max_bytes: Limit, *, field: str | None = None):
    """Declare on a view (an API action or a plain view) the largest file it accepts, and its field."""

    def decorate(view):
        view.upload_max_bytes = max_bytes
        view.upload_field = field
        return view

    return decorate


def _declared(request):
    """The view's ``(max_bytes, field, is_api)``; ``max_bytes`` is None when it declares no upload."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None, None, request.path_info.startswith("/api/")
    view = match.func
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    handler = view
    if cls is not None:
        actions = getattr(view, "actions", None) or {}
        name = actions.get(request.method.lower(), request.method.lower())
        handler = getattr(cls, name, view)
    is_api = getattr(view, "cls", None) is not None or request.path_info.startswith("/api/")
    return getattr(handler, "upload_max_bytes", None), getattr(handler, "upload_field", None), is_api


def body_limit(request) -> tuple[int, int | None, str | None, bool]:
    """``(allowed body bytes, declared file limit or None, field, is_api)`` for this request."""
    if not (request.content_type or "").startswith("multipart/"):
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE, None, None, request.path_info.startswith("/api/")
    declared, field, is_api = _declared(request)
    if declared is not None:
        file_limit = _bytes(declared)
        return file_limit + FORM_OVERHEAD_BYTES, file_limit, field, is_api
    if is_api:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE, None, None, True
    return settings.REQUEST_MAX_BYTES, None, None, False


def too_large_message(file_limit: int | None) -> str:
    if file_limit is None:
        return _("The request body is too large.")
    return _("The file is too large: at most %(size)s.") % {"size": human_size(file_limit)}


class BodySizeLimitMiddleware:
    """Refuse (413) a body longer than its endpoint accepts, from ``Content-Length``, before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty, like a missing length
        if length > 0:
            allowed, file_limit, field, is_api = body_limit(request)
            if length > allowed:
                return self._refuse(file_limit, field, is_api)
        return self.get_response(request)

    def _refuse(self, file_limit, field, is_api):
        detail = too_large_message(file_limit)
        if is_api:
            fields = {field: [detail]} if field else {}
            return JsonResponse({"code": "request_too_large", "detail": detail, "fields": fields}, status=413)
        return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")


class UploadTooLarge(DomainError):
    """A file over its kind's size limit (413)."""

    status_code = 413
    code = "request_too_large"


def upload_check_size(upload, *, max_bytes: Limit, field: str) -> None:
    """Refuse (413, naming ``field``) a parsed upload over ``max_bytes``."""
    limit = _bytes(max_bytes)
    if upload.size is not None and upload.size > limit:
        detail = too_large_message(limit)
        raise UploadTooLarge(detail, fields={field: [detail]})


def image_check_pixels(
    image, *, max_pixels: int, field: str, code: str = "image_too_large"
) -> tuple[int, int]:
    """Return the image's ``(width, height)`` read from its header, refusing (400, naming ``field``) more
    than ``max_pixels`` pixels (a decompression bomb) or a file Pillow cannot read. Nothing is decoded.

    Pillow refuses on its own past twice its ``MAX_IMAGE_PIXELS`` (``DecompressionBombError``); that is
    the same refusal here, never a 500.
    """
    position = image.tell() if hasattr(image, "tell") else None
    try:
        if hasattr(image, "seek"):
            image.seek(0)
        with Image.open(image) as probe:
            width, height = probe.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # the warning, if made an error
        width = height = None
    except Exception:  # noqa: BLE001 - Pillow raises assorted errors for files it cannot read
        raise DomainError(
            _("The file is not a readable image."), code="invalid_image", fields={field: [_("Not an image.")]}
        ) from None
    finally:
        if position is not None:
            image.seek(position)
    if width is None or width * height > max_pixels:
        raise DomainError(
            _("The image has too many pixels: at most %(megapixels)s megapixels.")
            % {"megapixels": f"{max_pixels / 1_000_000:g}"},
            code=code,
            fields={field: [_("Too many pixels.")]},
        )
    return width, height
