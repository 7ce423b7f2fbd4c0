"""The review centre's admin: queues, the submission page and buttons/actions that call the workflow services.

A reviewer sees only the submissions sent to their centre (``OrganizationScopedAdmin`` on ``centre``);
a production-company user has no centre membership and so cannot open any of it. Workflow fields are
read-only: every change goes through ``review.services`` after a confirmation page, and a rule
that refuses shows as an error message, never a 500.
"""

from django.contrib import admin

from review.admin.centre import (
    CentreSettingsAdmin,
    HolidayOverrideAdmin,
    ReviewCentreProfileAdmin,
    TierRuleAdmin,
)
from review.admin.queue import QueueFilter
from review.admin.steps import WORKFLOW
from review.admin.submissions import ReviewSubmissionAdmin
from review.models import HolidayOverride, ReviewCentreProfile, ReviewSubmission, TierRule

__all__ = [
    "WORKFLOW",
    "CentreSettingsAdmin",
    "HolidayOverrideAdmin",
    "QueueFilter",
    "ReviewCentreProfileAdmin",
    "ReviewSubmissionAdmin",
    "TierRuleAdmin",
]

admin.site.register(ReviewSubmission, ReviewSubmissionAdmin)
admin.site.register(ReviewCentreProfile, ReviewCentreProfileAdmin)
admin.site.register(HolidayOverride, HolidayOverrideAdmin)
admin.site.register(TierRule, TierRuleAdmin)
