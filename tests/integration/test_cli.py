"""The command line end to end, in-process, against SQLite and PostgreSQL."""

import json

import pytest
from typer.testing import CliRunner

from primarycare.cli import app
from primarycare.store.engine import make_engine
from tests.integration.test_store import snapshot

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_synth_then_load_then_summary_for_both_eras(db_url, tmp_path):
    for era, year in (("ccg", "2020-21"), ("icb", "2023-24")):
        out = tmp_path / era
        assert run("synth", "--practices", 30, "--seed", 5, "--year", year, "--era", era, "--out", out).exit_code == 0
        result = run("load", out, "--db", db_url)
        assert result.exit_code == 0, result.output
        assert f"loaded {year}" in result.output
        summary = json.loads(run("economy", "summary", "--db", db_url, "--year", year, "--format", "json").output)
        assert summary["era"] == era and summary["practices"] == 30
        assert isinstance(summary["registered_patients"], int) and summary["registered_patients"] > 30 * 250
        assert sum(summary["patients_by_sex"].values()) == summary["registered_patients"]
        assert sum(summary["contract_mix"].values()) == 30
        assert summary["commissioners"] >= 1 and summary["networks"] >= 1
    table = run("economy", "summary", "--db", db_url)
    assert "registered patients" in table.output and "2023-24" in table.output


def test_bad_input_exits_2_and_changes_nothing(db_url, synth_copy, synth_ccg):
    assert run("load", synth_ccg, "--db", db_url).exit_code == 0
    before = snapshot(make_engine(db_url))
    prevalence = synth_copy / "PREVALENCE_2324.csv"
    lines = prevalence.read_text().splitlines()
    lines[10] = lines[10].replace(",TOTAL,", ",TOTAL,-") if ",TOTAL," in lines[10] else lines[10] + "x"
    prevalence.write_text("\n".join(lines) + "\n")
    result = runner.invoke(app, ["load", str(synth_copy), "--db", db_url])
    assert result.exit_code == 2
    assert "PREVALENCE_2324.csv:11:" in result.output
    assert snapshot(make_engine(db_url)) == before


def test_same_seed_same_bytes_from_the_command_line(tmp_path):
    for name in ("a", "b"):
        assert run("synth", "--practices", 12, "--seed", 9, "--out", tmp_path / name).exit_code == 0
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_users_and_tokens(sqlite_url, monkeypatch):
    monkeypatch.setenv("PRIMARYCARE_NEW_PASSWORD", "a-long-password")
    assert run("users", "add", "alice", "--role", "commissioner", "--db", sqlite_url).exit_code == 0
    token = run("users", "token", "alice", "--db", sqlite_url).output.strip()
    assert len(token) > 30
    assert runner.invoke(app, ["users", "token", "nobody", "--db", sqlite_url]).exit_code == 2
    assert runner.invoke(app, ["users", "add", "bob", "--role", "wizard", "--db", sqlite_url]).exit_code == 2


def test_the_demo_builds_three_years_a_user_per_role_and_its_measures(tmp_path):
    from primarycare.access.roles import ROLES
    from primarycare.store.economy import loaded_years

    result = run("demo", "--folder", tmp_path, "--practices", 8, "--no-serve")
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'primarycare.db'}")
    with engine.connect() as conn:
        assert loaded_years(conn) == ["2021-22", "2022-23", "2023-24"]
        roles = set(conn.exec_driver_sql("SELECT role FROM app_user").scalars())
        measures = set(conn.exec_driver_sql("SELECT DISTINCT measure FROM measure_value").scalars())
        kinds = set(conn.exec_driver_sql("SELECT DISTINCT kind FROM contract_action").scalars())
    assert roles == set(ROLES)
    assert {"qof_overall", "list_growth", "payments_per_weighted_patient", "ooh_cases_per_1000"} <= measures
    assert kinds == {"variation", "remedial_notice"}


@pytest.mark.parametrize(
    "args",
    [
        *(
            ["payments", "national", "--out", "{out}", option, "/no/such/file"]
            for option in (
                "--parameters",
                "--rates",
                "--indices",
                "--national-prevalence",
                "--weighted-lists",
                "--contracts",
                "--protection",
            )
        ),
        ["payments", "reconcile", "--paid", "/no/such/file", "--out", "{out}"],
        ["payments", "synthetic-paid", "--out", "{out}", "--synthetic-parameters", "/no/such/file"],
        ["synth", "--out", "{out}", "--parameters", "/no/such/file"],
        ["measures", "compute", "--db", "sqlite://", "--change", "/no/such/file"],
    ],
)
def test_a_missing_input_file_is_named_with_exit_2_and_nothing_written(args, synth_icb, tmp_path):
    out = tmp_path / "out"
    filled = [a.replace("{out}", str(out)) for a in args]
    result = runner.invoke(app, [*filled, *(["--data", str(synth_icb)] if args[0] == "payments" else [])])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.replace("│", " ").split())  # the usage error's box, unwrapped
    assert "/no/such/file" in said and "does not exist" in said
    assert not out.exists()


def test_an_error_naming_a_section_in_brackets_prints_it(synth_icb, tmp_path):
    """Messages are printed as written: "[mpig]" is the file's section, not console markup."""
    mine = tmp_path / "mine.toml"
    mine.write_text("[mpig]\nshare = -1\n")
    args = ["payments", "synthetic-paid", "--data", synth_icb, "--out", tmp_path / "x.csv"]
    result = runner.invoke(app, [str(a) for a in [*args, "--synthetic-parameters", mine]])
    assert result.exit_code == 2
    assert "[mpig] share must be a number of zero or more, not -1" in " ".join(result.output.split())
