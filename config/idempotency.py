"""``Idempotency-Key`` for every POST: the same key from the same user replays the first response.

The key is claimed by inserting a row before the view runs (committed at once, so a concurrent
duplicate sees it and gets 409 while the first is still working). The response is stored when the
view finishes, 4xx included (the same request would fail the same way); a 5xx, 409 or 429, an
exception that escapes the view, or a response that is not a DRF ``Response`` releases the key so
that the client may retry. The same key with a different request (method, path, acting
organisation, body; for multipart bodies the fields and the files' names, sizes and contents) is a
422. Records are purged after ``RETENTION`` (``studio.tasks`` schedules ``idempotency_purge``);
an expired record no longer replays, and a claim abandoned by a crashed worker is taken over after
``ABANDONED_AFTER``.
"""

import hashlib
import json
import re
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.exceptions import ConflictError, DomainError
from studio.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
KEY_MAX_LENGTH = 255
KEY_PATTERN = re.compile(r"[!-~]+")  # printable ASCII, no spaces (as the OpenAPI schema says)
RETENTION = timedelta(hours=24)
RELEASED_STATUSES = {409, 429}
#: A claim still "in progress" after this long belongs to a process that died; it is taken over.
ABANDONED_AFTER = timedelta(minutes=10)


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord):
        self.record = record


def _hash_multipart(digest, request) -> None:
    data = request.data
    for name in sorted(data.keys()):
        for value in data.getlist(name) if hasattr(data, "getlist") else [data[name]]:
            digest.update(f"\0{name}=".encode())
            if hasattr(value, "chunks"):
                digest.update(f"{value.name}:{value.size}:".encode())
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
            else:
                digest.update(str(value).encode())


def request_fingerprint(request) -> str:
    """What makes two POSTs "the same request": method, path and query, acting organisation, body."""
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.get_full_path().encode())
    organization = getattr(request, "organization", None)
    acting = str(organization.pk) if organization is not None else request.headers.get("X-Organization") or ""
    digest.update(f"\0org={acting}\0".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        _hash_multipart(digest, request)
    else:
        digest.update(request._request.body)
    return digest.hexdigest()


def idempotency_claim(*, user, key: str, fingerprint: str) -> IdempotencyRecord:
    """Claim ``key`` for this request, or raise ``_Replay`` / 409 / 422 for a repeat."""
    now = timezone.now()
    IdempotencyRecord.objects.filter(user=user, key=key).filter(
        Q(created_at__lt=now - RETENTION)
        | Q(state=IdempotencyRecord.State.IN_PROGRESS, created_at__lt=now - ABANDONED_AFTER)
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint)
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:  # released between our insert and this read: the client may simply retry
        raise ConflictError(
            _("A request with this Idempotency-Key is in progress."), code="idempotency_in_progress"
        )
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(_("This Idempotency-Key was used for a different request."))
    if record.state == IdempotencyRecord.State.IN_PROGRESS:
        raise ConflictError(
            _("A request with this Idempotency-Key is in progress."), code="idempotency_in_progress"
        )
    raise _Replay(record)


def idempotency_release(*, record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


def idempotency_complete(*, record: IdempotencyRecord, response) -> None:
    if (
        response.status_code >= 500
        or response.status_code in RELEASED_STATUSES
        or not isinstance(response, Response)
    ):
        idempotency_release(record=record)
        return
    body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                state=IdempotencyRecord.State.COMPLETED,
                response_status=response.status_code,
                response_body=body,
            )
    except (DataError, UnicodeError, ValueError):
        # A body the database cannot hold (a NUL or a lone surrogate echoed back from garbage input):
        # nothing to replay, so the key is freed rather than turning the answer into a 500.
        idempotency_release(record=record)


def idempotency_purge(*, older_than: timedelta = RETENTION) -> int:
    """Delete records older than ``older_than``; returns how many went."""
    deleted, _details = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted


def enforce_body_limit(request) -> None:
    """Refuse a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413) before a parser reads it.

    DRF's parsers read the raw stream, which Django does not bound; reading ``HttpRequest.body``
    first applies Django's limit. Multipart bodies are bounded by Django's multipart parser itself.
    """
    if request.method in {"POST", "PUT", "PATCH", "DELETE"} and not (request.content_type or "").startswith(
        "multipart/"
    ):
        request._request.body  # noqa: B018 - raises RequestDataTooBig


class IdempotentMixin:
    """For APIViews: honour ``Idempotency-Key`` on POST from an authenticated user; bound body sizes."""

    _idempotency_record = None

    def initial(self, request, *args, **kwargs):
        self._idempotency_record = None
        super().initial(request, *args, **kwargs)
        enforce_body_limit(request)
        key = request.headers.get(HEADER)
        if request.method != "POST" or not key or not request.user.is_authenticated:
            return
        if len(key) > KEY_MAX_LENGTH:
            raise ValidationError({HEADER: [_("At most %(max)d characters.") % {"max": KEY_MAX_LENGTH}]})
        if not KEY_PATTERN.fullmatch(key):
            raise ValidationError({HEADER: [_("Printable ASCII characters only, without spaces.")]})
        self._idempotency_record = idempotency_claim(
            user=request.user, key=key, fingerprint=request_fingerprint(request)
        )

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return Response(
                exc.record.response_body, status=exc.record.response_status, headers={REPLAY_HEADER: "true"}
            )
        try:
            return super().handle_exception(exc)
        except BaseException:
            # The exception leaves the view (a 500 follows): free the key so that a retry can run.
            if self._idempotency_record is not None:
                idempotency_release(record=self._idempotency_record)
                self._idempotency_record = None
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotency_record is not None:
            idempotency_complete(record=self._idempotency_record, response=response)
            self._idempotency_record = None
        return response
