"""Write a synthetic economy in the published formats: the same file names, headers and codes as the real files."""

from pathlib import Path

import numpy as np
import polars as pl

from primarycare.economy.vocabulary import parse_year, year_suffix
from primarycare.ingest import formats as f
from primarycare.ingest.synth.parameters import SynthParameters, load_parameters
from primarycare.ingest.synth.qof import SynthQof, make_qof
from primarycare.ingest.synth.services import make_services
from primarycare.ingest.synth.structure import make_lists, make_practices


def write_synthetic(
    out: Path,
    *,
    practices: int,
    seed: int,
    year: str,
    era: str = "icb",
    params: SynthParameters | None = None,
    vary_by_year: bool = False,
) -> list[Path]:
    """Generate and write; the same arguments always give the same bytes. Returns the files written. With
    vary_by_year, the same practices and lists are generated for every year, but QOF achievement and enhanced
    services are drawn afresh for each year (a series of years for measures and their changes)."""
    params = params or load_parameters()
    start = parse_year(year)
    seeds = np.random.SeedSequence(seed).spawn(4)
    if vary_by_year:
        seeds[2:] = np.random.SeedSequence([seed, start]).spawn(2)
    structure_rng, lists_rng, qof_rng, services_rng = (np.random.default_rng(s) for s in seeds)
    frame = make_practices(practices, params, structure_rng)
    lists = make_lists(frame, params, lists_rng)
    qof = make_qof(frame, lists, params, qof_rng)
    extract = f"01JAN{start}"
    suffix = year_suffix(year)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        f.LISTS_FILE: _lists_table(frame, lists, params.age_sex["bands"], extract),
        f.MAP_FILE: _map_table(frame, extract, era),
        f.CONTRACTS_FILE: _contracts_table(frame),
        f.SERVICES_FILE: make_services(frame, lists, qof, year, params, services_rng),
        f"{f.ACHIEVEMENT_PREFIX}{suffix}.csv": qof.achievement,
        f"{f.PREVALENCE_PREFIX}{suffix}.csv": _upper(qof.prevalence),
        f"{f.MAPPING_PREFIX}{suffix}.csv": _mapping_table(qof, era),
    }
    written = []
    for name, table in tables.items():
        if table.is_empty():  # e.g. no practice took part in any service: no file, as the published data would do
            continue
        table = _upper(table) if name.startswith(f.ACHIEVEMENT_PREFIX) else table
        table.write_csv(out / name, float_precision=None)
        written.append(out / name)
    _ods_table(frame).write_csv(out / f.ODS_FILE, include_header=False)
    written.append(out / f.ODS_FILE)
    return written


def _upper(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: c.upper() for c in frame.columns})


def _lists_table(frame: pl.DataFrame, lists: np.ndarray, bands: list[str], extract: str) -> pl.DataFrame:
    n, n_bands = frame.height, len(bands)
    by_sex = {"MALE": lists[:, 0, :], "FEMALE": lists[:, 1, :]}
    by_sex = {"ALL": lists.sum(axis=1), **by_sex}
    block_sex, block_band, block_value = [], [], []
    for sex, counts in by_sex.items():
        block_sex.append(np.full((n, n_bands + 1), sex))
        block_band.append(np.tile([*bands, "ALL"], (n, 1)))
        block_value.append(np.concatenate([counts, counts.sum(axis=1, keepdims=True)], axis=1))
    per_practice = 3 * (n_bands + 1)
    table = pl.DataFrame(
        {
            "PUBLICATION": "GP_PRAC_PAT_LIST",
            "EXTRACT_DATE": extract,
            "ORG_TYPE": "GP",
            "ORG_CODE": np.repeat(frame["code"].to_numpy(), per_practice),
            "ONS_CODE": np.repeat(frame["commissioner_ons"].to_numpy(), per_practice),
            "POSTCODE": np.repeat(frame["postcode"].to_numpy(), per_practice),
            "SEX": np.stack(block_sex, axis=1).reshape(-1),
            "AGE_GROUP_5": np.stack(block_band, axis=1).reshape(-1),
            "NUMBER_OF_PATIENTS": np.stack(block_value, axis=1).reshape(-1).astype(np.int64),
        }
    )
    return table


