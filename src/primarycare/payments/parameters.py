"""National parameters per year, read from a data file where every value carries its source and a verified flag.
A user's own file (same layout) overrides any value; unverified values in use are listed for a warning."""

import copy
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
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
    """A value with its provenance; ``effective_from`` and ``announced`` are None for a value fixed for the year."""

    value: float
    source: str
    verified: bool
    effective_from: date | None = None
    announced: date | None = None


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
    england_mean_weight: Parameter = Parameter(1.0, "unset", False)
    dated: dict[str, tuple[Parameter, ...]] = field(default_factory=dict)  # a field's dated values, by `from`

    def unverified(self) -> list[str]:
        names = [
            name for name in YEAR_FIELDS if not all(p.verified for p in self.dated.get(name, (getattr(self, name),)))
        ]
        names += [] if self.workload_source.verified else ["age/sex workload weights"]
        return names + ([] if self.england_mean_weight.verified else ["England's mean workload weight"])

    def values_of(self, name: str) -> tuple[Parameter, ...]:
        """A field's dated values (one, from 1 April, when the year has a single value)."""
        if name in self.dated:
            return self.dated[name]
        only = getattr(self, name)
        start = date(int(self.year[:4]), 4, 1)
        return (Parameter(only.value, only.source, only.verified, start, start),)


def read_toml(name: str, override: Path | None = None) -> tuple[dict, str]:
    """The packaged data file, with a user's file merged over it (two levels deep)."""
    data = copy.deepcopy(_packaged(name))  # the merge below writes into it
    label = name
    if override is not None:
        own = Path(override).name
        try:
            extra = _parse(Path(override).read_text(encoding="utf-8"), own)
        except UnicodeDecodeError as exc:
            raise PaymentsError(f"{own}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        for key, value in extra.items():
            _same_shape(data.get(key), value, f"{own}: {key}", name)
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                for inner, inner_value in value.items():
                    _same_shape(data[key].get(inner), inner_value, f"{own}: {key}.{inner}", name)
                    if isinstance(inner_value, dict) and isinstance(data[key].get(inner), dict):
                        data[key][inner] = {**data[key][inner], **inner_value}
                    else:
                        data[key][inner] = inner_value
            else:
                data[key] = value
        label = f"{name} overridden by {Path(override).name}"
    return data, label


def _same_shape(packaged, given, where: str, name: str) -> None:
    """A user's value where the packaged file has a table or a list must be one too."""
    for kind, what in ((dict, "a table"), (list, "a list")):
        if isinstance(packaged, kind) and not isinstance(given, kind):
            raise PaymentsError(f"{where}: must be {what}, as in {name}, not {given!r}")


def table(value, where: str) -> dict:
    """``value`` when it is a TOML table, else a PaymentsError naming where."""
    if not isinstance(value, dict):
        raise PaymentsError(f"{where}: must be a table, not {value!r}")
    return value


@cache
def _packaged(name: str) -> dict:
    """A data file shipped with the package, parsed once per process (it cannot change while the process runs)."""
    return _parse(resources.files("primarycare.payments").joinpath("data", name).read_text(encoding="utf-8"), name)


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
    values = table(years[year], f"{label}: years.{year}")
    fields, dated = {}, {}
    for name in YEAR_FIELDS:
        if name not in values:
            raise PaymentsError(f"{label}: years.{year}.{name} is missing")
        where = f"{label}: years.{year}.{name}"
        if isinstance(values[name], list):
            dated[name] = dated_values(values[name], sources, where, year)
            fields[name] = dated[name][-1]
        else:
            fields[name] = parameter(values[name], sources, where)
    workload = table(data.get("workload"), f"{label}: workload")
    for key in ("bands", "male", "female", "source", "verified"):
        if key not in workload:
            raise PaymentsError(f"{label}: workload.{key} is missing")
    weights = {}
    for sex in ("male", "female"):
        if len(workload[sex]) != len(workload["bands"]):
            raise PaymentsError(f"{label}: workload.{sex} needs one weight per band")
        for band, weight in zip(workload["bands"], workload[sex], strict=True):
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
                raise PaymentsError(f"{label}: workload.{sex} has {weight!r} for {band}, not a weight of zero or more")
            weights[(sex.upper(), band)] = float(weight)
    source = Parameter(1.0, sources.get(workload["source"], workload["source"]), bool(workload["verified"]))
    mean = values.get("england_mean_weight", workload.get("england_mean_weight"))
    if mean is None:
        raise PaymentsError(f"{label}: workload.england_mean_weight is missing (England's mean workload weight)")
    england = parameter(mean, sources, f"{label}: workload.england_mean_weight")
    if england.value <= 0:
        raise PaymentsError(f"{label}: workload.england_mean_weight must be more than zero")
    return YearParameters(
        year=year, workload=weights, workload_source=source, england_mean_weight=england, dated=dated, **fields
    )


def dated_values(raw: list, sources: dict, where: str, year: str) -> tuple[Parameter, ...]:
    """A list of dated values: each takes effect on `from` (default 1 April) and is known from `announced`.

    Ordered by when they take effect, then by when they were announced: the last is the year's final value."""
    start, end = date(int(year[:4]), 4, 1), date(int(year[:4]) + 1, 3, 31)
    found = []
    for index, item in enumerate(raw):
        here = f"{where}[{index}]"
        base = parameter(item, sources, here)
        effective = item.get("from", start)
        announced = item.get("announced", effective)
        for key, value in (("from", effective), ("announced", announced)):
            if not isinstance(value, date):
                raise PaymentsError(f"{here}.{key}: must be a date like {start.isoformat()}, got {value!r}")
        if not start <= effective <= end:
            raise PaymentsError(f"{here}.from: {effective} is outside {year} ({start} to {end})")
        found.append(Parameter(base.value, base.source, base.verified, effective, announced))
    if not found:
        raise PaymentsError(f"{where}: needs at least one value")
    found.sort(key=lambda p: (p.effective_from, p.announced))
    if found[0].effective_from != start:
        raise PaymentsError(f"{where}: the first value must take effect on {start} (1 April)")
    return tuple(found)
