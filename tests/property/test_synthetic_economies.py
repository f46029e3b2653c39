"""Property: any synthetic economy loads, and its summary totals equal the sums of its files (read with csv)."""

import csv
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from primarycare.economy.summary import summarise
from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.store.economy import read_economy
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy


def file_totals(folder: Path) -> dict:
    """The slow, obvious reference: count straight from the CSV text."""
    with (folder / "gp-reg-pat-prac-quin-age.csv").open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["SEX"] != "ALL" and r["AGE_GROUP_5"] != "ALL"]
    with (folder / "gp-reg-pat-prac-map.csv").open() as handle:
        mapping = list(csv.DictReader(handle))
    with (folder / "practice-contracts.csv").open() as handle:
        contracts = list(csv.DictReader(handle))
    by_sex = Counter()
    for row in rows:
        by_sex[row["SEX"]] += int(row["NUMBER_OF_PATIENTS"])
    commissioner = "SUB_ICB_LOCATION_CODE" if "SUB_ICB_LOCATION_CODE" in mapping[0] else "CCG_CODE"
    return {
        "practices": len(mapping),
        "registered_patients": sum(by_sex.values()),
        "patients_by_sex": {"MALE": by_sex["MALE"], "FEMALE": by_sex["FEMALE"]},
        "commissioners": len({r[commissioner] for r in mapping}),
        "networks": len({r["PCN_CODE"] for r in mapping if r["PCN_CODE"]}),
        "ooh_opted_out": sum(r["OOH_OPTED_OUT"] == "Y" for r in contracts),
        "contract_mix": dict(sorted(Counter(r["CONTRACT_TYPE"] for r in contracts).items())),
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    practices=st.integers(min_value=1, max_value=60),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    era=st.sampled_from(["icb", "ccg"]),
    start=st.integers(min_value=2013, max_value=2025),
)
def test_any_synthetic_economy_loads_and_adds_up(practices, seed, era, start):
    year = f"{start}-{(start + 1) % 100:02d}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        write_synthetic(folder, practices=practices, seed=seed, year=year, era=era)
        engine = make_engine(f"sqlite:///{Path(tmp) / 'db.sqlite'}")
        save_economy(engine, read_folder(folder))
        summary = summarise(read_economy(engine)).as_dict()
        engine.dispose()
        expected = file_totals(folder)
    assert {key: summary[key] for key in expected} == expected
    assert summary["year"] == year and summary["era"] == era
    assert sum(summary["patients_by_age_band"].values()) == summary["registered_patients"]


@settings(max_examples=25, deadline=None)
@given(practices=st.integers(min_value=1, max_value=400), seed=st.integers(min_value=0, max_value=10**6))
def test_networks_hold_three_to_eight_practices_within_one_commissioner(practices, seed):
    with tempfile.TemporaryDirectory() as tmp:
        write_synthetic(Path(tmp), practices=practices, seed=seed, year="2023-24")
        with (Path(tmp) / "practice-contracts.csv").open() as handle:
            contracts = list(csv.DictReader(handle))
    members: dict[str, list[str]] = {}
    for row in contracts:
        members.setdefault(row["NETWORK"], []).append(row["COMMISSIONER"])
    for commissioners in members.values():
        assert len(set(commissioners)) == 1
    sizes = sorted(len(c) for c in members.values())
    by_commissioner = Counter(r["COMMISSIONER"] for r in contracts)
    if min(by_commissioner.values()) >= 3:
        assert sizes[0] >= 3
    assert sizes[-1] <= 8 + 2  # a short tail of fewer than three joins the last network
