"""Governance rules as tables: conflicts on an agenda item (and the proposed action), quorum after exclusions, late
and overdue declarations, what the public register shows, and what to do with a gift."""

from datetime import date

import pytest

from primarycare.governance.conflicts import conflicts, load_policy, proposed_actions
from primarycare.governance.model import Gift, Interest, Person, Subject
from primarycare.governance.quorum import QuorumRule, check_quorum
from primarycare.governance.registers import (
    gift_response,
    is_late,
    load_thresholds,
    overdue_declarations,
    published,
)

POLICY = load_policy()
MEETING = date(2026, 11, 20)
GP = Person(1, "Dr Partner", "gp_member")
LAY = Person(2, "Lay Chair", "lay_member")
EXEC = Person(3, "Finance Officer", "executive")
PRACTICE_ITEM = Subject("practice", "E81001", practices=("E81001",), networks=("U00001",))
SCHEME_ITEM = Subject("scheme", "five-a-head", practices=("E81001", "E81002"), networks=("U00001", "U00002"))
PROVIDER_ITEM = Subject("ooh_provider", "OOH01", provider="OOH01")


def interest(kind, org_kind, code, start=date(2020, 1, 1), end=None, person=1):
    return Interest(person, kind, org_kind, code, "declared", start, start, end)


CONFLICTS = [
    (
        "partner in the practice under discussion",
        PRACTICE_ITEM,
        [interest("financial", "practice", "E81001")],
        [],
        "leave_room",
    ),
    (
        "partner in a member practice of a scheme",
        SCHEME_ITEM,
        [interest("financial", "practice", "E81002")],
        [],
        "leave_room",
    ),
    (
        "partner in another practice: no conflict",
        PRACTICE_ITEM,
        [interest("financial", "practice", "E81009")],
        [],
        "none",
    ),
    (
        "director of the practice's network",
        PRACTICE_ITEM,
        [interest("financial", "network", "U00001")],
        [],
        "discuss_not_vote",
    ),
    (
        "clinical lead of the network (professional)",
        PRACTICE_ITEM,
        [interest("non_financial_professional", "network", "U00001")],
        [],
        "discuss_not_vote",
    ),
    (
        "spouse is a partner in the practice (indirect)",
        PRACTICE_ITEM,
        [interest("indirect", "practice", "E81001")],
        [],
        "discuss_not_vote",
    ),
    (
        "shareholding in the OOH provider",
        PROVIDER_ITEM,
        [interest("financial", "ooh_provider", "OOH01")],
        [],
        "leave_room",
    ),
    (
        "an interest that ended before the meeting",
        PRACTICE_ITEM,
        [interest("financial", "practice", "E81001", end=date(2025, 3, 31))],
        [],
        "none",
    ),
    (
        "an interest that starts after the meeting",
        PRACTICE_ITEM,
        [interest("financial", "practice", "E81001", start=date(2026, 12, 1))],
        [],
        "none",
    ),
    (
        "hospitality from the practice 3 months ago",
        PRACTICE_ITEM,
        [],
        [Gift(1, "practice", "E81001", "hospitality", 40, date(2026, 8, 20))],
        "discuss_not_vote",
    ),
    (
        "a gift from the practice 13 months ago",
        PRACTICE_ITEM,
        [],
        [Gift(1, "practice", "E81001", "gift", 40, date(2025, 10, 1))],
        "none",
    ),
    (
        "the strongest of several conflicts",
        PRACTICE_ITEM,
        [interest("non_financial_professional", "network", "U00001"), interest("financial", "practice", "E81001")],
        [],
        "leave_room",
    ),
    (
        "an outside company: no conflict",
        PRACTICE_ITEM,
        [interest("financial", "outside", "Acme Health Ltd")],
        [],
        "none",
    ),
]


@pytest.mark.parametrize(("what", "subject", "interests", "gifts", "action"), CONFLICTS, ids=[c[0] for c in CONFLICTS])
def test_conflicts(what, subject, interests, gifts, action):
    found = conflicts(subject, [GP, LAY], interests, gifts, MEETING, POLICY)
    assert proposed_actions([GP, LAY], found) == {GP.id: action, LAY.id: "none"}
    assert all(c.person_id == GP.id for c in found)


