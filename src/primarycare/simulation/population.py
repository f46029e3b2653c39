"""Who the model serves: registered patients by practice, commissioner and age band, from an economy or synthetic."""

import numpy as np
import polars as pl

from primarycare.economy.model import Economy
from primarycare.economy.vocabulary import AGE_BANDS, age_band_lower
from primarycare.simulation.travel import synthetic_positions

PALLIATIVE_GROUP = "PC"  # the QOF palliative care register


def population_from_economy(economy: Economy) -> pl.DataFrame:
    """practice_code, commissioner_code, age_band, patients (both sexes), ooh_opted_out (unknown counts as opted
    out, as about 90% of practices did in 2004), network_code (null: in no network), female (of the patients), and
    palliative_register (the practice's QOF palliative care register, where the economy holds QOF)."""
    owners = pl.DataFrame(
        [(p.code, p.commissioner_code, p.ooh_opted_out is not False, p.network_code) for p in economy.practices],
        schema={
            "practice_code": pl.String,
            "commissioner_code": pl.String,
            "ooh_opted_out": pl.Boolean,
            "network_code": pl.String,
        },
        orient="row",
    )
    female = pl.col("patients").filter(pl.col("sex") == "FEMALE").sum()
    lists = economy.lists.group_by("practice_code", "age_band").agg(pl.col("patients").sum(), female.alias("female"))
    population = lists.join(owners, on="practice_code").select(
        "practice_code", "commissioner_code", "age_band", "patients", "ooh_opted_out", "network_code", "female"
    )
    prevalence = economy.prevalence
    if prevalence.is_empty() or "group_code" not in prevalence.columns:
        return population
    registers = prevalence.filter(pl.col("group_code") == PALLIATIVE_GROUP).select(
        "practice_code", pl.col("register").cast(pl.Float64).alias("palliative_register")
    )
    return population.join(registers, on="practice_code", how="left")


def synthetic_population(practices: int, seed: int = 1) -> pl.DataFrame:
    """A synthetic England (or part) straight from the generator, without writing files; each practice in a
    deprivation fifth drawn evenly and at a position in its commissioner's disc (streams of their own, so the rest of
    the economy is as before), a palliative care register at the generator's national prevalence and care-home
    residents (synthetic_care_homes)."""
    from primarycare.ingest.synth.parameters import load_parameters
    from primarycare.ingest.synth.structure import make_lists, make_practices

    params = load_parameters()
    structure_rng, lists_rng, _, _ = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4))
    frame = make_practices(practices, params, structure_rng)
    by_sex = make_lists(frame, params, lists_rng)  # practice x sex (male, female) x band
    counts = by_sex.sum(axis=1)
    bands = params.age_sex["bands"]
    population = pl.DataFrame(
        {
            "practice_code": np.repeat(frame["code"].to_numpy(), len(bands)),
            "commissioner_code": np.repeat(frame["commissioner_code"].to_numpy(), len(bands)),
            "age_band": np.tile(bands, frame.height),
            "patients": counts.reshape(-1).astype(np.int64),
            "ooh_opted_out": np.repeat(frame["ooh_opted_out"].to_numpy() == "Y", len(bands)),
            "network_code": np.repeat(frame["network_code"].to_numpy(), len(bands)),
            "female": by_sex[:, 1, :].reshape(-1).astype(np.int64),
            "deprivation_fifth": np.repeat(np.random.default_rng([seed, 5]).integers(1, 6, frame.height), len(bands)),
        }
    ).with_columns(pl.col("deprivation_fifth").cast(pl.Int8))
    prevalence = {group[0]: group[3] for group in params.qof["groups"]}[PALLIATIVE_GROUP] / 100
    registers = pl.DataFrame(
        {"practice_code": frame["code"], "palliative_register": np.round(counts.sum(axis=1) * prevalence)}
    )
    population = population.join(registers, on="practice_code", how="left", maintain_order="left")
    oldest = [i for i, band in enumerate(bands) if age_band_lower(band) >= 85]
    homes = synthetic_care_homes(counts[:, oldest].sum(axis=1), params.structure, np.random.default_rng([seed, 6]))
    population = population.join(
        pl.DataFrame({"practice_code": frame["code"], "care_home_residents": homes}), on="practice_code", how="left"
    )
    positions = synthetic_positions(population, seed, params.structure["patients_per_km2"])
    return population.join(positions, on="practice_code", how="left", maintain_order="left")


