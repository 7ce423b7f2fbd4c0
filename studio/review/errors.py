"""Review errors, each mapped to its HTTP status by ``config.exceptions``."""

from config.exceptions import ConflictError, DomainError, ForbiddenError


class InvalidTransition(ConflictError):
    """The submission is not in a stage the action can start from (409)."""

    code = "invalid_transition"


class NotReviewer(ForbiddenError):
    code = "not_a_reviewer"


class NotSubmitter(ForbiddenError):
    code = "not_the_company"


class IncompleteDossier(DomainError):
    code = "incomplete_dossier"


class DocumentRejected(DomainError):
    code = "document_rejected"
