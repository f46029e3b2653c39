"""Regions, ICBs, commissioners, networks and practices of a synthetic economy, and their registered lists."""

import numpy as np
import polars as pl

from primarycare.ingest.synth.parameters import SynthParameters

_PLACES = (
    "Abbey",
    "Ashfield",
    "Beacon",
    "Bridge",
    "Brook",
    "Castle",
    "Cedar",
    "Church",
    "Clifton",
    "Croft",
    "Dale",
    "Elm",
    "Fairfield",
    "Forest",
    "Grange",
    "Green",
    "Hall",
    "Harbour",
    "Heath",
    "Highfield",
    "Hill",
    "Holly",
    "Kings",
    "Lake",
    "Manor",
    "Market",
    "Meadow",
    "Mill",
    "Moor",
    "Oak",
    "Orchard",
    "Park",
    "Priory",
    "Queens",
    "River",
    "St Johns",
    "Station",
    "Valley",
    "Victoria",
    "West",
    "Willow",
    "Wood",
)
_KINDS = ("Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice")
_PRACTICE_LETTERS = "EHJKLMN"
_POST_AREAS = ("ZA", "ZB", "ZC", "ZD", "ZE", "ZF", "ZG")
_SUPPLIERS = ("EMIS", "TPP", "VISION")


def make_practices(n: int, params: SynthParameters, rng: np.random.Generator) -> pl.DataFrame:
    """One row per practice with its place in the commissioning structure and its contract."""
    if n < 1:
        raise ValueError("a synthetic economy needs at least one practice")
    s, c = params.structure, params.contracts
    n_comm = min(n, max(int(s["minimum_commissioners"]), round(n / s["practices_per_commissioner"])))
    n_icb = max(1, round(n_comm / s["commissioners_per_icb"]))
    regions = s["regions"][: min(len(s["regions"]), n_icb)]
    cuts = np.sort(rng.choice(np.arange(1, n), n_comm - 1, replace=False)) if n_comm > 1 else np.array([], int)
    commissioner = np.repeat(np.arange(n_comm), np.diff(np.concatenate([[0], cuts, [n]])))
    icb = commissioner % n_icb
    region = icb % len(regions)
    network = _networks(commissioner, int(s["network_size_min"]), int(s["network_size_max"]), rng)
    level_of_comm = rng.choice(len(c["co_commissioning_levels"]), n_comm, p=c["co_commissioning_shares"])
    counters = {letter: 0 for letter in _PRACTICE_LETTERS}
    codes = []
    for r in region:
        letter = _PRACTICE_LETTERS[r]
        counters[letter] += 1
        codes.append(f"{letter}{81000 + counters[letter]:05d}")
    names = [
        f"{_PLACES[i]} {_KINDS[k]}"
        for i, k in zip(rng.integers(0, len(_PLACES), n), rng.integers(0, len(_KINDS), n), strict=True)
    ]
    digits = rng.integers(1, 99, n)
    tails = rng.integers(0, 26 * 26, n)
    postcodes = [
        f"{_POST_AREAS[r]}{d} {d % 9 + 1}{chr(65 + t // 26)}{chr(65 + t % 26)}"
        for r, d, t in zip(region, digits, tails, strict=True)
    ]
    list_size = np.maximum(
        int(params.list_size["minimum"]),
        np.round(rng.lognormal(params.list_size["log_mean"], params.list_size["log_sd"], n)),
    ).astype(np.int64)
    contract = rng.choice(c["contract_types"], n, p=c["contract_shares"])
    opted_out = np.where(rng.random(n) < c["ooh_opt_out_share"], "Y", "N")
    opened = rng.integers(1948, 2016, n)
    return pl.DataFrame(
        {
            "code": codes,
            "name": names,
            "postcode": postcodes,
            "region": region,
            "region_code": [f"Y{56 + r}" for r in region],
            "region_name": [regions[r] for r in region],
            "region_ons": [f"E400000{r + 3:02d}" for r in region],
            "icb_code": [f"Q{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in icb],
            "icb_name": [f"NHS {regions[region[k]]} Integrated Care Board {icb[k] + 1}" for k in range(n)],
            "icb_ons": [f"E54{i + 1:06d}" for i in icb],
            "commissioner_code": [f"{i // 26:02d}{chr(65 + i % 26)}" for i in commissioner],
            "commissioner_name": [f"NHS Synthetic {i + 1} Sub-ICB Location" for i in commissioner],
            "commissioner_ons": [f"E38{i + 1:06d}" for i in commissioner],
            "co_commissioning_level": [c["co_commissioning_levels"][level_of_comm[i]] for i in commissioner],
            "network_code": [f"U{10001 + i}" for i in network],
            "network_name": [f"Synthetic {i + 1} Primary Care Network" for i in network],
            "contract_type": contract,
            "ooh_opted_out": opted_out,
            "open_date": [f"{y}0401" for y in opened],
            "supplier": rng.choice(_SUPPLIERS, n, p=[0.55, 0.40, 0.05]),
            "list_size": list_size,
        }
    )


def _networks(commissioner: np.ndarray, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """Consecutive runs of low..high practices within each commissioner (a short tail joins the last run)."""
    network = np.empty(len(commissioner), dtype=np.int64)
    next_id = 0
    for comm in np.unique(commissioner):
        members = np.flatnonzero(commissioner == comm)
        start = 0
        while start < len(members):
            size = int(rng.integers(low, high + 1))
            if len(members) - start - size < low:
                size = len(members) - start
            network[members[start : start + size]] = next_id
            start += size
            next_id += 1
    return network


def make_lists(practices: pl.DataFrame, params: SynthParameters, rng: np.random.Generator) -> np.ndarray:
    """Registered patients as an array (practice, sex, band): a multinomial draw per practice."""
    a = params.age_sex
    base = np.concatenate([a["male"], a["female"]])
    lower = np.array([int(b.rstrip("+").split("_")[0]) for b in a["bands"]] * 2)
    n = practices.height
    tilt = rng.normal(0.0, a["age_tilt_sd"], n)
    weights = base[None, :] * np.exp(tilt[:, None] * (lower[None, :] - 40) / 40)
    students = rng.random(n) < a["student_practice_share"]
    young = np.isin(lower, (15, 20))
    weights[np.ix_(students, young)] *= a["student_weight"]
    weights /= weights.sum(axis=1, keepdims=True)
    counts = rng.multinomial(practices["list_size"].to_numpy(), weights)
    return counts.reshape(n, 2, len(a["bands"]))
