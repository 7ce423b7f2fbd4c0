"""Who may act on events, deliveries and webhook endpoints."""

from studio.policy import ADMIN_VIEW, MANAGE_ROLES, Policy, Rule, same_rule

EVENT = Policy("event")
# retrying a delivery is for owners and managers; every member reads the outbox
DELIVERY = Policy("delivery", write_roles=MANAGE_ROLES)
# an endpoint's URL and secret are owners' and managers' business, to read as to change
WEBHOOK_ENDPOINT = Policy(
    "webhook endpoint",
    write_roles=MANAGE_ROLES,
    rules=same_rule(
        Rule(roles=MANAGE_ROLES),
        *("list", "retrieve", "create", "update", "partial_update", "destroy", "rotate_secret", "ping"),
        ADMIN_VIEW,
    ),
)
