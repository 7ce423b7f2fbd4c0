"""Who may act on review submissions and centres.

A submission is the company's to write (create, documents, episodes, submit, withdraw, resubmit) and the
centre's to decide on; both read it. Which reviewer of the centre may decide on one submission (its
assignee or a centre lead) is ``review.permissions``.
"""

from studio.policy import ALL_ROLES, CENTRES, COMPANIES, REVIEW_ROLES, Policy, Rule, same_rule

SUBMISSION = Policy(
    "review submission",
    kinds=COMPANIES | CENTRES,
    rules={
        **same_rule(
            Rule(kinds=COMPANIES),
            *("create", "documents", "document_delete", "episodes", "submit", "withdraw", "resubmit"),
        ),
        **same_rule(Rule(roles=ALL_ROLES), "list", "retrieve"),
    },
)

CENTRE = Policy(
    "review centre",
    kinds=CENTRES,
    rules={"retrieve": Rule(roles=ALL_ROLES), "turnaround": Rule(roles=REVIEW_ROLES)},
)
