"""A measure is a reviewed data file (TOML or YAML): what it counts, why it matters, where the figures come from,
its numerator and denominator (quantities primarycare derives from the data it holds), whether low or high is good,
and the years it applies to. A folder of them is checked field by field, naming the file and the field."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from primarycare.economy.vocabulary import parse_year
from primarycare.measures.quantities import QUANTITIES
from primarycare.yamlfile import read_yaml

SUFFIXES = (".toml", ".yaml", ".yml")
MONEY = ("gbp", "qof_points")  # how a gap in the numerator converts to money at stake
REQUIRED = ("name", "description", "why_it_matters", "source", "numerator", "denominator", "low_is_good", "years")
OPTIONAL = ("scale", "unit", "filter", "money", "verified", "attention")


class MeasureError(ValueError):
    """A measure file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    description: str
    why_it_matters: str
    source: str
    numerator: str
    denominator: str
    low_is_good: bool
    years: tuple[str, ...] | None  # None: every loaded year
    scale: float = 100.0
    unit: str = "%"
    filter: dict = field(default_factory=dict)
    money: str | None = None
    verified: bool = True
    attention: bool = True  # False: context for the reader (need, not performance), never flagged

    def applies_to(self, year: str) -> bool:
        return self.years is None or year in self.years


def load_measure(path: Path) -> Measure:
    path = Path(path)
    raw = _read(path)
    if not isinstance(raw, dict):
        raise MeasureError(f"{path.name}: a measure is a table of fields ({', '.join(REQUIRED)})")

    def bad(name: str, message: str) -> MeasureError:
        return MeasureError(f"{path.name}: field '{name}': {message}")

    missing = [name for name in REQUIRED if name not in raw]
    if missing:
        raise bad(missing[0], "missing (a measure needs " + ", ".join(REQUIRED) + ")")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise bad(unknown[0], "unknown field (fields: " + ", ".join(REQUIRED + OPTIONAL) + ")")
    for name in ("name", "description", "why_it_matters", "source", "unit"):
        if name in raw and (not isinstance(raw[name], str) or not raw[name].strip()):
            raise bad(name, "must be non-empty text")
    filters = raw.get("filter", {})
    if not isinstance(filters, dict):
        raise bad("filter", 'must be a table such as { domain = "CL" }')
    for name in ("numerator", "denominator"):
        quantity = raw[name]
        if not isinstance(quantity, str) or quantity not in QUANTITIES:
            raise bad(name, f"unknown quantity {quantity!r}; quantities: {', '.join(QUANTITIES)}")
        extra = set(filters) - QUANTITIES[quantity].filters
        if extra and name == "numerator":
            raise bad("filter", f"{quantity} cannot be filtered by {sorted(extra)[0]}")
    for name in ("low_is_good", "verified", "attention"):
        if name in raw and not isinstance(raw[name], bool):
            raise bad(name, "must be true or false")
    scale = raw.get("scale", 100)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        raise bad("scale", f"must be a positive number, got {scale!r}")
    money = raw.get("money")
    if money is not None and money not in MONEY:
        raise bad("money", f"must be one of {', '.join(MONEY)}")
    return Measure(
        id=path.stem,
        name=raw["name"].strip(),
        description=raw["description"].strip(),
        why_it_matters=raw["why_it_matters"].strip(),
        source=raw["source"].strip(),
        numerator=raw["numerator"],
        denominator=raw["denominator"],
        low_is_good=raw["low_is_good"],
        years=_years(raw["years"], bad),
        scale=float(scale),
        unit=raw.get("unit", "%"),
        filter={str(k): str(v) for k, v in filters.items()},
        money=money,
        verified=raw.get("verified", True),
        attention=raw.get("attention", True),
    )


def _years(value, bad) -> tuple[str, ...] | None:
    if value == "all":
        return None
    if not isinstance(value, list) or not value:
        raise bad("years", 'must be "all" or a list of financial years such as ["2022-23", "2023-24"]')
    for year in value:
        try:
            parse_year(str(year))
        except ValueError as error:
            raise bad("years", str(error)) from None
    return tuple(str(y) for y in value)


def _read(path: Path):
    if path.suffix not in SUFFIXES:
        raise MeasureError(f"{path.name}: a measure file ends in .toml, .yaml or .yml")
    if path.suffix == ".toml":
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise MeasureError(f"{path.name}: not valid TOML: {error}") from None
    return read_yaml(path, MeasureError, "measure")


def builtin_folder() -> Path:
    from importlib import resources

    return Path(str(resources.files("primarycare.measures") / "data" / "measures"))


def load_measures(folder: Path | None = None) -> tuple[Measure, ...]:
    """The built-in measures, with a commissioner's folder added (a file of the same name replaces a built-in)."""
    found = {path.stem: path for path in _files(builtin_folder())}
    if folder is not None:
        found.update({path.stem: path for path in _files(Path(folder))})
    return tuple(load_measure(path) for _, path in sorted(found.items()))


def check_folder(folder: Path) -> tuple[list[Measure], list[str]]:
    """Every measure file in the folder: (the good ones, one message per bad one)."""
    good, problems = [], []
    for path in _files(Path(folder)):
        try:
            good.append(load_measure(path))
        except MeasureError as error:
            problems.append(str(error))
    return good, problems


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise MeasureError(f"{folder}: no such folder of measures")
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))
