"""What a commissioner asks first of an economy: how many of everything, and who is registered where."""

from collections import Counter
from dataclasses import dataclass

import polars as pl

from primarycare.economy.model import Economy
from primarycare.economy.vocabulary import AGE_BANDS, SEXES


@dataclass(frozen=True)
class EconomySummary:
    year: str
    era: str
    commissioners: int
    networks: int
    practices: int
    registered_patients: int
    patients_by_sex: dict[str, int]
    patients_by_age_band: dict[str, int]
    contract_mix: dict[str, int]
    ooh_opted_out: int
    co_commissioning_levels: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "era": self.era,
            "commissioners": self.commissioners,
            "networks": self.networks,
            "practices": self.practices,
            "registered_patients": self.registered_patients,
            "patients_by_sex": self.patients_by_sex,
            "patients_by_age_band": self.patients_by_age_band,
            "contract_mix": self.contract_mix,
            "ooh_opted_out": self.ooh_opted_out,
            "co_commissioning_levels": self.co_commissioning_levels,
        }


def summarise(economy: Economy) -> EconomySummary:
    lists = economy.lists
    by_sex = _totals(lists, "sex", SEXES)
    by_band = _totals(lists, "age_band", AGE_BANDS)
    contracts = Counter(p.contract_type or "UNKNOWN" for p in economy.practices)
    levels = Counter(c.co_commissioning_level or "UNKNOWN" for c in economy.commissioners)
    return EconomySummary(
        year=economy.year,
        era=economy.era,
        commissioners=len(economy.commissioners),
        networks=len(economy.networks),
        practices=len(economy.practices),
        registered_patients=sum(by_sex.values()),
        patients_by_sex=by_sex,
        patients_by_age_band=by_band,
        contract_mix=dict(sorted(contracts.items())),
        ooh_opted_out=sum(1 for p in economy.practices if p.ooh_opted_out),
        co_commissioning_levels=dict(sorted(levels.items())),
    )


def _totals(lists: pl.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, int]:
    if lists.is_empty():
        return dict.fromkeys(order, 0)
    sums = dict(lists.group_by(column).agg(pl.col("patients").sum()).iter_rows())
    return {key: int(sums.get(key, 0)) for key in order}
