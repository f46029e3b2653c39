"""The fixed words of governance, from NHS England's statutory guidance on managing conflicts of interest."""

PERSON_ROLES: tuple[str, ...] = (
    "lay_member",
    "executive",
    "gp_member",
    "employee",
    "observer",
    "independent_clinician",
)
INTEREST_TYPES: tuple[str, ...] = ("financial", "non_financial_professional", "non_financial_personal", "indirect")
ORGANISATION_KINDS: tuple[str, ...] = ("practice", "network", "ooh_provider", "outside")
SUBJECT_KINDS: tuple[str, ...] = ("practice", "network", "ooh_provider", "contract", "scheme")
# The graded responses, weakest first: a member keeps the strongest that any of its conflicts calls for.
ACTIONS: tuple[str, ...] = ("none", "discuss_not_vote", "leave_room")
VOTES: tuple[str, ...] = ("for", "against", "abstain")
