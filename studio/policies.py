"""Who may act on organisations and productions."""

from studio.policy import COMPANIES, MANAGE_ROLES, Policy, Rule, same_rule

ORGANIZATION = Policy("organization", write_roles=MANAGE_ROLES)
PRODUCTION = Policy(
    "production", rules=same_rule(Rule(kinds=COMPANIES), "create", "update", "partial_update", "transition")
)
