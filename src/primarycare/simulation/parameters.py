"""The model's parameters: calibrated defaults from a data file (with sources), and scenarios that override them."""

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from primarycare.economy.vocabulary import parse_year
from primarycare.simulation.prices import index_levels
from primarycare.yamlfile import read_yaml

PROVIDERS = ("remote", "local_coop", "practices")
CHOICES = {"ooh_provider": PROVIDERS, "rota_planning": ("fixed", "plan_to_demand")}
SHARES_THAT_ADD_UP = {
    "failed access routes": (
        "failed_access_waits",
        "failed_access_calls_111",
        "failed_access_goes_to_ae",
        "failed_access_tries_again",
    ),
    "111 dispositions": (
        "disposition_ambulance",
        "disposition_ae",
        "disposition_primary_care",
        "disposition_other",
        "disposition_none",
    ),
    "OOH outcomes": ("ooh_telephone_share", "ooh_base_share", "ooh_home_share"),
}
PROBABILITIES = (
    "same_day_share",
    "straight_to_ae_share",
    "practice_ae_referral",
    "ambulance_conveyed_share",
    "urgent_share",
    "ooh_ae_referral",
    "ooh_ae_referral_with_notes",
    "palliative_share",
    "palliative_ae_referral",
    "palliative_ae_referral_with_notes",
    "care_home_share_england",
    "care_home_ae_referral",
    "care_home_ae_referral_with_notes",
    "telephone_share",
    "telephone_follow_up_share",
    "published_telephone_share",
    "published_home_visit_share",
)


class ScenarioError(ValueError):
    """A scenario that cannot run; the message names the file and the field."""


@dataclass(frozen=True)
class Defaults:
    values: dict[str, Any]
    sources: dict[str, tuple[str, bool]]  # name -> (source text, verified)
    age_rates: dict[str, float]
    ooh_weekday: tuple[float, ...]
    ooh_weekend: tuple[float, ...]
    ae_hour: tuple[float, ...]
    ae_monday: float
    ae_age_rates: dict[str, float]
    same_day_hours: tuple[float, ...]  # same-day requests by hour from 08:00 (the last for 18:00-18:30)
    ranges: dict[str, tuple[float, float]]  # assumptions' own ranges to vary them over
    price_years: dict[str, str]  # each cost parameter's price year
    price_index: dict[str, float]  # the NHS Cost Inflation Index's level by financial year (prices.py)
    practice_week: tuple[float, ...] = (1.0,) * 5  # practices' appointments Monday to Friday, relative weights
    levers: tuple[str, ...] = ()  # scenario levers: unverified, but a policy to choose, not a fact to doubt
    default_range: float = 0.25  # ± this share of the value for an assumption with no range of its own

    def assumptions(self) -> dict[str, tuple[float, float]]:
        """Every numeric parameter not verified from a published source (levers aside), with its range."""
        found = {}
        for name, value in self.values.items():
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if not numeric or self.sources[name][1] or name in self.levers:
                continue
            low, high = self.ranges.get(name, (value * (1 - self.default_range), value * (1 + self.default_range)))
            if name in PROBABILITIES or any(name in group for group in SHARES_THAT_ADD_UP.values()):
                low, high = max(low, 0.0), min(high, 1.0)
            if high > low:
                found[name] = (float(low), float(high))
        return found