AT_LEAST_3_WITH_LAY_AND_EXEC = QuorumRule(3, ("lay_member", "executive"))
LAY_AND_EXEC_MAJORITY = QuorumRule(2, (), ("lay_member", "executive"))
GP2, LAY2 = Person(4, "Dr Two", "gp_member"), Person(5, "Lay Two", "lay_member")
QUORUM = [
    ("three with a lay member and an executive", AT_LEAST_3_WITH_LAY_AND_EXEC, [GP, LAY, EXEC], True, ()),
    ("two only", AT_LEAST_3_WITH_LAY_AND_EXEC, [LAY, EXEC], False, ("2 voting members; at least 3 needed",)),
    ("no executive", AT_LEAST_3_WITH_LAY_AND_EXEC, [GP, LAY, LAY2], False, ("no executive can vote",)),
    ("lay and executive in the majority", LAY_AND_EXEC_MAJORITY, [GP, LAY, EXEC], True, ()),
    (
        "GPs equal lay and executive",
        LAY_AND_EXEC_MAJORITY,
        [GP, GP2, LAY, EXEC],
        False,
        ("lay members and executives are not in the majority (2 of 4)",),
    ),
    (
        "nobody",
        AT_LEAST_3_WITH_LAY_AND_EXEC,
        [],
        False,
        ("0 voting members; at least 3 needed", "no lay member can vote", "no executive can vote"),
    ),
]


@pytest.mark.parametrize(("what", "rule", "voting", "quorate", "reasons"), QUORUM, ids=[q[0] for q in QUORUM])
def test_quorum(what, rule, voting, quorate, reasons):
    result = check_quorum(rule, voting)
    assert (result.quorate, result.reasons) == (quorate, reasons)


def test_quorum_rules_are_data():
    assert QuorumRule.from_data({"minimum": 3, "require_roles": ["lay_member"]}) == QuorumRule(3, ("lay_member",))
    with pytest.raises(ValueError, match="unknown role"):
        QuorumRule.from_data({"minimum": 3, "require_roles": ["chair"]})
    with pytest.raises(ValueError, match="quorum.size: not a quorum field"):
        QuorumRule.from_data({"minimum": 3, "size": 4})


def test_late_overdue_and_published():
    on_time = Interest(1, "financial", "practice", "E81001", "partner", date(2026, 1, 1), date(2026, 1, 29))
    late = Interest(1, "financial", "practice", "E81001", "partner", date(2026, 1, 1), date(2026, 1, 30))
    assert not is_late(on_time) and is_late(late)
    observer = Person(9, "Observer", "observer", decision_maker=False)
    assert overdue_declarations([GP, LAY, observer], {GP.id: date(2026, 1, 5), LAY.id: date(2025, 10, 1)},
                                date(2026, 11, 20)) == [LAY]  # fmt: skip
    ended_recently = interest("financial", "practice", "E81001", end=date(2026, 6, 1))
    ended_long_ago = interest("financial", "practice", "E81002", end=date(2026, 4, 1))
    observers = Interest(9, "financial", "practice", "E81003", "x", date(2020, 1, 1), date(2020, 1, 1))
    shown = published([GP, observer], [ended_recently, ended_long_ago, observers], date(2026, 11, 20))
    assert shown == [ended_recently]


GIFTS = [
    ("supplier's pen (£5)", Gift(1, "outside", "Acme", "gift", 5, MEETING, from_supplier=True), "accept_and_declare"),
    ("supplier's bottle (£20)", Gift(1, "outside", "Acme", "gift", 20, MEETING, from_supplier=True), "decline"),
    ("other gift £30", Gift(1, "outside", "Charity", "gift", 30, MEETING), "accept_and_declare"),
    ("other gift £80", Gift(1, "outside", "Charity", "gift", 80, MEETING), "accept_for_the_organisation"),
    ("hospitality £20", Gift(1, "outside", "Acme", "hospitality", 20, MEETING), "accept"),
    ("hospitality £50", Gift(1, "outside", "Acme", "hospitality", 50, MEETING), "accept_and_declare"),
    ("hospitality £120", Gift(1, "outside", "Acme", "hospitality", 120, MEETING), "refuse_unless_approved"),
]


@pytest.mark.parametrize(("what", "gift", "response"), GIFTS, ids=[g[0] for g in GIFTS])
def test_gift_responses(what, gift, response):
    assert gift_response(gift, load_thresholds()) == response


def test_a_commissioner_sets_its_own_gift_thresholds():
    text = "[defaults]\nsupplier_gift_max_gbp = 6.0\nother_gift_max_gbp = 50.0\nhospitality_declare_from_gbp = 25.0\n"
    text += "hospitality_refuse_over_gbp = 75.0\n[commissioners.00A]\nhospitality_refuse_over_gbp = 40.0\n"
    gift = Gift(1, "outside", "Acme", "hospitality", 50, MEETING)
    assert gift_response(gift, load_thresholds("00A", text)) == "refuse_unless_approved"
    assert gift_response(gift, load_thresholds("00B", text)) == "accept_and_declare"
