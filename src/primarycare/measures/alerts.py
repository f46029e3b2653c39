"""Alerts as data: which subscriptions the latest findings touch (one message per subscription and set of
findings, so computing again on the same data writes nothing new), and reminders before contract deadlines."""

import hashlib
from dataclasses import dataclass
from datetime import date

import polars as pl

SUBSCRIPTION_KINDS = ("practice", "network", "commissioner", "measure")
REMINDER_DAYS = (14, 7, 1)  # reminders this many days before a deadline, and one when it has passed


@dataclass(frozen=True)
class Subscription:
    id: int
    user_id: int
    kind: str
    code: str
    email: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SUBSCRIPTION_KINDS:
            raise ValueError(f"subscribe to one of {', '.join(SUBSCRIPTION_KINDS)}, not {self.kind!r}")


@dataclass(frozen=True)
class Message:
    user_id: int
    address: str | None
    kind: str  # measure, reminder
    subject: str
    body: str
    dedupe_key: str


def _touches(sub: Subscription, items: pl.DataFrame, practices: pl.DataFrame) -> pl.DataFrame:
    if sub.kind == "measure":
        return items.filter(pl.col("measure") == sub.code)
    if sub.kind == "practice":
        return items.filter((pl.col("kind") == "practice") & (pl.col("code") == sub.code))
    members = practices.filter(pl.col(f"{sub.kind}_code") == sub.code)["practice_code"].unique().to_list()
    own = (pl.col("kind") == sub.kind) & (pl.col("code") == sub.code)
    return items.filter(own | ((pl.col("kind") == "practice") & pl.col("code").is_in(members)))


def _line(row: dict) -> str:
    reasons = []
    if row["worst_decile"]:
        reasons.append("in the worst decile")
    if row["worsening"]:
        reasons.append(f"worsening since {row['worsening_since']} ({row['change_size']:+.0f} percentile points)")
    money = f"; money at stake £{row['money_gbp']:,.0f}" if row.get("money_gbp") else ""
    return (
        f"- {row['kind']} {row['code']}: {row['name']} {row['value']:.1f} {row['unit']} "
        f"({row['percentile']:.0f}th percentile, {row['year']}): {' and '.join(reasons)}{money}"
    )


def measure_messages(subs: list[Subscription], items: pl.DataFrame, practices: pl.DataFrame) -> list[Message]:
    """items: needs_attention() for every organisation. practices: practice_code, network_code, commissioner_code."""
    messages = []
    for sub in subs:
        touched = _touches(sub, items, practices)
        if touched.is_empty():
            continue
        rows = touched.to_dicts()
        keys = sorted(f"{r['measure']}/{r['kind']}/{r['code']}/{r['year']}/{r['worst_decile']}/{r['worsening']}"
                      for r in rows)  # fmt: skip
        digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
        subject = f"primarycare: {len(rows)} item{'s' if len(rows) != 1 else ''} need attention ({sub.kind} {sub.code})"
        body = "\n".join(
            [f"New data for your subscription to {sub.kind} {sub.code}; most important first:", ""]
            + [_line(r) for r in rows]
        )
        messages.append(Message(sub.user_id, sub.email, "measure", subject, body, f"sub:{sub.id}:{digest}"))
    return messages


@dataclass(frozen=True)
class Deadline:
    action_id: int
    practice_code: str
    kind: str
    term: str
    deadline: date
    user_id: int | None
    email: str | None


def reminders(deadlines: list[Deadline], today: date) -> list[Message]:
    """For each open action: a reminder once each of REMINDER_DAYS is reached, and one once the deadline passes."""
    messages = []
    for d in deadlines:
        if d.user_id is None:
            continue
        left = (d.deadline - today).days
        what = f"{d.kind.replace('_', ' ')} to {d.practice_code} ({d.term})"
        if left < 0:
            due = [("overdue", f"Overdue: {what}, deadline {d.deadline:%d %B %Y}")]
        else:
            due = [(f"{n}d", f"Deadline in {left} day{'s' if left != 1 else ''}: {what}, {d.deadline:%d %B %Y}")
                   for n in REMINDER_DAYS if left <= n][-1:]  # fmt: skip
        for tag, subject in due:
            body = f"{subject}.\nRecord the practice's response and the outcome on its contract page."
            key = f"action:{d.action_id}:{d.deadline.isoformat()}:{tag}"
            messages.append(Message(d.user_id, d.email, "reminder", f"primarycare: {subject}", body, key))
    return messages