def synthetic_care_homes(oldest: np.ndarray, structure: dict, rng: np.random.Generator) -> np.ndarray:
    """Care-home residents per practice: a Poisson number of homes of ``care_home_beds`` residents, at the rate per
    patient aged 85+ that gives England's residents (``care_home_residents_per_85_plus``)."""
    rate = structure["care_home_residents_per_85_plus"] / structure["care_home_beds"]
    return (rng.poisson(oldest * rate) * structure["care_home_beds"]).astype(np.float64)


def per_practice(population: pl.DataFrame, codes: list[str], column: str) -> list:
    """Per practice in ``codes``: its value of ``column`` (the first of its rows), None where the population has no
    such column or no such practice."""
    if column not in population.columns:
        return [None] * len(codes)
    found = population.group_by("practice_code").agg(pl.col(column).first())
    value = dict(zip(found["practice_code"], found[column], strict=True))
    return [value.get(code) for code in codes]


def with_practice_columns(population: pl.DataFrame, given: pl.DataFrame) -> pl.DataFrame:
    """The population with ``given``'s columns per practice (practice_code and others), replacing any it had;
    practices not in ``given`` get nulls."""
    others = [c for c in given.columns if c != "practice_code"]
    return population.drop(others, strict=False).join(given, on="practice_code", how="left", maintain_order="left")


def keeps_ooh(population: pl.DataFrame, codes: list[str]) -> np.ndarray:
    """Per practice in ``codes``: whether it kept out-of-hours responsibility (not opted out)."""
    if "ooh_opted_out" not in population.columns:
        return np.zeros(len(codes), dtype=bool)
    flags = population.group_by("practice_code").agg(pl.col("ooh_opted_out").all())
    opted = dict(zip(flags["practice_code"], flags["ooh_opted_out"], strict=True))
    return np.array([not opted[code] for code in codes], dtype=bool)


def network_index(population: pl.DataFrame, codes: list[str]) -> np.ndarray:
    """Per practice in ``codes``: its network as an index from 0; a practice in no network is a network alone."""
    names = [
        n or f"alone:{code}" for code, n in zip(codes, per_practice(population, codes, "network_code"), strict=True)
    ]
    index = {name: i for i, name in enumerate(dict.fromkeys(names))}
    return np.array([index[name] for name in names], dtype=np.int64)


def female_share(population: pl.DataFrame) -> np.ndarray:
    """Per practice (band_matrix's order) and age band: the share of its patients who are female (a half where the
    population does not say or the band is empty)."""
    _, patients = band_matrix(population)
    if "female" not in population.columns:
        return np.full(patients.shape, 0.5)
    _, female = band_matrix(population, "female")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(patients > 0, female / patients, 0.5)


def band_matrix(population: pl.DataFrame, column: str = "patients") -> tuple[list[str], np.ndarray]:
    """(practice codes, practices x AGE_BANDS matrix of patients, or of another count such as female)."""
    wide = population.pivot(on="age_band", index="practice_code", values=column, aggregate_function="sum")
    for band in AGE_BANDS:
        if band not in wide.columns:
            wide = wide.with_columns(pl.lit(0).alias(band))
    wide = wide.sort("practice_code").fill_null(0)
    return wide["practice_code"].to_list(), wide.select(AGE_BANDS).to_numpy().astype(np.float64)


def practice_counts(population: pl.DataFrame, codes: list[str], column: str) -> np.ndarray | None:
    """Per practice in ``codes``: its count in ``column`` (a palliative care register, care-home residents; 0 where not
    given), or None when the population has no such column (the model then does without, or estimates it)."""
    if column not in population.columns:
        return None
    return np.array([r or 0.0 for r in per_practice(population, codes, column)], dtype=np.float64)


def practice_positions(population: pl.DataFrame, codes: list[str]) -> np.ndarray | None:
    """Per practice in ``codes``: (easting, northing) in metres, or None when the population has no positions or
    lacks one of these practices'."""
    where = list(zip(*(per_practice(population, codes, axis) for axis in ("easting", "northing")), strict=True))
    if any(east is None or north is None for east, north in where):
        return None
    return np.array(where, dtype=np.float64)
