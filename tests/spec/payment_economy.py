"""Tiny economies built from a few numbers, for payment specs."""

from dataclasses import replace

import polars as pl

from primarycare.economy.model import Commissioner, Economy, Practice
from primarycare.payments.parameters import national_parameters


def one_practice(
    *,
    year: str,
    patients: int,
    register: int = 0,
    points: float | None = None,
    band: str = "30_34",
    opted_out: bool = False,
    services: list[tuple[str, int | None]] = (),
    code: str = "A81001",
    numerator: float | None = None,
    denominator: float | None = None,
) -> Economy:
    """One practice whose whole list is male in ``band``, with an AF register and AF points."""
    achievement = pl.DataFrame(
        [(code, "AF008", None, numerator, denominator, None, points, None)] if points is not None else [],
        schema={
            "practice_code": pl.String,
            "indicator_code": pl.String,
            "register": pl.Float64,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
            "pcas": pl.Float64,
            "achieved_points": pl.Float64,
            "newly_diagnosed": pl.Float64,
        },
        orient="row",
    )
    return Economy(
        year=year,
        era="icb",
        extract_date="01JAN2023",
        commissioners=(Commissioner("16C", "NHS Tees Valley"),),
        networks=(),
        practices=(Practice(code, "Spec Surgery", "TS1 1AA", "16C", ooh_opted_out=opted_out),),
        lists=pl.DataFrame({"practice_code": [code], "sex": ["MALE"], "age_band": [band], "patients": [patients]}),
        indicators=pl.DataFrame(
            {
                "indicator_code": ["AF008"],
                "description": ["AF"],
                "point_value": [29.0],
                "group_code": ["AF"],
                "group_description": ["AF"],
                "domain_code": ["CL"],
                "domain_description": ["Clinical"],
                "patient_list_type": ["TOTAL"],
            }
        ),
        achievement=achievement,
        prevalence=pl.DataFrame(
            {
                "practice_code": [code],
                "group_code": ["AF"],
                "patient_list_type": ["TOTAL"],
                "register": [register],
                "practice_list_size": [patients],
            }
        ),
        services=pl.DataFrame(
            [(code, s, items) for s, items in services],
            schema={"practice_code": pl.String, "service_code": pl.String, "items": pl.Int64},
            orient="row",
        ),
    )


def flat(year: str, override=None):
    """The year's parameters with England's mean weight set to the spec practice's own (male 30-34: 1.02), so its
    weighted list is its registered list and the tables read in whole patients."""
    params = national_parameters(year, override)
    return replace(params, england_mean_weight=replace(params.england_mean_weight, value=1.02))
