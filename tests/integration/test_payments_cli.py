"""The payments commands end to end: from files and from SQLite and PostgreSQL databases."""

from decimal import Decimal
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from primarycare.cli import app

runner = CliRunner()
SCHEMES = Path(__file__).parents[2] / "examples" / "schemes"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def pounds_by_practice(path: Path) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in path.read_text().splitlines()[1:]:
        code, _, _, amount = line.split(",")[:4]
        totals[code] = totals.get(code, Decimal(0)) + Decimal(amount)
    return totals


def test_national_from_files_reconciles_to_the_penny(synth_icb, tmp_path):
    out = tmp_path / "payments.csv"
    result = run("payments", "national", "--data", synth_icb, "--year", "2023-24", "--out", out)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    assert table.columns[:5] == ["PRACTICE_CODE", "COMPONENT", "ITEM", "AMOUNT_GBP", "FORMULA"]
    assert set(table["COMPONENT"]) >= {"GLOBAL_SUM", "OOH_DEDUCTION", "QOF", "ENHANCED_SERVICE"}
    assert table["PRACTICE_CODE"].n_unique() == 40
    assert all(Decimal(str(a)).as_tuple().exponent >= -2 for a in table["AMOUNT_GBP"])
    compare = tmp_path / "compare.csv"
    scheme = SCHEMES / "somerset.yaml"
    lines = tmp_path / "scheme-lines.csv"
    result = run("payments", "compare", "--data", synth_icb, "--scheme", scheme, "--out", compare, "--lines-out", lines)
    assert result.exit_code == 0, result.output
    compared = pl.read_csv(compare)
    national = {r[0]: Decimal(str(r[1])) for r in compared.select("PRACTICE_CODE", "NATIONAL_GBP").rows()}
    assert national == {k: v for k, v in pounds_by_practice(out).items()}
    scheme_gbp = {r[0]: Decimal(str(r[1])) for r in compared.select("PRACTICE_CODE", "SCHEME_GBP").rows()}
    assert scheme_gbp == pounds_by_practice(lines)  # the lines written are the lines totalled
    written = pl.read_csv(lines)
    assert written["FORMULA"].null_count() == 0
    assert written.filter(pl.col("COMPONENT") == "QOF")["FORMULA"].str.contains(r" pts × £[0-9.]+ × CPI ").all()


def test_compare_from_a_database_with_last_year_loaded(db_url, tmp_path):
    for year in ("2022-23", "2023-24"):
        folder = tmp_path / year
        assert run("synth", "--practices", 20, "--seed", 3, "--year", year, "--out", folder).exit_code == 0
        assert run("load", folder, "--db", db_url).exit_code == 0
    out = tmp_path / "national.csv"
    assert run("payments", "national", "--db", db_url, "--out", out).exit_code == 0
    components = set(pl.read_csv(out)["COMPONENT"])
    assert {"QOF_ASPIRATION", "QOF_ACHIEVEMENT"} <= components and "QOF" not in components
    compare = tmp_path / "compare.csv"
    result = run("payments", "compare", "--db", db_url, "--scheme", SCHEMES / "five-a-head.yaml", "--out", compare)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(compare)
    difference = (table["SCHEME_GBP"] - table["NATIONAL_GBP"]).round(2)
    assert (difference == (table["PATIENTS"] * 5).cast(pl.Float64)).all()  # £5 a head, nothing else changes
    groups = pl.read_csv(tmp_path / "compare-commissioners.csv")
    assert groups["PATIENTS"].sum() == table["PATIENTS"].sum()


def test_bad_input_exits_2_and_writes_nothing(synth_icb, tmp_path):
    out = tmp_path / "out.csv"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\nsource: y\npractices: {all: true}\n"
        "kept_indicators: [NOPE1]\nreleased_qof: {baseline: current_value}\n"
    )
    cases = [
        (["payments", "compare", "--data", synth_icb, "--scheme", bad, "--out", out], "NOPE1 is not a QOF indicator"),
        (["payments", "national", "--data", synth_icb, "--year", "2012-13", "--out", out], "QOF files are for 2023-24"),
        (["payments", "national", "--out", out], "either --data DIR or --db URL"),
    ]
    for args, words in cases:
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert words in result.output
        assert not out.exists()


def test_a_year_without_parameters_is_refused(tmp_path):
    folder = tmp_path / "old"
    assert run("synth", "--practices", 3, "--year", "2012-13", "--out", folder).exit_code == 0
    result = run("payments", "national", "--data", folder, "--out", tmp_path / "p.csv")
    assert result.exit_code == 2 and "no national parameters for 2012-13" in result.output


