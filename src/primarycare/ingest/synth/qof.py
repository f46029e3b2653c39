"""QOF registers and achievement for a synthetic economy, at national prevalence with regional and practice spread."""

from dataclasses import dataclass

import numpy as np
import polars as pl

from primarycare.ingest.synth.parameters import SynthParameters


@dataclass(frozen=True)
class SynthQof:
    indicators: (
        pl.DataFrame
    )  # indicator_code, description, points, group_code, group_description, domain_code, list_type
    prevalence: pl.DataFrame  # practice_code, group_code, register, patient_list_type, practice_list_size
    achievement: pl.DataFrame  # practice_code, indicator_code, measure, value (long, as published)


def populations(lists: np.ndarray, bands: list[str]) -> dict[str, np.ndarray]:
    """Each patient list type's population per practice, from five-year bands (single years shared evenly)."""
    lower = np.array([int(b.rstrip("+").split("_")[0]) for b in bands])
    both = lists.sum(axis=1).astype(float)

    def aged(at_least: int) -> np.ndarray:
        band = both[:, lower == at_least - at_least % 5].sum(axis=1)
        return both[:, lower >= at_least - at_least % 5].sum(axis=1) - band * (at_least % 5) / 5

    female = lists[:, 1, :].astype(float)
    result = {f"{age:02d}OV": aged(age) for age in (6, 15, 16, 17, 18, 45, 50)}
    result["TOTAL"] = both.sum(axis=1)
    result["F25_64"] = female[:, (lower >= 25) & (lower < 65)].sum(axis=1)
    result["00_04"] = both[:, lower == 0].sum(axis=1)
    result["NONE"] = np.zeros(len(both))
    return {name: np.round(values).astype(np.int64) for name, values in result.items()}


def make_qof(practices: pl.DataFrame, lists: np.ndarray, params: SynthParameters, rng: np.random.Generator) -> SynthQof:
    q = params.qof
    pops = populations(lists, params.age_sex["bands"])
    codes = practices["code"].to_numpy()
    region = practices["region"].to_numpy()
    lower = np.array([int(b.rstrip("+").split("_")[0]) for b in params.age_sex["bands"]])
    old_share = lists[:, :, lower >= 65].sum(axis=(1, 2)) / np.maximum(1, lists.sum(axis=(1, 2)))
    national_old = lists[:, :, lower >= 65].sum() / max(1, lists.sum())
    age_ratio = np.maximum(old_share, 0.005) / national_old
    region_effect = rng.normal(0.0, q["region_sd"], int(region.max()) + 1)

    registers, bases, prevalence_rows, groups = {}, {}, [], {}
    for code, description, domain, national, list_type, elasticity in q["groups"]:
        groups[code] = (description, domain, list_type)
        noise = rng.lognormal(0.0, q["practice_sd"], len(codes))
        p = national / 100 * np.exp(region_effect[region] + rng.normal(0, 0.04)) * noise * age_ratio**elasticity
        registers[code] = rng.binomial(pops[list_type], np.clip(p, 0.0, 0.9))
        bases[code] = registers[code]
        prevalence_rows.append(
            pl.DataFrame(
                {
                    "practice_code": codes,
                    "group_code": code,
                    "register": registers[code],
                    "patient_list_type": list_type,
                    "practice_list_size": pops[list_type],
                }
            )
        )
    for code, description, domain, list_type in q["other_groups"]:
        groups[code] = (description, domain, list_type)
        bases[code] = pops[list_type]

    quality = rng.normal(0.0, 1.0, len(codes))
    achievement_rows, indicator_rows = [], []
    for code, group, points, low, high, share in q["indicators"]:
        description, domain, list_type = groups[group]
        indicator_rows.append(
            (code, f"{description}: indicator {code}", float(points), group, description, domain, list_type)
        )
        measures = _indicator(rng, q, quality, bases[group], registers, group, points, low, high, share)
        for measure, values in measures.items():
            achievement_rows.append(
                pl.DataFrame(
                    {
                        "practice_code": codes,
                        "indicator_code": code,
                        "measure": measure,
                        "value": np.asarray(values, dtype=np.float64),
                    }
                )
            )
    indicators = pl.DataFrame(
        indicator_rows,
        orient="row",
        schema=[
            "indicator_code",
            "description",
            "points",
            "group_code",
            "group_description",
            "domain_code",
            "list_type",
        ],
    )
    achievement = pl.concat(achievement_rows).sort("practice_code", "indicator_code", "measure", maintain_order=True)
    prevalence = pl.concat(prevalence_rows).sort("practice_code", "group_code", maintain_order=True)
    return SynthQof(indicators, prevalence, achievement)


def _indicator(rng, q, quality, base, registers, group, points, low, high, share) -> dict[str, np.ndarray]:
    n = len(quality)
    if group == "QI":
        return {"ACHIEVED_POINTS": np.where(rng.random(n) < 0.95, float(points), 0.0)}
    if share == 0:
        register = registers[group]
        return {"ACHIEVED_POINTS": np.where(register > 0, float(points), 0.0), "REGISTER": register}
    eligible = rng.binomial(base, share)
    pcas = rng.binomial(eligible, q["pca_rate"])
    denominator = eligible - pcas
    rate = np.clip(high / 100 + 0.05 + q["achievement_sd"] * (0.7 * quality + 0.7 * rng.normal(0, 1, n)), 0, 1)
    numerator = rng.binomial(denominator, rate)
    achieved = np.divide(numerator, denominator, out=np.zeros(n), where=denominator > 0)
    fraction = np.clip((achieved * 100 - low) / (high - low), 0.0, 1.0)
    earned = np.where(denominator > 0, np.round(points * fraction, 2), 0.0)
    return {"ACHIEVED_POINTS": earned, "DENOMINATOR": denominator, "NUMERATOR": numerator, "PCAS": pcas}
