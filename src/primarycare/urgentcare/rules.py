"""The data the clocks run on: disposition codes with their default priority, and the timed targets and compliance
thresholds (national defaults, overridable per commissioner). Both live in data files with their sources."""

import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources
from pathlib import Path

from primarycare.urgentcare.vocabulary import CLOCKS, PRIORITIES


class RulesError(ValueError):
    """A targets or dispositions file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Disposition:
    code: str
    meaning: str
    priority: str
    ambulance: bool = False


@dataclass(frozen=True)
class Targets:
    """Timed targets of one commissioner's OOH contract."""

    call_answered: timedelta
    transfer_999: timedelta
    assessment: dict[str, timedelta]  # by priority
    face_to_face: dict[str, timedelta]  # by priority
    post_event_message_hour: int
    thresholds: dict[str, float]  # share of applicable cases that must meet each clock
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    dispositions: dict[str, Disposition]
    national: Targets
    by_commissioner: dict[str, Targets] = field(default_factory=dict)

    def targets_for(self, commissioner_codes: tuple[str, ...] = ()) -> Targets:
        """A provider serving a commissioner with its own targets works to them (the first such commissioner)."""
        for code in commissioner_codes:
            if code in self.by_commissioner:
                return self.by_commissioner[code]
        return self.national

    def disposition(self, code: str) -> Disposition | None:
        return self.dispositions.get(code)


def _read(path: Path | None, package_file: str) -> tuple[str, dict]:
    if path is None:
        text = resources.files("primarycare.urgentcare").joinpath("data", package_file).read_text(encoding="utf-8")
        return package_file, tomllib.loads(text)
    try:
        return Path(path).name, tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as bad:
        raise RulesError(f"{Path(path).name}: not valid TOML: {bad}") from None


def load_rules(targets_file: Path | None = None, dispositions_file: Path | None = None) -> Rules:
    """The national defaults, with a commissioner's own targets file over them (the same layout, plus
    [commissioners.CODE.targets] and [commissioners.CODE.thresholds] tables for one commissioner's providers)."""
    name, data = _read(None, "targets.toml")
    targets, shares = _section(name, data, "")
    unverified = {key for key, entry in data["targets"].items() if not entry.get("verified", False)}
    by_commissioner: dict[str, Targets] = {}
    if targets_file is not None:
        name, own = _read(targets_file, "targets.toml")
        own_targets, own_shares = _section(name, own, "")
        targets, shares = {**targets, **own_targets}, {**shares, **own_shares}
        for code, section in _table(name, "commissioners", own.get("commissioners", {})).items():
            _table(name, f"commissioners.{code}", section)
            extra_targets, extra_shares = _section(name, section, f"commissioners.{code}.")
            by_commissioner[code] = _build({**targets, **extra_targets}, {**shares, **extra_shares}, unverified)
    national = _build(targets, shares, unverified)
    return Rules(_dispositions(*_read(dispositions_file, "dispositions.toml")), national, by_commissioner)


TARGET_KEYS = frozenset(
    {"call_answered_seconds", "transfer_999_minutes", "post_event_message_hour"}
    | {f"{clock}_minutes_{priority}" for clock in ("assessment", "face_to_face") for priority in PRIORITIES}
)


def _section(name: str, data: dict, prefix: str) -> tuple[dict[str, float], dict[str, float]]:
    """The targets and thresholds of one table, checked: known keys, numbers of zero or more, shares up to 1."""
    targets, shares = {}, {}
    for key, entry in _table(name, f"{prefix}targets", data.get("targets", {})).items():
        if key not in TARGET_KEYS:
            raise RulesError(f"{name}: {prefix}targets.{key}: no such target")
        targets[key] = _number(name, f"{prefix}targets.{key}", entry)
    hour = targets.get("post_event_message_hour", 0)
    if hour != int(hour) or hour > 23:
        raise RulesError(f"{name}: {prefix}targets.post_event_message_hour: must be a whole hour from 0 to 23")
    for key, entry in _table(name, f"{prefix}thresholds", data.get("thresholds", {})).items():
        if key not in (*CLOCKS, "post_event_message"):
            raise RulesError(f"{name}: {prefix}thresholds.{key}: no such clock")
        shares[key] = _number(name, f"{prefix}thresholds.{key}", entry)
        if shares[key] > 1:
            raise RulesError(f"{name}: {prefix}thresholds.{key}: a share must be between 0 and 1")
    return targets, shares


def _table(name: str, where: str, value) -> dict:
    if not isinstance(value, dict):
        raise RulesError(f"{name}: {where}: must be a table")
    return value


def _number(name: str, where: str, entry) -> float:
    value = entry.get("value") if isinstance(entry, dict) else entry
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise RulesError(f"{name}: {where}: must be a number of zero or more")
    return value


def _build(targets: dict[str, float], shares: dict[str, float], unverified: set[str]) -> Targets:
    return Targets(
        call_answered=timedelta(seconds=targets["call_answered_seconds"]),
        transfer_999=timedelta(minutes=targets["transfer_999_minutes"]),
        assessment={p: timedelta(minutes=targets[f"assessment_minutes_{p}"]) for p in PRIORITIES},
        face_to_face={p: timedelta(minutes=targets[f"face_to_face_minutes_{p}"]) for p in PRIORITIES},
        post_event_message_hour=int(targets["post_event_message_hour"]),
        thresholds=dict(shares),
        unverified=tuple(sorted(unverified)),
    )


def _dispositions(name: str, data: dict) -> dict[str, Disposition]:
    found = {}
    for code, entry in data.get("codes", {}).items():
        if entry.get("priority") not in PRIORITIES:
            raise RulesError(f"{name}: codes.{code}.priority: must be one of {', '.join(PRIORITIES)}")
        found[code] = Disposition(code, str(entry.get("meaning", "")), entry["priority"], bool(entry.get("ambulance")))
    if not found:
        raise RulesError(f"{name}: codes: no disposition codes")
    return found