def test_users_own_files_override_and_are_checked(synth_icb, tmp_path):
    out = tmp_path / "p.csv"
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[years."2023-24"]\nqof_price_per_point = { value = 300.0, source = "our finance team", verified = true }\n'
    )
    assert run("payments", "national", "--data", synth_icb, "--parameters", mine, "--out", out).exit_code == 0
    assert "£300.00 × CPI" in out.read_text()
    mine.write_text('[years."2023-24"]\nqof_price_per_point = { value = -1, source = "typo", verified = true }\n')
    out.unlink()
    result = run("payments", "national", "--data", synth_icb, "--parameters", mine, "--out", out)
    assert result.exit_code == 2 and "qof_price_per_point.value: must be a number of zero or more" in result.output
    indices = tmp_path / "indices.csv"
    code = (synth_icb / "practice-contracts.csv").read_text().splitlines()[1].split(",")[0]
    indices.write_text(f"PRACTICE_CODE,NEEDS,RURALITY\n{code},1.2,\n")
    assert run("payments", "national", "--data", synth_icb, "--indices", indices, "--out", out).exit_code == 0
    assert "× indices 1.2000" in out.read_text()
    out.unlink()
    indices.write_text(f"PRACTICE_CODE,NEEDS\n{code},-0.5\n")
    result = run("payments", "national", "--data", synth_icb, "--indices", indices, "--out", out)
    assert result.exit_code == 2 and "indices.csv:2:2:" in result.output and not out.exists()
    prevalence = tmp_path / "national.csv"
    prevalence.write_text("GROUP_CODE,PREVALENCE_PCT\nAF,2.05\nNOPE,1\n")
    result = run("payments", "national", "--data", synth_icb, "--national-prevalence", prevalence, "--out", out)
    assert result.exit_code == 0
    said = " ".join(result.output.split())  # the console wraps long warnings
    assert "the national prevalence given has no figure for AST," in said and "(APDF 1)" in said
    assert "names NOPE, not a register loaded: not used" in said
    out.unlink()
    prevalence.write_text("GROUP_CODE,PREVALENCE_PCT\nAF,205\n")
    result = run("payments", "national", "--data", synth_icb, "--national-prevalence", prevalence, "--out", out)
    assert result.exit_code == 2 and "national.csv:2:2: PREVALENCE_PCT '205' is not a percentage" in result.output
    assert not out.exists()


def _aspiration_and_said(*args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("--out") + 1])
    table = pl.read_csv(out)
    return table.filter(pl.col("COMPONENT") == "QOF_ASPIRATION")["AMOUNT_GBP"].sum(), " ".join(result.output.split())


def _two_years(tmp_path) -> tuple[Path, Path, Path]:
    """Two years of synthetic files, and England's prevalence for the first as a file: every register at 50%."""
    folders = []
    for year in ("2022-23", "2023-24"):
        folder = tmp_path / year
        assert run("synth", "--practices", 12, "--seed", 5, "--year", year, "--out", folder).exit_code == 0
        folders.append(folder)
    registers = sorted(set(pl.read_csv(folders[0] / "PREVALENCE_2223.csv")["GROUP_CODE"]))
    england = tmp_path / "england-2022-23.csv"
    england.write_text("GROUP_CODE,PREVALENCE_PCT\n" + "".join(f"{code},50\n" for code in registers))
    return folders[0], folders[1], england


def test_last_years_national_prevalence_can_be_given_and_is_otherwise_named_as_the_loaded_practices(tmp_path):
    """The aspiration is last year's QOF value, whose APDF rests on last year's national prevalence: England's when
    given (--prior-national-prevalence), else the loaded practices' own, with a warning saying so."""
    before, year, england = _two_years(tmp_path)
    common = ("payments", "national", "--data", year, "--prior-data", before)
    own, said = _aspiration_and_said(*common, "--out", tmp_path / "own.csv")
    assert "2022-23's national prevalence worked out from the 12 practices loaded, not England's" in said
    assert "--prior-national-prevalence" in said
    given, said = _aspiration_and_said(*common, "--prior-national-prevalence", england, "--out", tmp_path / "given.csv")
    assert "2022-23's national prevalence worked out" not in said
    # every register's national prevalence far above the practices': their APDF, and so the value, down
    assert 0 < given < own
    _, said = _aspiration_and_said(
        "payments", "national", "--data", year, "--prior-national-prevalence", england, "--out", tmp_path / "alone.csv"
    )
    assert "--prior-national-prevalence is not used: the year before is not loaded" in said
    partial = tmp_path / "partial.csv"
    partial.write_text("GROUP_CODE,PREVALENCE_PCT\nAF,2\nNOPE,1\n")
    _, said = _aspiration_and_said(*common, "--prior-national-prevalence", partial, "--out", tmp_path / "part.csv")
    assert "2022-23's national prevalence given has no figure for AST," in said and "(APDF 1)" in said
    assert "2022-23's national prevalence given names NOPE, not a register loaded: not used" in said


def test_last_years_national_prevalence_given_over_a_database(db_url, tmp_path):
    before, year, england = _two_years(tmp_path)
    for folder in (before, year):
        assert run("load", folder, "--db", db_url).exit_code == 0
    common = ("payments", "national", "--db", db_url)
    own, said = _aspiration_and_said(*common, "--out", tmp_path / "own.csv")
    assert "2022-23's national prevalence worked out from the 12 practices loaded" in said
    given, said = _aspiration_and_said(*common, "--prior-national-prevalence", england, "--out", tmp_path / "given.csv")
    assert "2022-23's national prevalence worked out" not in said and 0 < given < own
