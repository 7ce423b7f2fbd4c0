"""Review settings, each overridable from Django settings (``REVIEW_*``)."""

from django.conf import settings

from review.models import ReviewSubmission, SubmissionDocument
from studio.models import Production

Doc = SubmissionDocument.Type
Kind = ReviewSubmission.Kind
Tier = Production.Tier

#: Largest document a company may upload.
DOCUMENT_MAX_BYTES: int = getattr(settings, "REVIEW_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)

#: Allowed extensions and, for each, the content types a browser may send and the leading bytes.
DOCUMENT_TYPES: dict[str, tuple[frozenset[str], tuple[bytes, ...]]] = getattr(
    settings,
    "REVIEW_DOCUMENT_TYPES",
    {
        ".pdf": (frozenset({"application/pdf"}), (b"%PDF-",)),
        ".docx": (
            frozenset(
                {
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/octet-stream",
                }
            ),
            (b"PK\x03\x04",),
        ),
        ".doc": (frozenset({"application/msword", "application/octet-stream"}), (b"\xd0\xcf\x11\xe0",)),
        ".txt": (frozenset({"text/plain"}), ()),
        ".jpg": (frozenset({"image/jpeg"}), (b"\xff\xd8\xff",)),
        ".jpeg": (frozenset({"image/jpeg"}), (b"\xff\xd8\xff",)),
        ".png": (frozenset({"image/png"}), (b"\x89PNG\r\n\x1a\n",)),
    },
)

_PLANNING_KEY = (
    Doc.SCRIPT,
    Doc.OUTLINE,
    Doc.SYNOPSIS,
    Doc.COST_ALLOCATION_REPORT,
    Doc.ACTOR_FEE_PLEDGE,
    Doc.RIGHTS_PROOF,
    Doc.LICENCE,
)

#: Documents a submission must carry, by kind and tier (the platform reviews "other", so less is asked).
REQUIRED_DOCUMENTS: dict[tuple[str, str], tuple[str, ...]] = getattr(
    settings,
    "REVIEW_REQUIRED_DOCUMENTS",
    {
        (Kind.PLANNING_DOSSIER, Tier.KEY): _PLANNING_KEY,
        (Kind.PLANNING_DOSSIER, Tier.ORDINARY): (
            Doc.SCRIPT,
            Doc.OUTLINE,
            Doc.SYNOPSIS,
            Doc.COST_ALLOCATION_REPORT,
            Doc.ACTOR_FEE_PLEDGE,
            Doc.LICENCE,
        ),
        (Kind.PLANNING_DOSSIER, Tier.OTHER): (Doc.OUTLINE, Doc.SYNOPSIS, Doc.LICENCE),
        (Kind.FINISHED_CUT, Tier.KEY): (
            Doc.SCRIPT,
            Doc.COST_ALLOCATION_REPORT,
            Doc.ACTOR_FEE_PLEDGE,
            Doc.RIGHTS_PROOF,
            Doc.LICENCE,
        ),
        (Kind.FINISHED_CUT, Tier.ORDINARY): (Doc.SCRIPT, Doc.ACTOR_FEE_PLEDGE, Doc.LICENCE),
        (Kind.FINISHED_CUT, Tier.OTHER): (Doc.LICENCE,),
    },
)

#: How often the overdue check runs (seconds); each submission is reported at most once per day.
OVERDUE_CHECK_INTERVAL: float = getattr(settings, "REVIEW_OVERDUE_CHECK_INTERVAL", 60 * 60)


def required_documents(*, kind: str, tier: str) -> tuple[str, ...]:
    return REQUIRED_DOCUMENTS.get((kind, tier), _PLANNING_KEY)
