"""A practice's contract register and the actions a commissioner takes on it: a variation, a remedial notice (a
breach that can be put right, with a deadline) or a breach notice (one that cannot), each with the contract term
concerned, the practice's response and the outcome. Notices are governance decisions: where the commissioner has a
committee, a notice waits for the committee's decision before it is issued."""

from dataclasses import dataclass
from datetime import date

ACTION_KINDS = ("variation", "remedial_notice", "breach_notice")
NOTICES = frozenset({"remedial_notice", "breach_notice"})
# open (a variation being agreed), awaiting_decision (a notice before its committee), issued, not_issued (the
# committee did not carry it), responded (the practice answered), closed (the outcome recorded)
STATUSES = ("open", "awaiting_decision", "issued", "not_issued", "responded", "closed")
LIVE = frozenset({"open", "issued", "responded"})  # deadlines that still run


class ContractError(ValueError):
    """An action that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class Action:
    practice_code: str
    kind: str
    term: str
    description: str
    issued_on: date
    deadline: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in ACTION_KINDS:
            raise ContractError(f"an action is one of {', '.join(ACTION_KINDS)}, not {self.kind!r}")
        if not self.term.strip():
            raise ContractError("name the contract term (clause) the action concerns")
        if not self.description.strip():
            raise ContractError("describe the action")
        if self.kind == "remedial_notice" and self.deadline is None:
            raise ContractError("a remedial notice gives the practice a deadline to put the breach right")
        if self.deadline is not None and self.deadline < self.issued_on:
            raise ContractError("the deadline cannot come before the date the action is issued")


def first_status(action: Action, needs_committee: bool) -> str:
    if action.kind not in NOTICES:
        return "open"
    return "awaiting_decision" if needs_committee else "issued"


def after_decision(carried: bool) -> str:
    return "issued" if carried else "not_issued"


def can_move(status: str, to: str) -> bool:
    """responded after issued (or open, for a variation); closed after anything but a notice awaiting decision."""
    if to == "responded":
        return status in ("issued", "open")
    if to == "closed":
        return status not in ("awaiting_decision", "closed")
    return False
