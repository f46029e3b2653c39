"""Gather a payment calculation's inputs from a folder of files or a database, with the user's overrides."""

from dataclasses import dataclass
from pathlib import Path

from primarycare.economy.model import Economy
from primarycare.economy.vocabulary import previous_year
from primarycare.payments.errors import PaymentsError
from primarycare.payments.files import read_indices, read_national_prevalence
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.parameters import national_parameters
from primarycare.payments.rates import service_rates


@dataclass(frozen=True)
class Overrides:
    """The user's own files: parameters, rates, per-practice indices, published national prevalence."""

    parameters: Path | None = None
    rates: Path | None = None
    indices: Path | None = None
    national_prevalence: Path | None = None


def inputs_for(economy: Economy, overrides: Overrides, prior: Economy | None = None) -> PaymentInputs:
    if not economy.achievement.is_empty() and economy.indicators.is_empty():
        raise PaymentsError("QOF achievement is loaded without its indicator mapping")
    prior_inputs = None
    if prior is not None:
        prior_inputs = PaymentInputs(
            prior,
            national_parameters(prior.year, overrides.parameters),
            service_rates(prior.year, overrides.rates),
        )
    return PaymentInputs(
        economy,
        national_parameters(economy.year, overrides.parameters),
        service_rates(economy.year, overrides.rates),
        indices=read_indices(overrides.indices) if overrides.indices else None,
        national_prevalence=read_national_prevalence(overrides.national_prevalence)
        if overrides.national_prevalence
        else None,
        prior=prior_inputs,
    )


def economies(
    *, data: Path | None, db: str | None, year: str | None, prior_data: Path | None = None
) -> tuple[Economy, Economy | None]:
    """The year's economy and, when it is loaded (or given), the year before's."""
    from primarycare.ingest.folder import read_folder
    from primarycare.store.engine import make_engine

    if (data is None) == (db is None):
        raise PaymentsError("give either --data DIR or --db URL")
    if data is not None:
        economy = read_folder(data, year)
        prior = read_folder(prior_data) if prior_data else None
        return economy, prior
    return stored_economies(make_engine(db), year)


def stored_economies(engine, year: str | None) -> tuple[Economy, Economy | None]:
    """From a database: the year (latest by default) and the year before, when it is loaded."""
    from primarycare.store.economy import NoEconomyLoaded, loaded_years, read_economy

    try:
        economy = read_economy(engine, year, with_qof=True)
    except NoEconomyLoaded as missing:
        raise PaymentsError(str(missing)) from None
    with engine.connect() as conn:
        before = previous_year(economy.year)
        prior = read_economy(engine, before, with_qof=True) if before in loaded_years(conn) else None
    return economy, prior
