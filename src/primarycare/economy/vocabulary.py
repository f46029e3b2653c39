"""The fixed words of the published files and of our own contract file."""

import re

AGE_BANDS: tuple[str, ...] = tuple(f"{lo}_{lo + 4}" for lo in range(0, 95, 5)) + ("95+",)
SEXES: tuple[str, ...] = ("MALE", "FEMALE")
CONTRACT_TYPES: tuple[str, ...] = ("GMS", "PMS", "APMS")
CO_COMMISSIONING_LEVELS: tuple[str, ...] = ("GREATER_INVOLVEMENT", "JOINT", "DELEGATED")
QOF_MEASURES: tuple[str, ...] = (
    "REGISTER",
    "NUMERATOR",
    "DENOMINATOR",
    "PCAS",
    "EXCEPTIONS",
    "ACHIEVED_POINTS",
    "NEWLY_DIAGNOSED",
)
ERAS: tuple[str, ...] = ("ccg", "icb")

_ODS_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def is_practice_code(code: str) -> bool:
    """An ODS GP practice code: one capital letter and five digits, e.g. K81001."""
    return bool(_ODS_PRACTICE.match(code))


def age_band_lower(band: str) -> int:
    """The youngest age in a five-year band ('95+' -> 95)."""
    return int(band.rstrip("+").split("_")[0])


def parse_year(year: str) -> int:
    """'2023-24' -> 2023, the calendar year the financial year starts in."""
    match = _YEAR.match(year)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"financial year must look like 2023-24, got {year!r}")
    return int(match.group(1))


def year_suffix(year: str) -> str:
    """'2023-24' -> '2324', the suffix of QOF file names."""
    start = parse_year(year)
    return f"{start % 100:02d}{(start + 1) % 100:02d}"


def year_from_suffix(suffix: str) -> str:
    """'2324' -> '2023-24'."""
    start = 2000 + int(suffix[:2])
    return f"{start}-{(start + 1) % 100:02d}"


def previous_year(year: str) -> str:
    """'2023-24' -> '2022-23'."""
    start = parse_year(year) - 1
    return f"{start}-{(start + 1) % 100:02d}"
