"""Home visits take travel from the provider's nearest base, so the provider's type acts through where its bases are,
not through a fixed minute figure: a remote provider has one base per ``remote_patients_per_base`` registered
patients of the commissioner, a local co-operative one per network (at the network's practices), and a practice
covering its own patients visits from the surgery.

A home visit's time is the consultation (``home_visit_consult_minutes``, exponential) plus the round trip: twice the
straight-line distance from the base to the patient's practice times ``road_factor``, plus ``catchment_km`` (how
far a patient lives from the practice on average), at ``travel_speed_kmh``. Practices' positions come from the
population (``easting``, ``northing`` in metres: a synthetic geography, or a loaded economy's ``--locations FILE``);
without them the old fixed times (``home_visit_minutes``, ``home_visit_minutes_local``) stand."""

import numpy as np
import polars as pl


def bases(positions: np.ndarray, list_size: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """One base per group, at its practices' list-weighted centre (rows: groups 0 .. max)."""
    count = int(groups.max()) + 1
    weight = np.bincount(groups, weights=list_size, minlength=count)
    weight = np.where(weight > 0, weight, 1.0)
    return np.stack(
        [np.bincount(groups, weights=positions[:, k] * list_size, minlength=count) / weight for k in (0, 1)], axis=1
    )


def remote_groups(positions: np.ndarray, list_size: np.ndarray, patients_per_base: float) -> np.ndarray:
    """The remote provider's bases: as many as the list needs, each serving a band of practices west to east."""
    count = max(1, round(float(list_size.sum()) / patients_per_base))
    order = np.argsort(positions[:, 0], kind="stable")
    share = np.cumsum(list_size[order]) / max(float(list_size.sum()), 1.0)
    groups = np.empty(len(order), np.int64)
    groups[order] = np.minimum((share * count).astype(np.int64), count - 1)
    return groups


def travel_hours(v: dict, positions: np.ndarray, list_size: np.ndarray, network: np.ndarray, provider: str):
    """Per practice: the round trip of a home visit to one of its patients from the provider's nearest base."""
    if provider == "remote":
        home_bases = bases(positions, list_size, remote_groups(positions, list_size, v["remote_patients_per_base"]))
    elif provider == "local_coop":
        home_bases = bases(positions, list_size, network)
    else:
        home_bases = positions
    gaps = positions[:, None, :] - home_bases[None, :, :]
    nearest_km = np.sqrt((gaps**2).sum(axis=2)).min(axis=1) / 1000
    one_way = nearest_km * v["road_factor"] + v["catchment_km"]
    return 2 * one_way / v["travel_speed_kmh"]


def synthetic_positions(population: pl.DataFrame, seed: int, patients_per_km2: float) -> pl.DataFrame:
    """practice_code, easting, northing: each commissioner a disc holding its patients at England's mean density,
    discs 200 km apart, its practices spread evenly over it (a stream of its own)."""
    rng = np.random.default_rng([seed, 6])
    lists = population.group_by("practice_code", "commissioner_code", maintain_order=True).agg(pl.col("patients").sum())
    rows = []
    for number, (_, part) in enumerate(lists.group_by("commissioner_code", maintain_order=True)):
        radius = np.sqrt(part["patients"].sum() / patients_per_km2 / np.pi) * 1000
        angle, reach = rng.uniform(0, 2 * np.pi, part.height), radius * np.sqrt(rng.uniform(0, 1, part.height))
        rows.append(
            pl.DataFrame(
                {
                    "practice_code": part["practice_code"],
                    "easting": number * 200_000 + reach * np.cos(angle),
                    "northing": reach * np.sin(angle),
                }
            )
        )
    return pl.concat(rows)
