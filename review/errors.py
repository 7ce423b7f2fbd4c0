"""Review errors, each mapped to its HTTP status by ``config.exceptions``."""

from django.utils.translation import pgettext_lazy

from config.exceptions import ConflictError, DomainError, ForbiddenError

#: What each action is called in a refusal ("You cannot approve a submission in stage “draft”."):
#: a verb phrase that reads whole in both languages (处于“草稿”阶段的报审不能审核通过。).
REVIEW_ACTIONS = {
    "submit": pgettext_lazy("review action", "submit"),
    "withdraw": pgettext_lazy("review action", "withdraw"),
    "resubmit": pgettext_lazy("review action", "resubmit"),
    "assign": pgettext_lazy("review action", "assign"),
    "add_finding": pgettext_lazy("review action", "add a finding to"),
    "pass": pgettext_lazy("review action", "pass"),
    "return": pgettext_lazy("review action", "return"),
    "approve": pgettext_lazy("review action", "approve"),
    "reject": pgettext_lazy("review action", "reject"),
}


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
