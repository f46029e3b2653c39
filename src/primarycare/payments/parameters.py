"""National parameters per year, read from a data file where every value carries its source and a verified flag.
A user's own file (same layout) overrides any value; unverified values in use are listed for a warning."""

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from primarycare.payments.errors import PaymentsError

NATIONAL_FILE = "national.toml"
SERVICES_FILE = "enhanced_services.toml"
YEAR_FIELDS = (
    "qof_price_per_point",
    "qof_national_average_list",
    "global_sum_per_weighted_patient",
    "ooh_deduction_share",
    "qof_aspiration_share",
)


@dataclass(frozen=True)
class Parameter:
    value: float
    source: str
    verified: bool


@dataclass(frozen=True)
class YearParameters:
    year: str
    qof_price_per_point: Parameter
    qof_national_average_list: Parameter
    global_sum_per_weighted_patient: Parameter
    ooh_deduction_share: Parameter
    qof_aspiration_share: Parameter
    workload: dict[tuple[str, str], float]  # (sex, age band) -> weight
    workload_source: Parameter

    def unverified(self) -> list[str]:
        names = [name for name in YEAR_FIELDS if not getattr(self, name).verified]
        return names + ([] if self.workload_source.verified else ["age/sex workload weights"])


def read_toml(name: str, override: Path | None = None) -> tuple[dict, str]:
    """The packaged data file, with a user's file merged over it (two levels deep)."""
    data = _parse(resources.files("primarycare.payments").joinpath("data", name).read_text(encoding="utf-8"), name)
    label = name
    if override is not None:
        extra = _parse(Path(override).read_text(encoding="utf-8"), Path(override).name)
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                for inner, inner_value in value.items():
                    if isinstance(inner_value, dict) and isinstance(data[key].get(inner), dict):
                        data[key][inner] = {**data[key][inner], **inner_value}
                    else:
                        data[key][inner] = inner_value
            else:
                data[key] = value
        label = f"{name} overridden by {Path(override).name}"
    return data, label


def _parse(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PaymentsError(f"{name}: {exc}") from None


def parameter(raw, sources: dict, where: str) -> Parameter:
    if not isinstance(raw, dict) or not {"value", "source", "verified"} <= set(raw):
        raise PaymentsError(f"{where}: needs value, source and verified")
    value = raw["value"]
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise PaymentsError(f"{where}.value: must be a number of zero or more, got {value!r}")
    return Parameter(float(value), sources.get(raw["source"], raw["source"]), bool(raw["verified"]))


def national_parameters(year: str, override: Path | None = None) -> YearParameters:
    data, label = read_toml(NATIONAL_FILE, override)
    sources = data.get("sources", {})
    years = data.get("years", {})
    if year not in years:
        known = ", ".join(sorted(years))
        raise PaymentsError(f"{label}: no national parameters for {year} (years with parameters: {known})")
    values = years[year]
    fields = {}
    for name in YEAR_FIELDS:
        if name not in values:
            raise PaymentsError(f"{label}: years.{year}.{name} is missing")
        fields[name] = parameter(values[name], sources, f"{label}: years.{year}.{name}")
    workload = data["workload"]
    weights = {}
    for sex in ("male", "female"):
        if len(workload[sex]) != len(workload["bands"]):
            raise PaymentsError(f"{label}: workload.{sex} needs one weight per band")
        for band, weight in zip(workload["bands"], workload[sex], strict=True):
            if weight < 0:
                raise PaymentsError(f"{label}: workload.{sex} has a negative weight for {band}")
            weights[(sex.upper(), band)] = float(weight)
    source = Parameter(1.0, sources.get(workload["source"], workload["source"]), bool(workload["verified"]))
    return YearParameters(year=year, workload=weights, workload_source=source, **fields)
