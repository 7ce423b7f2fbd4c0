"""Settings of the review app: ``REVIEW_<NAME>`` in Django settings, else the environment
(``config.appconf``; the tables of documents come from Django settings only).
"""

from config.appconf import app_settings
from review.models import ReviewSubmission, SubmissionDocument
from studio.models import Production

Doc = SubmissionDocument.Type
Kind = ReviewSubmission.Kind
Tier = Production.Tier

_get = app_settings("REVIEW")

#: Allowed extensions and, for each, the content types a browser may send and the leading bytes.
DEFAULT_DOCUMENT_TYPES: dict[str, tuple[frozenset[str], tuple[bytes, ...]]] = {
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
}

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
DEFAULT_REQUIRED_DOCUMENTS: dict[tuple[str, str], tuple[str, ...]] = {
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
}


def document_max_bytes() -> int:
    """Largest document a company may upload."""
    return int(_get("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))


def document_types() -> dict[str, tuple[frozenset[str], tuple[bytes, ...]]]:
    """Accepted file extensions, each with its content types and leading bytes."""
    return _get("DOCUMENT_TYPES", DEFAULT_DOCUMENT_TYPES)


def required_documents(*, kind: str, tier: str) -> tuple[str, ...]:
    """The documents a submission of ``kind`` for a production of ``tier`` must carry."""
    return _get("REQUIRED_DOCUMENTS", DEFAULT_REQUIRED_DOCUMENTS).get((kind, tier), _PLANNING_KEY)


def overdue_check_interval() -> float:
    """How often the overdue check runs (seconds); each submission is reported at most once per day."""
    return float(_get("OVERDUE_CHECK_INTERVAL", 60 * 60))


def target_working_days() -> int:
    """The centre's target for a submission's whole way, submission to filing number (working days)."""
    return int(_get("TARGET_WORKING_DAYS", 5))
