"""The synthetic economy looks like England: list sizes, ages, opt-outs, commissioners, QOF."""

import polars as pl
import pytest

from primarycare.economy.summary import summarise
from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.ingest.synth.parameters import load_parameters


@pytest.fixture(scope="module")
def england_like(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    write_synthetic(folder, practices=1500, seed=11, year="2023-24")
    return folder, read_folder(folder)


def test_list_sizes_are_log_normal_as_published(england_like):
    _, economy = england_like
    sizes = economy.lists.group_by("practice_code").agg(pl.col("patients").sum())["patients"]
    assert 7_000 < sizes.median() < 8_800  # published median 7,866
    assert 8_000 < sizes.mean() < 10_000  # published mean 8,981
    assert 0.005 < (sizes < 2000).mean() < 0.05  # about 2-3% under 2,000


def test_ages_opt_outs_and_commissioners_are_realistic(england_like):
    _, economy = england_like
    summary = summarise(economy)
    old = sum(v for k, v in summary.patients_by_age_band.items() if int(k.rstrip("+").split("_")[0]) >= 65)
    assert 0.14 < old / summary.registered_patients < 0.21  # 65+ about 17.5%
    assert 0.86 < summary.ooh_opted_out / summary.practices < 0.94  # about 90% opted out
    assert summary.commissioners >= 20 and len(summary.co_commissioning_levels) == 3
    assert set(summary.contract_mix) == {"GMS", "PMS", "APMS"}


def test_qof_prevalence_and_achievement_are_near_national(england_like):
    _, economy = england_like
    prevalence = economy.prevalence.group_by("group_code").agg(
        (pl.col("register").sum() / pl.col("practice_list_size").sum() * 100).alias("pct")
    )
    pct = dict(prevalence.iter_rows())
    assert 11 < pct["HYP"] < 17 and 1.5 < pct["AF"] < 2.8 and 0.3 < pct["PC"] < 0.7
    points = economy.achievement.group_by("practice_code").agg(pl.col("achieved_points").sum())["achieved_points"]
    available = economy.indicators["point_value"].sum()
    assert 0.85 < points.mean() / available < 0.99  # about 94.7% in 2014/15


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    for name, seed in (("a", 4), ("b", 4), ("c", 5)):
        write_synthetic(tmp_path / name, practices=30, seed=seed, year="2023-24")
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert a == {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a != {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()}


def test_eras_write_their_own_headers(tmp_path):
    write_synthetic(tmp_path / "ccg", practices=5, seed=1, year="2019-20", era="ccg")
    write_synthetic(tmp_path / "icb", practices=5, seed=1, year="2023-24", era="icb")
    ccg = (tmp_path / "ccg" / "gp-reg-pat-prac-map.csv").read_text().splitlines()[0]
    icb = (tmp_path / "icb" / "gp-reg-pat-prac-map.csv").read_text().splitlines()[0]
    assert "CCG_CODE" in ccg and "SUB_ICB" not in ccg
    assert "SUB_ICB_LOCATION_CODE" in icb and "CCG" not in icb
    assert (tmp_path / "ccg" / "ACHIEVEMENT_1920.csv").exists()
    assert "INDICATOR_GROUP_CODE" in (tmp_path / "ccg" / "MAPPING_INDICATORS_1920.csv").read_text()
    assert len((tmp_path / "icb" / "epraccur.csv").read_text().splitlines()[0].split(",")) == 27


def test_parameters_carry_provenance_and_flag_unverified_sections(tmp_path):
    params = load_parameters()
    assert "list_size" not in params.unverified() and "qof" in params.unverified()
    broken = tmp_path / "mine.toml"
    broken.write_text("[list_size]\nlog_mean = 8.9\n")
    with pytest.raises(Exception, match="mine.toml"):
        load_parameters(broken)
