"""Who may act on a company's crews, people, scenes and shoot days: its planners (owners, managers,
coordinators) write, every member reads; no other kind of organisation has any."""

from studio.policy import ALL_KINDS, COMPANIES, PLAN_ROLES, Policy, Rule

PERSON = Policy(
    "person",
    kinds=COMPANIES,
    rules={
        # the person's own calendar feed: the token in the URL is the key, whoever fetches it
        "calendar": Rule(kinds=ALL_KINDS),
        # a person's whole phone number (everyone else sees it masked): those who plan, on the person's page
        "see_full_phone": Rule(roles=PLAN_ROLES),
    },
)
CREW = Policy("crew", kinds=COMPANIES)
CREW_MEMBER = Policy("crew member", kinds=COMPANIES)
SCENE = Policy("scene", kinds=COMPANIES)
SHOOT_DAY = Policy("shoot day", kinds=COMPANIES)
STOP = Policy("stop", kinds=COMPANIES)
CALL = Policy("call", kinds=COMPANIES)
CALL_SHEET = Policy("call sheet", kinds=COMPANIES)
