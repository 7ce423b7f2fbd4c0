"""Submission documents and episode lists: uploads checked by extension, content type, magic and size."""

import hashlib
from pathlib import PurePosixPath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from review import conf
from review.errors import DocumentRejected, InvalidTransition
from review.models import ReviewSubmission, SubmissionDocument, SubmissionEpisode
from review.permissions import require_company_member

CHUNK = 64 * 1024


def document_check(*, upload: UploadedFile) -> tuple[str, str, int]:
    """Validate an upload; return ``(content_type, sha256, size)`` or raise ``DocumentRejected``."""
    name = upload.name or ""
    suffix = PurePosixPath(name).suffix.lower()
    types = conf.document_types()
    allowed = types.get(suffix)
    if allowed is None:
        raise DocumentRejected(
            _("Files of type “%(suffix)s” are not accepted. Allowed: %(allowed)s.")
            % {"suffix": suffix or "?", "allowed": ", ".join(sorted(types))},
            fields={"file": [_("File type not allowed.")]},
        )
    content_types, magics = allowed
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in content_types:
        raise DocumentRejected(
            _("The content type %(type)s does not match a %(suffix)s file.")
            % {"type": content_type or "?", "suffix": suffix},
            fields={"file": [_("Content type does not match the file name.")]},
        )
    if upload.size is None or upload.size == 0:
        raise DocumentRejected(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    max_bytes = conf.document_max_bytes()
    if upload.size > max_bytes:
        limit_mb = max_bytes // (1024 * 1024)
        raise DocumentRejected(
            _("The file is larger than %(limit)d MB.") % {"limit": limit_mb},
            fields={"file": [_("At most %(limit)d MB.") % {"limit": limit_mb}]},
        )
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        digest.update(chunk)
    upload.seek(0)
    if magics and not any(head.startswith(magic) for magic in magics):
        raise DocumentRejected(
            _("The file's content is not a %(suffix)s file.") % {"suffix": suffix},
            fields={"file": [_("The content does not match the file type.")]},
        )
    if suffix == ".txt":
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentRejected(
                _("Text files must be UTF-8."), fields={"file": [_("Not UTF-8 text.")]}
            ) from None
        finally:
            upload.seek(0)
    return content_type, digest.hexdigest(), upload.size


def document_store(
    *, submission: ReviewSubmission, doc_type: str, upload: UploadedFile, by
) -> SubmissionDocument:
    """Save a checked upload on ``submission`` (no stage or role check: callers do that)."""
    if doc_type not in SubmissionDocument.Type.values:
        raise DocumentRejected(
            _("Unknown document type."), fields={"doc_type": [_("Not one of the document types.")]}
        )
    content_type, sha256, size = document_check(upload=upload)
    document = SubmissionDocument(
        submission=submission,
        doc_type=doc_type,
        original_name=PurePosixPath(upload.name).name[:255],
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=by,
    )
    document.file.save(upload.name, upload, save=False)
    document.save()
    return document


def _require_draft(submission: ReviewSubmission) -> ReviewSubmission:
    locked = ReviewSubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.stage != ReviewSubmission.Stage.DRAFT:
        raise InvalidTransition(
            _("Documents and episodes can only be changed while the submission is a draft.")
        )
    return locked


@transaction.atomic
def document_upload(
    *, submission: ReviewSubmission, doc_type: str, upload: UploadedFile, by
) -> SubmissionDocument:
    """Attach a document to a draft submission."""
    require_company_member(user=by, company=submission.production.company)
    locked = _require_draft(submission)
    return document_store(submission=locked, doc_type=doc_type, upload=upload, by=by)


@transaction.atomic
def document_delete(*, document: SubmissionDocument, by) -> None:
    """Remove a document from a draft submission (the stored file is kept for other versions)."""
    require_company_member(user=by, company=document.submission.production.company)
    _require_draft(document.submission)
    document.delete()


@transaction.atomic
def episodes_replace(*, submission: ReviewSubmission, episodes: list[dict], by) -> list[SubmissionEpisode]:
    """Replace the episode list of a draft finished cut."""
    require_company_member(user=by, company=submission.production.company)
    locked = _require_draft(submission)
    if locked.kind != ReviewSubmission.Kind.FINISHED_CUT:
        raise DocumentRejected(
            _("Only a finished cut has an episode list."),
            code="not_a_cut",
            fields={"episodes": [_("Not a cut.")]},
        )
    numbers = [episode["number"] for episode in episodes]
    if len(numbers) != len(set(numbers)):
        raise DocumentRejected(
            _("Each episode number may appear once."),
            code="duplicate_episode",
            fields={"episodes": [_("Duplicate episode numbers.")]},
        )
    SubmissionEpisode.objects.filter(submission=locked).delete()
    return SubmissionEpisode.objects.bulk_create(
        SubmissionEpisode(
            submission=locked,
            number=episode["number"],
            title=episode.get("title", ""),
            duration_seconds=episode["duration_seconds"],
        )
        for episode in sorted(episodes, key=lambda e: e["number"])
    )
