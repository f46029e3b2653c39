"""QOF income protection as data: which indicators a year protects, and on what basis."""

from dataclasses import dataclass
from pathlib import Path

from primarycare.payments.errors import PaymentsError
from primarycare.payments.parameters import read_toml, table

PROTECTION_FILE = "qof_protection.toml"
BASES = ("prior_year_points",)


@dataclass(frozen=True)
class Protection:
    """Indicators (by code, or every indicator of a domain) paid on ``basis``: prior_year_points fixes a
    practice's points at its achievement the year before (a practice new this year keeps its own points)."""

    year: str
    indicators: frozenset[str]
    domains: frozenset[str]
    basis: str
    source: str
    verified: bool

    def codes(self, indicators: dict[str, str]) -> set[str]:
        """The protected codes among ``indicators`` (code -> domain)."""
        return {code for code, domain in indicators.items() if code in self.indicators or domain in self.domains}


def protection_for(year: str, override: Path | None = None) -> Protection | None:
    data, label = read_toml(PROTECTION_FILE, override)
    entry = data.get("years", {}).get(year)
    if entry is None:
        return None
    where = f"{label}: years.{year}"
    entry = table(entry, where)
    if entry.get("basis") not in BASES:
        raise PaymentsError(f"{where}.basis must be one of {', '.join(BASES)}")
    for key in ("indicators", "domains"):
        if not isinstance(entry.get(key, []), list):
            raise PaymentsError(f"{where}.{key} must be a list of codes")
    sources = data.get("sources", {})
    return Protection(
        year,
        frozenset(entry.get("indicators", [])),
        frozenset(entry.get("domains", [])),
        entry["basis"],
        sources.get(entry.get("source", ""), entry.get("source", "")),
        bool(entry.get("verified", False)),
    )
