"""Uploaded set photos served from MEDIA_ROOT when no object storage is configured (``SERVE_MEDIA``).

``runserver`` serves no media of its own and gunicorn none at all, so without this the URL an upload
answers with is a 404 under ``make run`` and under ``DEBUG=1 gunicorn``. Only the catalogue's photos are
served here: review documents and call-sheet images under MEDIA_ROOT are private and reach their readers
through their own views (the review admin's download, the call sheet's token link), never by file path.
With object storage (``AWS_STORAGE_BUCKET_NAME``) the storage hands out its own links and this is off.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve

PUBLIC_PREFIXES = ("sets/",)


def serve_media(request, path: str):
    path = posixpath.normpath(path).lstrip("/")  # "sets/../review/…" is a review document, not a photo
    if not settings.SERVE_MEDIA or not path.startswith(PUBLIC_PREFIXES):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
