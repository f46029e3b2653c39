"""The registers' rules: late declarations (over 28 days), decision-makers overdue for their annual declaration or
nil return, what the published register shows (decision-makers' interests, expired ones for 6 months), and what a
member should do with a gift or hospitality (thresholds as data, per commissioner)."""

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from primarycare.governance.model import Gift, Interest, Person

LATE_AFTER = timedelta(days=28)
EXPIRED_SHOWN_FOR = timedelta(days=183)  # six months
ANNUAL = timedelta(days=365)


def is_late(interest: Interest) -> bool:
    """Declared more than 28 days after the member became aware (the interest's start)."""
    return interest.declared_on - interest.start > LATE_AFTER


def overdue_declarations(people: list[Person], last_declared: dict[int, date], today: date) -> list[Person]:
    """Decision-makers with no annual declaration or nil return in the last year."""
    return [
        p for p in people if p.decision_maker and (p.id not in last_declared or today - last_declared[p.id] > ANNUAL)
    ]


def published(people: list[Person], interests: list[Interest], today: date) -> list[Interest]:
    """The public register: decision-makers' interests that are current, or ended within six months."""
    makers = {p.id for p in people if p.decision_maker}
    return [
        i
        for i in interests
        if i.person_id in makers and i.start <= today and (i.end is None or today - i.end <= EXPIRED_SHOWN_FOR)
    ]


@dataclass(frozen=True)
class GiftThresholds:
    supplier_gift_max_gbp: float
    other_gift_max_gbp: float
    hospitality_declare_from_gbp: float
    hospitality_refuse_over_gbp: float


def load_thresholds(commissioner: str | None = None, text: str | None = None) -> GiftThresholds:
    text = text or resources.files("primarycare.governance").joinpath("data", "gifts.toml").read_text("utf-8")
    data = tomllib.loads(text)
    values = {**data["defaults"], **data.get("commissioners", {}).get(commissioner or "", {})}
    return GiftThresholds(**{k: float(v) for k, v in values.items()})


def gift_response(gift: Gift, thresholds: GiftThresholds) -> str:
    """decline, accept, accept_and_declare, accept_for_the_organisation, or refuse_unless_approved."""
    if gift.kind == "hospitality":
        if gift.value_gbp > thresholds.hospitality_refuse_over_gbp:
            return "refuse_unless_approved"
        return "accept_and_declare" if gift.value_gbp >= thresholds.hospitality_declare_from_gbp else "accept"
    if gift.from_supplier:
        return "decline" if gift.value_gbp > thresholds.supplier_gift_max_gbp else "accept_and_declare"
    return "accept_and_declare" if gift.value_gbp < thresholds.other_gift_max_gbp else "accept_for_the_organisation"
