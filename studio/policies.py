"""Who may act on organisations and productions."""

from studio.policy import ADMIN_CHANGE, ADMIN_VIEW, COMPANIES, MANAGE_ROLES, Policy, Rule, same_rule

ORGANIZATION = Policy("organization", write_roles=MANAGE_ROLES)
# other organisations read a production through what they share with it (a booking, a submission);
# the admin's list of productions is the companies' own, and so are the workspace's production pages
PRODUCTION = Policy(
    "production",
    rules=same_rule(
        Rule(kinds=COMPANIES),
        "create",
        "update",
        "partial_update",
        "transition",
        "workspace",
        ADMIN_VIEW,
        ADMIN_CHANGE,
    ),
)
