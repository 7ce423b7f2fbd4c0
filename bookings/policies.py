"""Who may act on bookings: companies request, reschedule and cancel; operators answer and check in/out.

Visibility (company and base operator only) is the selectors' ``bookings_visible_to``; these rules say
which kind of organisation and which roles may do each action.
"""

from studio.policy import (
    ADMIN_CHANGE,
    ADMIN_VIEW,
    ALL_ROLES,
    COMPANIES,
    MANAGE_ROLES,
    OPERATORS,
    PLAN_ROLES,
    ZONES,
    Policy,
    Rule,
    same_rule,
)

# in the admin, both participants (the company and the set's operator) see and act on their rows
_PARTICIPANTS = same_rule(Rule(kinds=COMPANIES | OPERATORS), ADMIN_VIEW, ADMIN_CHANGE)

BOOKING = Policy(
    "booking",
    rules={
        **same_rule(Rule(kinds=COMPANIES), "create", "reschedule", "cancel"),
        **same_rule(Rule(kinds=OPERATORS), "confirm", "decline", "check_in", "check_out", "no_show"),
        # a price quote writes nothing: every member may ask
        "quote": Rule(roles=ALL_ROLES),
        # the quote of a cancellation is for those who may cancel
        "cancellation_quote": Rule(kinds=COMPANIES, roles=PLAN_ROLES),
        # the feed's URL carries its token (anyone holding it reads the company's bookings): reading and
        # rotating it follow the webhook endpoints' rule, owners and managers only
        "feed_url": Rule(kinds=COMPANIES, roles=MANAGE_ROLES),
        **_PARTICIPANTS,
    },
)

BOOKING_BATCH = Policy("booking batch", kinds=COMPANIES)

WAITLIST_ENTRY = Policy("waitlist entry", kinds=COMPANIES, rules=_PARTICIPANTS)

BASE_BOARD = Policy("base board", kinds=OPERATORS)

# a zone's figures: the members of its management organisation only (which zone: ``zones_managed_by``)
ZONE_FIGURES = Policy("zone figures", kinds=ZONES)
