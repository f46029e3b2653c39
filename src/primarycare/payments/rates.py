"""Enhanced service rates by year, from a data file with provenance; a user's file overrides them."""

from dataclasses import dataclass
from pathlib import Path

from primarycare.economy.vocabulary import parse_year
from primarycare.payments.errors import PaymentsError
from primarycare.payments.parameters import SERVICES_FILE, Parameter, parameter, read_toml, table

BASES = ("per_patient", "per_weighted_patient", "per_item")


@dataclass(frozen=True)
class ServiceRate:
    code: str
    name: str
    basis: str
    rate: Parameter


def service_rates(year: str, override: Path | None = None) -> dict[str, ServiceRate]:
    """Every service with a rate in force in ``year``."""
    data, label = read_toml(SERVICES_FILE, override)
    sources = data.get("sources", {})
    start = parse_year(year)
    found = {}
    for code, service in data.get("services", {}).items():
        service = table(service, f"{label}: services.{code}")
        if service.get("basis") not in BASES:
            raise PaymentsError(f"{label}: services.{code}.basis must be one of {', '.join(BASES)}")
        rates = service.get("rates", [])
        if not isinstance(rates, list):
            raise PaymentsError(f"{label}: services.{code}.rates must be a list of tables")
        for index, rate in enumerate(rates):
            where = f"{label}: services.{code}.rates[{index}]"
            rate = table(rate, where)
            if _year_of(rate, "first", where) <= start <= _year_of(rate, "last", where):
                found[code] = ServiceRate(
                    code, service.get("name", code), service["basis"], parameter(rate, sources, where)
                )
    return found


def _year_of(rate: dict, key: str, where: str) -> int:
    """The calendar year the rate's first (or last) financial year starts in."""
    value = rate.get(key)
    try:
        return parse_year(value if isinstance(value, str) else "")
    except ValueError:
        raise PaymentsError(f"{where}.{key}: must be a year like 2023-24, not {value!r}") from None