def _map_table(frame: pl.DataFrame, extract: str, era: str) -> pl.DataFrame:
    commissioner, parent = ("SUB_ICB_LOCATION", "ICB") if era == "icb" else ("CCG", "STP")
    ons_commissioner = "ONS_SUB_ICB_LOCATION_CODE" if era == "icb" else "ONS_CCG_CODE"
    return frame.select(
        pl.lit("GP_PRAC_PAT_LIST").alias("PUBLICATION"),
        pl.lit(extract).alias("EXTRACT_DATE"),
        pl.col("code").alias("PRACTICE_CODE"),
        pl.col("name").str.to_uppercase().alias("PRACTICE_NAME"),
        pl.col("postcode").alias("PRACTICE_POSTCODE"),
        pl.col("network_code").alias("PCN_CODE"),
        pl.col("network_name").alias("PCN_NAME"),
        pl.col("commissioner_code").alias(f"{commissioner}_CODE"),
        pl.col("commissioner_name").alias(f"{commissioner}_NAME"),
        pl.col("commissioner_ons").alias(ons_commissioner),
        pl.col("icb_code").alias(f"{parent}_CODE"),
        pl.col("icb_name").alias(f"{parent}_NAME"),
        pl.col("icb_ons").alias(f"ONS_{parent}_CODE"),
        pl.col("region_code").alias("COMM_REGION_CODE"),
        pl.col("region_name").alias("COMM_REGION_NAME"),
        pl.col("region_ons").alias("ONS_COMM_REGION_CODE"),
        pl.col("supplier").alias("SUPPLIER_NAME"),
    )


def _contracts_table(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("code").alias("PRACTICE_CODE"),
        pl.col("contract_type").alias("CONTRACT_TYPE"),
        pl.col("ooh_opted_out").alias("OOH_OPTED_OUT"),
        pl.col("network_code").alias("NETWORK"),
        pl.col("commissioner_code").alias("COMMISSIONER"),
        pl.col("co_commissioning_level").alias("CO_COMMISSIONING_LEVEL"),
    )


def _mapping_table(qof: SynthQof, era: str) -> pl.DataFrame:
    group = "GROUP" if era == "icb" else "INDICATOR_GROUP"
    domains = {
        "CL": "Clinical",
        "PH": "Public health",
        "PHVI": "Public health - vaccination",
        "QI": "Quality improvement",
    }
    columns = [
        pl.col("indicator_code").alias("INDICATOR_CODE"),
        pl.col("description").alias("INDICATOR_DESCRIPTION"),
        pl.col("points").alias("INDICATOR_POINT_VALUE"),
        pl.col("group_code").alias(f"{group}_CODE"),
        pl.col("group_description").alias(f"{group}_DESCRIPTION"),
        pl.col("domain_code").alias("DOMAIN_CODE"),
        pl.col("domain_code").replace_strict(domains).alias("DOMAIN_DESCRIPTION"),
    ]
    if era == "icb":
        columns += [
            pl.col("domain_code").alias("SUB_DOMAIN_CODE"),
            pl.col("group_description").alias("SUB_DOMAIN_DESCRIPTION"),
        ]
    columns.append(pl.col("list_type").alias("PATIENT_LIST_TYPE"))
    return qof.indicators.select(columns)


def _ods_table(frame: pl.DataFrame) -> pl.DataFrame:
    blank = pl.lit("")
    columns = {
        1: pl.col("code"),
        2: pl.col("name").str.to_uppercase(),
        3: pl.col("region_code"),
        4: pl.col("icb_code"),
        5: pl.col("name").str.to_uppercase(),
        6: pl.lit("HIGH STREET"),
        7: pl.lit("SYNTHETIC TOWN"),
        8: blank,
        9: blank,
        10: pl.col("postcode"),
        11: pl.col("open_date"),
        12: blank,
        13: pl.lit("A"),
        14: pl.lit("B"),
        15: pl.col("commissioner_code"),
        16: pl.col("open_date"),
        17: blank,
        18: pl.lit("01632 960000"),
        22: pl.lit("0"),
        24: pl.col("commissioner_code"),
        26: pl.lit("4"),
    }
    return frame.select(*(columns.get(i, blank).alias(f"c{i}") for i in range(1, 28)))
