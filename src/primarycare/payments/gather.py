"""Gather a payment calculation's inputs from a folder of files or a database, with the user's overrides."""

from dataclasses import dataclass
from pathlib import Path

from primarycare.economy.model import Economy
from primarycare.economy.vocabulary import previous_year
from primarycare.payments.errors import PaymentsError
from primarycare.payments.files import (
    read_indices,
    read_local_contracts,
    read_national_prevalence,
    read_weighted_lists,
)
from primarycare.payments.inputs import PaymentInputs
from primarycare.payments.parameters import national_parameters
from primarycare.payments.protection import protection_for
from primarycare.payments.rates import service_rates


@dataclass(frozen=True)
class Overrides:
    """The user's own files: parameters, rates, per-practice indices, published national prevalence, the
    practices' quarterly weighted lists, local PMS/APMS contracts, and QOF income protection."""

    parameters: Path | None = None
    rates: Path | None = None
    indices: Path | None = None
    national_prevalence: Path | None = None
    weighted_lists: Path | None = None
    local_contracts: Path | None = None
    protection: Path | None = None


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
        weighted_lists=read_weighted_lists(overrides.weighted_lists) if overrides.weighted_lists else None,
        local_contracts=_local_contracts(economy, overrides.local_contracts),
        protection=protection_for(economy.year, overrides.protection),
    )


def _local_contracts(economy: Economy, path: Path | None):
    """The local contracts file, each row checked against the economy (practice known, contract type agreeing)."""
    if path is None:
        return None
    contracts = read_local_contracts(path)
    practices = {p.code: p for p in economy.practices}
    for line, code, kind in contracts.select("_line", "practice_code", "contract_type").iter_rows():
        if code not in practices:
            raise PaymentsError(f"{Path(path).name}:{line}:1: practice {code} is not in the {economy.year} economy")
        known = practices[code].contract_type
        if known is not None and known != kind:
            raise PaymentsError(f"{Path(path).name}:{line}:2: {code} is {known} in the practice contracts, not {kind}")
    return contracts.drop("_line")


def warnings_for(inputs: PaymentInputs) -> list[str]:
    """What a reader of the figures must know: unverified values, estimates, and national figures that are not."""
    notes = []
    for label, params in (("", inputs.params), ("prior year ", inputs.prior.params if inputs.prior else None)):
        if params and params.unverified():
            notes.append(f"unverified {label}parameters used for {params.year}: {', '.join(params.unverified())}")
    notes += [
        f"unverified rate used for {rate.code} in {inputs.params.year}"
        for rate in inputs.rates.values()
        if not rate.rate.verified
    ]
    economy = inputs.economy
    if inputs.national_prevalence is None and not economy.prevalence.is_empty():
        counted = economy.prevalence["practice_code"].n_unique()
        notes.append(
            f"national prevalence worked out from the {counted} practices loaded, not England's: "
            "give --national-prevalence for England's figures"
        )
    protection = inputs.protection
    if protection is not None:
        if not protection.indicators and not protection.domains:
            notes.append(f"no list of income-protected QOF indicators is held for {protection.year}: give --protection")
        elif inputs.prior is None:
            notes.append(
                f"QOF income protection in {protection.year} needs {previous_year(protection.year)}'s achievement: "
                "protected indicators are paid on this year's points"
            )
        elif not protection.verified:
            notes.append(f"unverified list of income-protected QOF indicators used for {protection.year}")
    if inputs.weighted_lists is not None:
        given = set(inputs.weighted_lists["practice_code"])
        estimated = [p.code for p in economy.practices if p.code not in given]
        if estimated:
            notes.append(f"{len(estimated)} practices have no published weighted list: their lists are estimated")
    return notes


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