def load_defaults() -> Defaults:
    text = resources.files("primarycare.simulation").joinpath("data", "parameters.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    sources = data["sources"]
    values = {name: entry["value"] for name, entry in data["values"].items()}
    provenance = {
        name: (sources.get(e["source"], e["source"]), bool(e["verified"])) for name, e in data["values"].items()
    }
    ages = data["age_rates"]
    index = data["price_index"]["years"]
    for name, entry in data["values"].items():
        if "price_year" in entry and entry["price_year"] not in index:
            raise ValueError(f"parameters.toml: {name}: price year {entry['price_year']} is not in [price_index]")
    return Defaults(
        values=values,
        sources=provenance,
        age_rates=dict(zip(ages["bands"], ages["rate"], strict=True)),
        ooh_weekday=tuple(data["ooh_profile"]["weekday"]),
        ooh_weekend=tuple(data["ooh_profile"]["weekend"]),
        ae_hour=tuple(data["ae_profile"]["hour"]),
        ae_monday=float(data["ae_profile"]["monday"]),
        ae_age_rates=dict(zip(data["ae_age_rates"]["bands"], data["ae_age_rates"]["rate"], strict=True)),
        same_day_hours=tuple(data["same_day_hours"]["weight"]),
        ranges={name: tuple(e["range"]) for name, e in data["values"].items() if "range" in e},
        price_years={name: e["price_year"] for name, e in data["values"].items() if "price_year" in e},
        price_index=index_levels(data["price_index"]["years"], data["price_index"]["annual_change_percent"]),
        practice_week=tuple(float(w) for w in data["practice_week"]["weight"]),
        levers=tuple(data["sensitivity"]["levers"]),
        default_range=float(data["sensitivity"]["default_range"]),
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    year: str
    values: dict[str, Any]  # every parameter, defaults with the scenario's overrides
    overrides: dict[str, Any]
    # OOH demand by hour of day on working days and on other days (24 weights each), e.g. from a provider's own
    # cases (primarycare urgentcare calibrate); the defaults' profile when None.
    ooh_profile: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    # How practices spread their appointments over Monday to Friday (5 relative weights, e.g. more sessions on
    # Mondays); the defaults' week when None.
    practice_week: tuple[float, ...] | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def scenario_from(
    name: str,
    overrides: dict[str, Any] | None = None,
    *,
    year: str = "2023-24",
    description: str = "",
    label: str = "scenario",
    defaults: Defaults | None = None,
    ooh_profile: dict | None = None,
    practice_week: list | None = None,
) -> Scenario:
    defaults = defaults or load_defaults()
    overrides = dict(overrides or {})
    try:
        parse_year(year)
    except ValueError as bad:
        raise ScenarioError(f"{label}: year: {bad}") from None
    values = dict(defaults.values)
    choices = CHOICES | {"cost_price_year": tuple(defaults.price_index)}
    for key, value in overrides.items():
        if key not in values:
            raise ScenarioError(f"{label}: overrides.{key}: no such parameter")
        default = values[key]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ScenarioError(f"{label}: overrides.{key}: must be true or false")
        elif isinstance(default, str):
            if value not in choices[key]:
                raise ScenarioError(f"{label}: overrides.{key}: must be one of {', '.join(choices[key])}")
        elif not isinstance(value, int | float) or isinstance(value, bool):
            raise ScenarioError(f"{label}: overrides.{key}: must be a number")
        elif key.endswith("_change") and value <= -1:
            raise ScenarioError(f"{label}: overrides.{key}: a change must be above -1 (-100%)")
        elif not key.endswith("_change") and value < 0:
            raise ScenarioError(f"{label}: overrides.{key}: must be a number of zero or more")
        values[key] = value
    for key in PROBABILITIES:
        if not 0 <= values[key] <= 1:
            raise ScenarioError(f"{label}: overrides.{key}: a share must be between 0 and 1")
    for what, keys in SHARES_THAT_ADD_UP.items():
        if abs(sum(values[k] for k in keys) - 1) > 1e-6:
            raise ScenarioError(f"{label}: the {what} ({', '.join(keys)}) must add up to 1")
    profile = _ooh_profile(ooh_profile, label) if ooh_profile is not None else None
    week = _practice_week(practice_week, label) if practice_week is not None else None
    return Scenario(name, description, year, values, overrides, profile, week)


def _practice_week(week, label: str) -> tuple[float, ...]:
    if not isinstance(week, list | tuple) or len(week) != 5:
        raise ScenarioError(f"{label}: practice_week: 5 weights, Monday to Friday")
    if any(not isinstance(w, int | float) or isinstance(w, bool) or w < 0 for w in week) or not any(week):
        raise ScenarioError(f"{label}: practice_week: weights are numbers of zero or more, not all zero")
    return tuple(float(w) for w in week)


def _ooh_profile(profile, label: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    if not isinstance(profile, dict) or set(profile) != {"weekday", "weekend"}:
        raise ScenarioError(f"{label}: ooh_profile: a mapping with weekday and weekend, 24 weights each")
    found = []
    for key in ("weekday", "weekend"):
        weights = profile[key]
        if not isinstance(weights, list) or len(weights) != 24:
            raise ScenarioError(f"{label}: ooh_profile.{key}: 24 weights, one per hour of the day")
        if any(not isinstance(w, int | float) or isinstance(w, bool) or w < 0 for w in weights):
            raise ScenarioError(f"{label}: ooh_profile.{key}: weights are numbers of zero or more")
        found.append(tuple(float(w) for w in weights))
    if not any(found[0][18:] + found[0][:8]) and not any(found[1]):
        raise ScenarioError(f"{label}: ooh_profile: no demand in any out-of-hours hour")
    return found[0], found[1]


def load_scenario(path: Path, defaults: Defaults | None = None) -> Scenario:
    path = Path(path)
    data = read_yaml(path, ScenarioError, "scenario") or {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path.name}: a scenario is a mapping with name, description and overrides")
    unknown = set(data) - {"name", "description", "source", "year", "overrides", "ooh_profile", "practice_week"}
    if unknown:
        raise ScenarioError(f"{path.name}: {sorted(unknown)[0]}: not a scenario field")
    if not isinstance(data.get("name"), str):
        raise ScenarioError(f"{path.name}: name: required")
    overrides = data.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise ScenarioError(f"{path.name}: overrides: must be a mapping of parameter: value")
    return scenario_from(
        data["name"],
        overrides,
        year=str(data.get("year", "2023-24")),
        description=data.get("description", ""),
        label=path.name,
        defaults=defaults,
        ooh_profile=data.get("ooh_profile"),
        practice_week=data.get("practice_week"),
    )


def varied(scenario: Scenario, values: dict[str, Any], label: str, description: str | None = None) -> Scenario:
    """The scenario with some parameters set (checked as any override). A share in a group that must add up to 1 is
    set with the rest of its group rescaled in proportion (or the whole group, when all of it is set)."""
    overrides = {**scenario.overrides, **values}
    for group in SHARES_THAT_ADD_UP.values():
        changed = [k for k in group if k in values]
        if not changed:
            continue
        others = [k for k in group if k not in values]
        fixed, rest = sum(values[k] for k in changed), sum(scenario.values[k] for k in others)
        if others and fixed < 1 and rest > 0:  # the rest of the group shares what is left, in proportion
            overrides |= {k: scenario.values[k] * (1 - fixed) / rest for k in others}
        else:  # the whole group set (or nothing left): every share in proportion
            total = fixed + rest
            overrides |= {k: overrides.get(k, scenario.values[k]) / total for k in group}
    profile = None
    if scenario.ooh_profile is not None:
        profile = {"weekday": list(scenario.ooh_profile[0]), "weekend": list(scenario.ooh_profile[1])}
    description = scenario.description if description is None else description
    week = None if scenario.practice_week is None else list(scenario.practice_week)
    return scenario_from(
        label, overrides, year=scenario.year, description=description, ooh_profile=profile, practice_week=week
    )
