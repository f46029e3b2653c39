"""A provider's monthly quality report: each clock's compliance with its counts, the breaches case by case (no
patient names or numbers), demand by hour of week and outcomes. Counts come from the per-case clocks only."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from primarycare.economy.calendar import hour_of_week
from primarycare.urgentcare.case import Case
from primarycare.urgentcare.clocks import Clock
from primarycare.urgentcare.vocabulary import OUTCOMES, PRIORITIES, STATUSES


@dataclass(frozen=True)
class Compliance:
    clock: str
    counts: dict[str, int]  # by status
    threshold: float | None

    @property
    def applicable(self) -> int:
        return self.counts["met"] + self.counts["breached"]

    @property
    def share(self) -> float | None:
        """Met ÷ (met + breached); running and not-applicable cases are not counted either way."""
        return self.counts["met"] / self.applicable if self.applicable else None

    @property
    def complies(self) -> bool | None:
        if self.share is None or self.threshold is None:
            return None
        return self.share >= self.threshold


@dataclass(frozen=True)
class Breach:
    case_ref: str
    clock: str
    priority: str
    dx_code: str | None
    deadline: datetime
    ended_at: datetime | None

    @property
    def minutes_late(self) -> float | None:
        return None if self.ended_at is None else round((self.ended_at - self.deadline).total_seconds() / 60, 1)


@dataclass(frozen=True)
class MonthReport:
    provider_code: str
    month: str
    cases: int
    compliance: tuple[Compliance, ...]
    breaches: tuple[Breach, ...]
    demand_by_hour_of_week: tuple[int, ...]  # 168, Monday 00:00 first, UK local time
    outcomes: dict[str, int]
    priorities: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "provider": self.provider_code,
            "month": self.month,
            "cases": self.cases,
            "compliance": [
                {
                    "clock": c.clock,
                    **c.counts,
                    "applicable": c.applicable,
                    "share": c.share,
                    "threshold": c.threshold,
                    "complies": c.complies,
                }
                for c in self.compliance
            ],
            "breaches": [
                {
                    "case_ref": b.case_ref,
                    "clock": b.clock,
                    "priority": b.priority,
                    "dx_code": b.dx_code,
                    "deadline": b.deadline,
                    "ended_at": b.ended_at,
                    "minutes_late": b.minutes_late,
                }
                for b in self.breaches
            ],
            "demand_by_hour_of_week": list(self.demand_by_hour_of_week),
            "outcomes": self.outcomes,
            "priorities": self.priorities,
        }


def month_report(
    provider_code: str,
    month: str,
    timed: list[tuple[Case, tuple[Clock, ...]]],
    thresholds: dict[str, float],
    clock_names: tuple[str, ...],
) -> MonthReport:
    """The report over the cases received in the month, each with its clocks."""
    counts = {name: Counter() for name in clock_names}
    breaches = []
    demand = [0] * 168
    outcomes = Counter()
    priorities = Counter()
    for case, clocks in timed:
        demand[hour_of_week(case.received_at)] += 1
        outcomes[case.outcome or "open"] += 1
        priorities[case.priority] += 1
        for clock in clocks:
            counts[clock.name][clock.status] += 1
            if clock.status == "breached":
                breaches.append(
                    Breach(case.ref, clock.name, case.priority, case.dx_code, clock.deadline, clock.ended_at)
                )
    compliance = tuple(
        Compliance(name, {s: counts[name][s] for s in STATUSES}, thresholds.get(name)) for name in clock_names
    )
    breaches.sort(key=lambda b: (b.deadline, b.case_ref, b.clock))
    return MonthReport(
        provider_code,
        month,
        len(timed),
        compliance,
        tuple(breaches),
        tuple(demand),
        {o: outcomes[o] for o in (*OUTCOMES, "open") if outcomes[o]},
        {p: priorities[p] for p in PRIORITIES},
    )
