"""A command pointed at a database that was never loaded (or upgraded) says so and exits 2, on SQLite and
PostgreSQL, in place of a driver's traceback."""

import sys
from pathlib import Path

import pytest

from primarycare.cli import main

SCENARIO = Path(__file__).parents[2] / "examples" / "scenarios" / "baseline.yaml"
COMMANDS = [
    ["audit", "verify"],
    ["users", "tokens", "alice"],
    ["economy", "summary"],
    ["payments", "national", "--out", "{tmp}/national.csv"],
    ["simulate", "--scenario", str(SCENARIO), "--replications", "2", "--out", "{tmp}/run"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_database_never_loaded_is_named_as_such(db_url, tmp_path, monkeypatch, capsys, command):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
    monkeypatch.setattr(sys, "argv", ["primarycare", *args, "--db", db_url])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "no primarycare tables yet" in said and "Traceback" not in said
    assert not (tmp_path / "national.csv").exists() and not (tmp_path / "run").exists()
