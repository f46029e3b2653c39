"""Gather a payment calculation's inputs from a folder of files or a database, with the user's overrides."""

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

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
from primarycare.payments.months import month_start
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


PRIOR_KINDS = ("parameters", "rates", "national_prevalence")  # what last year's QOF value (the aspiration) rests on


def inputs_for(
    economy: Economy, overrides: Overrides, prior: Economy | None = None, prior_overrides: Overrides | None = None
) -> PaymentInputs:
    """prior_overrides: the year before's own files (PRIOR_KINDS), each in place of ``overrides``' for that year."""
    if not economy.achievement.is_empty() and economy.indicators.is_empty():
        raise PaymentsError("QOF achievement is loaded without its indicator mapping")
    prior_inputs = None
    if prior is not None:
        own = prior_overrides or Overrides()
        prior_inputs = PaymentInputs(
            prior,
            national_parameters(prior.year, own.parameters or overrides.parameters),
            service_rates(prior.year, own.rates or overrides.rates),
            national_prevalence=read_national_prevalence(own.national_prevalence) if own.national_prevalence else None,
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
    notes += _prevalence_notes(inputs, "", "--national-prevalence")
    if inputs.prior is not None:
        notes += _prevalence_notes(inputs.prior, f"{inputs.prior.params.year}'s ", "--prior-national-prevalence")
    protection = inputs.protection
    if protection is not None:
        if not protection.indicators and not protection.domains:
            notes.append(
                f"no list of income-protected QOF indicators is held for {protection.year}: give --protection, "
                "or keep a file on the payments inputs page"
            )
        elif inputs.prior is None:
            notes.append(
                f"QOF income protection in {protection.year} needs {previous_year(protection.year)}'s achievement: "
                "protected indicators are paid on this year's points"
            )
        elif not protection.verified:
            notes.append(f"unverified list of income-protected QOF indicators used for {protection.year}")
    if inputs.weighted_lists is not None:
        notes += _weighted_list_notes(inputs.weighted_lists, economy)
    return notes


def _prevalence_notes(inputs: PaymentInputs, label: str, option: str) -> list[str]:
    """What the year's national prevalence rests on (label: whose year, when not the year worked out): England's
    figures given, with any register they lack or name in vain, or the loaded practices' own."""
    prevalence = inputs.economy.prevalence
    if prevalence.is_empty():
        return []
    if inputs.national_prevalence is None:
        counted = prevalence["practice_code"].n_unique()
        return [
            f"{label}national prevalence worked out from the {counted} practices loaded, not England's: give "
            f"England's figures ({option}, or keep a file for {inputs.params.year} on the payments inputs page)"
        ]
    registers, given = set(prevalence["group_code"]), set(inputs.national_prevalence)
    missing, unknown = sorted(registers - given), sorted(given - registers)
    figures = f"{label or 'the '}national prevalence given"
    notes = []
    if missing:
        notes.append(
            f"{figures} has no figure for {', '.join(missing)}: "
            "their indicators are paid without the prevalence adjustment (APDF 1)"
        )
    if unknown:
        notes.append(f"{figures} names {', '.join(unknown)}, not a register loaded: not used")
    return notes


def _weighted_list_notes(published, economy) -> list[str]:
    """Rows the year cannot use (practices not loaded, quarters of other years), and the practices whose quarters
    are estimated for want of a published list."""
    year = economy.year
    quarters = sorted({month_start(year, month) for month in (1, 4, 7, 10)})
    loaded = {p.code for p in economy.practices}
    notes = []
    strangers = published.filter(~pl.col("practice_code").is_in(sorted(loaded)))["practice_code"].n_unique()
    if strangers:
        notes.append(f"{strangers} practices in the weighted lists are not loaded: their rows are not used")
    outside = published.filter(~pl.col("quarter_start").is_in(quarters)).height
    if outside:
        notes.append(f"{outside} weighted-list rows are for quarters outside {year}: not used")
    covered = published.filter(pl.col("quarter_start").is_in(quarters)).group_by("practice_code").len()
    full = {code for code, count in covered.iter_rows() if count == len(quarters)}
    partly = set(covered["practice_code"]) - full
    none = loaded - full - partly
    if none:
        notes.append(f"{len(none)} practices have no published weighted list for {year}: their lists are estimated")
    if partly & loaded:
        notes.append(
            f"{len(partly & loaded)} practices have published weighted lists for some quarters of {year} only: "
            "the other quarters are estimated"
        )
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


def database_inputs(
    engine,
    year: str | None,
    overrides: Overrides | None = None,
    replacing: dict | None = None,
    prior_overrides: Overrides | None = None,
) -> tuple[PaymentInputs, list[str]]:
    """From a database: the year's inputs (latest year by default), each file the user does not give taken from
    the payments inputs kept for the year (store/payment_inputs.py), the year before's own parameters, rates and
    national prevalence for its QOF value (the aspiration; prior_overrides: the user's own, over the kept ones),
    and a note naming each kept file used.
    replacing: kind -> (file name, content) in place of a kept file (to try a new one before keeping it)."""
    economy, prior = stored_economies(engine, year)
    return kept_inputs(engine, economy, prior, overrides, replacing, prior_overrides)


def kept_inputs(
    engine,
    economy: Economy,
    prior: Economy | None,
    overrides: Overrides | None = None,
    replacing: dict | None = None,
    prior_overrides: Overrides | None = None,
) -> tuple[PaymentInputs, list[str]]:
    """database_inputs for economies already read from the database."""
    from primarycare.store.payment_inputs import KINDS, input_files, stored_inputs

    overrides, prior_overrides = overrides or Overrides(), prior_overrides or Overrides()
    before = prior.year if prior is not None else None
    with input_files(engine, economy.year, replacing) as files, input_files(engine, before) as last_years:
        kept = {kind: path for kind, path in files.items() if getattr(overrides, kind) is None}
        last = {  # for the aspiration
            kind: path
            for kind, path in last_years.items()
            if kind in PRIOR_KINDS and getattr(prior_overrides, kind) is None
        }
        inputs = inputs_for(economy, replace(overrides, **kept), prior, replace(prior_overrides, **last))
    used = [item for item in stored_inputs(engine, economy.year) if item.kind in kept]
    used += [item for item in stored_inputs(engine, before) if item.kind in last] if before else []
    notes = [
        f"{KINDS[item.kind].split(':')[0]} from the file kept for {item.year}"
        f"{'' if item.year == economy.year else ' (for its QOF value, the aspiration)'}: {item.file_name} "
        f"(kept on {item.uploaded_at:%d %b %Y})"
        for item in used
        if item.year != economy.year or item.kind not in (replacing or {})
    ]
    return inputs, notes


def try_input(engine, year: str, kind: str, name: str, content: bytes) -> None:
    """Work out the year's national contract with ``content`` as its kept file of this kind: raises IngestError or
    PaymentsError, naming the file, when the file does not read or does not fit the year (so it is never kept)."""
    from primarycare.payments.national import Contract

    inputs, _ = database_inputs(engine, year, replacing={kind: (name, content)})
    Contract(inputs).cash_plan()


def prior_lines(engine, year: str) -> pl.DataFrame | None:
    """From a database: the year before ``year``'s national lines, worked out with its own year before when loaded
    (so that its QOF is split into aspiration and achievement); None when that year is not loaded."""
    from primarycare.payments.national import Contract
    from primarycare.store.economy import loaded_years

    before = previous_year(year)
    with engine.connect() as conn:
        if before not in loaded_years(conn):
            return None
    return Contract(database_inputs(engine, before)[0]).lines()
