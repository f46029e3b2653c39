"""The model's parameters: calibrated defaults from a data file (with sources), and scenarios that override them."""

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from primarycare.economy.vocabulary import parse_year
from primarycare.yamlfile import read_yaml

PROVIDERS = ("remote", "local_coop", "practices")
SHARES_THAT_ADD_UP = {
    "failed access routes": ("failed_access_waits", "failed_access_calls_111", "failed_access_goes_to_ae"),
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
    "ambulance_conveyed_share",
    "urgent_share",
    "ooh_ae_referral",
    "ooh_ae_referral_with_notes",
    "palliative_share",
    "palliative_ae_referral",
    "palliative_ae_referral_with_notes",
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


def load_defaults() -> Defaults:
    text = resources.files("primarycare.simulation").joinpath("data", "parameters.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    sources = data["sources"]
    values = {name: entry["value"] for name, entry in data["values"].items()}
    provenance = {
        name: (sources.get(e["source"], e["source"]), bool(e["verified"])) for name, e in data["values"].items()
    }
    ages = data["age_rates"]
    return Defaults(
        values=values,
        sources=provenance,
        age_rates=dict(zip(ages["bands"], ages["rate"], strict=True)),
        ooh_weekday=tuple(data["ooh_profile"]["weekday"]),
        ooh_weekend=tuple(data["ooh_profile"]["weekend"]),
        ae_hour=tuple(data["ae_profile"]["hour"]),
        ae_monday=float(data["ae_profile"]["monday"]),
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    year: str
    values: dict[str, Any]  # every parameter, defaults with the scenario's overrides
    overrides: dict[str, Any]

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
) -> Scenario:
    defaults = defaults or load_defaults()
    overrides = dict(overrides or {})
    try:
        parse_year(year)
    except ValueError as bad:
        raise ScenarioError(f"{label}: year: {bad}") from None
    values = dict(defaults.values)
    for key, value in overrides.items():
        if key not in values:
            raise ScenarioError(f"{label}: overrides.{key}: no such parameter")
        default = values[key]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ScenarioError(f"{label}: overrides.{key}: must be true or false")
        elif isinstance(default, str):
            if value not in PROVIDERS:
                raise ScenarioError(f"{label}: overrides.{key}: must be one of {', '.join(PROVIDERS)}")
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
    return Scenario(name=name, description=description, year=year, values=values, overrides=overrides)


def load_scenario(path: Path, defaults: Defaults | None = None) -> Scenario:
    path = Path(path)
    data = read_yaml(path, ScenarioError, "scenario") or {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path.name}: a scenario is a mapping with name, description and overrides")
    unknown = set(data) - {"name", "description", "source", "year", "overrides"}
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
    )
