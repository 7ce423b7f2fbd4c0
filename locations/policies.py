"""Who may act on the shared catalogue: every organisation reads it, base operators keep their own part.

Which rows an operator may change (its own bases and their sets) is the selectors' ``*_owned_by``.
"""

from studio.policy import (
    ADMIN_CHANGE,
    ADMIN_VIEW,
    ALL_ROLES,
    COMPANIES,
    MANAGE_ROLES,
    OPERATORS,
    Policy,
    Rule,
    same_rule,
)

_OPERATOR = Rule(kinds=OPERATORS)
# every organisation reads the catalogue through the API; in the admin, operators keep their own part
_OPERATORS_ADMIN = (ADMIN_VIEW, ADMIN_CHANGE)

ZONE = Policy("zone")
PLACE = Policy(
    "place",
    rules=same_rule(_OPERATOR, "create", "update", "partial_update", "destroy", *_OPERATORS_ADMIN),
)
BASE = Policy(
    "base",
    rules=same_rule(
        _OPERATOR, "create", "update", "partial_update", "activate", "deactivate", *_OPERATORS_ADMIN
    ),
)
SET = Policy(
    "set",
    rules=same_rule(
        _OPERATOR,
        "create",
        "update",
        "partial_update",
        "activate",
        "deactivate",
        "rates",
        "photos",
        "import_csv",
        *_OPERATORS_ADMIN,
    ),
)
SET_PHOTO = Policy("set photo", rules={"destroy": _OPERATOR})
# a feed's URL carries its token: owners and managers only, for reading it as for issuing it
CALENDAR_FEED = Policy(
    "calendar feed", write_roles=MANAGE_ROLES, rules=same_rule(Rule(roles=MANAGE_ROLES), "list", "retrieve")
)
BLACKOUT = Policy("blackout", kinds=OPERATORS)
TRAVEL_TIME = Policy("travel time", kinds=OPERATORS)
# planning a day writes nothing: every member may ask through the API (an operator may plan for a
# client); the planner page is a production company's desk (its home, booking the plan), so only
# companies open it
CIRCLE_PLAN = Policy(
    "circle plan",
    rules={"create": Rule(roles=ALL_ROLES), "plan_page": Rule(kinds=COMPANIES, roles=ALL_ROLES)},
)
