"""Who may act on review submissions and centres.

A submission is the company's to write (create, documents, episodes, submit, withdraw, resubmit) and the
centre's to decide on; both read it. Which reviewer of the centre may decide on one submission (its
assignee or a centre lead) is ``review.permissions``.
"""

from studio.policy import (
    ADMIN_CHANGE,
    ADMIN_VIEW,
    ALL_ROLES,
    CENTRES,
    COMPANIES,
    MANAGE_ROLES,
    REVIEW_ROLES,
    Policy,
    Rule,
    same_rule,
)

SUBMISSION = Policy(
    "review submission",
    kinds=COMPANIES | CENTRES,
    rules={
        **same_rule(
            Rule(kinds=COMPANIES),
            *("create", "documents", "document_delete", "episodes", "submit", "withdraw", "resubmit"),
        ),
        **same_rule(Rule(roles=ALL_ROLES), "list", "retrieve"),
        # the admin is the centre's desk: its reviewers and leads work the queues there
        **same_rule(Rule(kinds=CENTRES, roles=REVIEW_ROLES), ADMIN_VIEW, ADMIN_CHANGE),
    },
)

CENTRE = Policy(
    "review centre",
    kinds=CENTRES,
    rules={
        "retrieve": Rule(roles=ALL_ROLES),
        "turnaround": Rule(roles=REVIEW_ROLES),
        "dashboard": Rule(roles=REVIEW_ROLES),
        # the centre's settings in the admin (profile, holiday overrides): its reviewers look, its leads edit
        ADMIN_VIEW: Rule(roles=REVIEW_ROLES),
        ADMIN_CHANGE: Rule(roles=MANAGE_ROLES),
    },
)

# the national tier thresholds: superusers maintain them; a centre's reviewers read them in the admin
TIER_RULE = Policy("tier rule", kinds=CENTRES, read_roles=REVIEW_ROLES, write_roles=frozenset())
