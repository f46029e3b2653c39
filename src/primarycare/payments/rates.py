"""Enhanced service rates by year, from a data file with provenance; a user's file overrides them."""

from dataclasses import dataclass
from pathlib import Path

from primarycare.economy.vocabulary import parse_year
from primarycare.payments.errors import PaymentsError
from primarycare.payments.parameters import SERVICES_FILE, Parameter, parameter, read_toml

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
        if service.get("basis") not in BASES:
            raise PaymentsError(f"{label}: services.{code}.basis must be one of {', '.join(BASES)}")
        for index, rate in enumerate(service.get("rates", [])):
            where = f"{label}: services.{code}.rates[{index}]"
            if parse_year(rate["first"]) <= start <= parse_year(rate["last"]):
                found[code] = ServiceRate(
                    code, service.get("name", code), service["basis"], parameter(rate, sources, where)
                )
    return found
