"""Reconciliation with what was paid, the cash schedule, and the new input files, through the CLI: from files and
from SQLite and PostgreSQL databases. The paid file is written here in NHS Digital's published layout."""

import csv
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from primarycare.cli import app

runner = CliRunner()
HEADER = "PRACTICE_CODE,ITEM,COMPUTED_GBP,PAID_GBP,DIFFERENCE_GBP,DIFFERENCE_PCT,FLAG,REASON"  # the contract, exactly
PUBLISHED = [
    "Practice Code",
    "Practice Name",
    "Contract Type",
    "Number of Registered Patients (Last Known Figure)",
    "Number of Weighted Patients (Last Known Figure)",
    "Global Sum",
    "MPIG Correction factor",
    "Total QOF Payments",
    "Learning Disabilities",
    "Childhood Vaccination and Immunisation Scheme",
    "PCN Participation",
    "Total National Enhanced Services",
    "Premises Payments",
    "Total NHS Payments to General Practice",
]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def national(folder: Path, tmp_path: Path) -> dict[str, dict[str, Decimal]]:
    out = tmp_path / "national.csv"
    result = run("payments", "national", "--data", folder, "--out", out)
    assert result.exit_code == 0, result.output
    items: dict[str, dict[str, Decimal]] = {}
    for row in pl.read_csv(out).iter_rows(named=True):
        item = (
            "GLOBAL_SUM"
            if row["COMPONENT"] in ("GLOBAL_SUM", "GLOBAL_SUM_ARREARS", "OOH_DEDUCTION")
            else "QOF"
            if row["COMPONENT"].startswith("QOF")
            else "ENHANCED_SERVICES"
        )
        totals = items.setdefault(row["PRACTICE_CODE"], {})
        totals[item] = totals.get(item, Decimal(0)) + Decimal(str(row["AMOUNT_GBP"]))
    return items


def write_paid(path: Path, computed: dict[str, dict[str, Decimal]], tweaks: dict, weighted: str = "") -> None:
    """What was 'paid': the computed figures, changed where ``tweaks`` says, plus premises money and a practice
    the economy does not hold; a byte-order mark first, as the published files have. ``weighted``: each practice's
    weighted list as published (blank: not published)."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(PUBLISHED)
        for code, items in [*computed.items(), ("Z99999", {})]:
            gs = items.get("GLOBAL_SUM", Decimal(0)) * tweaks.get((code, "GLOBAL_SUM"), 1)
            qof = items.get("QOF", Decimal(0))
            es = items.get("ENHANCED_SERVICES", Decimal(0)) * tweaks.get((code, "ENHANCED_SERVICES"), 1)
            premises = Decimal("1000.00")
            kind = tweaks.get((code, "type"), "GMS")
            # enhanced services spread over three columns; the total holds premises too
            parts = [round(es / 3, 2), round(es / 3, 2)]
            parts.append(es - sum(parts))
            total = gs + qof + es + premises
            writer.writerow(
                [
                    code,
                    "Surgery",
                    kind,
                    "5000",
                    weighted,
                    f"{gs:.2f}",
                    "0",
                    f"{qof:.2f}",
                    *[f"{p:.2f}" for p in parts],
                    "0",
                    "1000.00",
                    f"{total:.2f}",
                ]
            )


def test_reconcile_flags_differences_with_reasons_and_lists_one_sided_practices(synth_icb, tmp_path):
    computed = national(synth_icb, tmp_path)
    gms = pl.read_csv(synth_icb / "practice-contracts.csv").filter(pl.col("CONTRACT_TYPE") == "GMS")
    gms_code = sorted(gms["PRACTICE_CODE"])[0]
    codes = sorted(c for c in computed if c != gms_code)
    tweaks = {
        (codes[0], "GLOBAL_SUM"): Decimal("0.9"),
        (codes[1], "ENHANCED_SERVICES"): Decimal("1.2"),
        (gms_code, "type"): "APMS",
        (gms_code, "GLOBAL_SUM"): Decimal("0.8"),
    }
    paid = tmp_path / "payments-2324.csv"
    write_paid(paid, computed, tweaks)
    out = tmp_path / "reconciled"
    result = run("payments", "reconcile", "--data", synth_icb, "--year", "2023-24", "--paid", paid, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "reconcile.csv").read_text().splitlines()[0] == HEADER
    rows = pl.read_csv(out / "reconcile.csv", infer_schema_length=0)
    flagged = {(r["PRACTICE_CODE"], r["ITEM"]): r for r in rows.filter(pl.col("FLAG") == "Y").iter_rows(named=True)}
    assert set(rows["ITEM"]) == {"GLOBAL_SUM", "QOF", "ENHANCED_SERVICES", "TOTAL"}
    # 10% less global sum paid: computed is 1/0.9 - 1 = 11.1% over; the reasons name the list that was paid on
    gs = flagged[(codes[0], "GLOBAL_SUM")]
    assert Decimal(gs["DIFFERENCE_PCT"]) == Decimal("11.1")
    assert "list size change: 5,000 registered when paid" in gs["REASON"]
    assert (codes[1], "ENHANCED_SERVICES") in flagged and (codes[1], "GLOBAL_SUM") not in flagged
    assert "contract type: paid as APMS, GMS here" in flagged[(gms_code, "GLOBAL_SUM")]["REASON"]
    # QOF matches everywhere; the totals differ by the £1,000 of premises, under 5% for a whole practice
    assert not any(item == "QOF" for _, item in flagged if _ in codes)
    # practices in only one of the two are listed, not dropped
    only_paid = rows.filter(pl.col("PRACTICE_CODE") == "Z99999")
    assert only_paid.height == 4 and set(only_paid["FLAG"]) == {"Y"} and only_paid["COMPUTED_GBP"].null_count() == 4
    assert "not in the loaded economy" in only_paid["REASON"][0]
    summary = pl.read_csv(out / "reconcile-summary.csv")
    assert summary.filter(pl.col("ITEM") == "GLOBAL_SUM")["PAID_ONLY"][0] == 1


def test_reconcile_gives_the_global_sum_per_weighted_patient_computed_and_paid(synth_icb, tmp_path):
    """The rate once the lists are set aside: paid on the same weighted list, 10% less paid is 10% less a head."""
    computed = national(synth_icb, tmp_path)
    codes = sorted(computed)
    paid = tmp_path / "paid.csv"
    write_paid(paid, computed, {(codes[0], "GLOBAL_SUM"): Decimal("0.9")}, weighted="4000")
    out = tmp_path / "reconciled"
    assert run("payments", "reconcile", "--data", synth_icb, "--paid", paid, "--out", out).exit_code == 0
    rates = pl.read_csv(out / "reconcile-global-sum.csv")
    assert rates.columns == [
        "PRACTICE_CODE",
        "WEIGHTED_USED",
        "PAID_WEIGHTED",
        "COMPUTED_GBP_PER_WEIGHTED_PATIENT",
        "PAID_GBP_PER_WEIGHTED_PATIENT",
        "DIFFERENCE_PCT",
    ]
    assert sorted(rates["PRACTICE_CODE"]) == codes  # the practices in both files
    first = rates.row(0, named=True)
    assert first["PAID_WEIGHTED"] == 4_000  # the paid file's weighted list
    gs = float(computed[codes[0]]["GLOBAL_SUM"])
    assert first["COMPUTED_GBP_PER_WEIGHTED_PATIENT"] == pytest.approx(gs / first["WEIGHTED_USED"], abs=0.01)
    assert first["PAID_GBP_PER_WEIGHTED_PATIENT"] == pytest.approx(gs * 0.9 / 4_000, abs=0.01)
    rows = pl.read_csv(out / "reconcile.csv", infer_schema_length=0)
    reason = rows.filter((pl.col("PRACTICE_CODE") == codes[0]) & (pl.col("ITEM") == "GLOBAL_SUM"))["REASON"][0]
    assert f"£{gs * 0.9 / 4_000:,.2f} paid" in reason and "per weighted patient computed" in reason


def test_reconcile_threshold_option(synth_icb, tmp_path):
    computed = national(synth_icb, tmp_path)
    code = sorted(computed)[0]
    paid = tmp_path / "paid.csv"
    write_paid(paid, computed, {(code, "GLOBAL_SUM"): Decimal("0.97")})
    for threshold, expected in (("5", "N"), ("2", "Y")):
        out = tmp_path / f"t{threshold}"
        result = run(
            "payments", "reconcile", "--data", synth_icb, "--paid", paid, "--out", out, "--threshold-pct", threshold
        )
        assert result.exit_code == 0, result.output
        rows = pl.read_csv(out / "reconcile.csv", infer_schema_length=0)
        row = rows.filter((pl.col("PRACTICE_CODE") == code) & (pl.col("ITEM") == "GLOBAL_SUM"))
        assert row["FLAG"][0] == expected
    for bad in ("-5", "nan"):
        out = tmp_path / f"bad{bad}"
        result = run("payments", "reconcile", "--data", synth_icb, "--paid", paid, "--out", out, "--threshold-pct", bad)
        assert result.exit_code == 2 and "percentage of zero or more" in result.output and not out.exists()


def test_a_bad_paid_file_names_line_and_column_and_writes_nothing(synth_icb, tmp_path):
    paid = tmp_path / "paid.csv"
    paid.write_text("Practice Code,Global Sum,Total NHS Payments to General Practice\nA81001,12x,100\n")
    out = tmp_path / "out"
    result = run("payments", "reconcile", "--data", synth_icb, "--paid", paid, "--out", out)
    assert result.exit_code == 2
    assert "paid.csv:2:2" in result.output and "'12x' is not an amount" in result.output
    assert not out.exists()
    paid.write_text("Practice,Global Sum\nA81001,1\n")
    result = run("payments", "reconcile", "--data", synth_icb, "--paid", paid, "--out", out)
    assert result.exit_code == 2 and "missing column 'Practice Code'" in result.output


def test_schedule_pays_the_accrual_month_by_month(db_url, synth_icb, tmp_path):
    assert run("load", synth_icb, "--db", db_url).exit_code == 0
    out = tmp_path / "schedule.csv"
    result = run("payments", "schedule", "--db", db_url, "--out", out)
    assert result.exit_code == 0, result.output
    cash = pl.read_csv(out)
    assert cash.columns == ["PRACTICE_CODE", "PAID_MONTH", "COMPONENT", "CASH_GBP"]
    lines = tmp_path / "national.csv"
    assert run("payments", "national", "--db", db_url, "--out", lines).exit_code == 0
    accrual = pl.read_csv(lines)
    by_practice = lambda f, c: {k: round(v, 2) for k, v in f.group_by("PRACTICE_CODE").agg(pl.col(c).sum()).iter_rows()}  # noqa: E731
    assert by_practice(cash, "CASH_GBP") == by_practice(accrual, "AMOUNT_GBP")
    # 2023/24: the uplift announced in October lands with its arrears in October
    assert set(cash.filter(pl.col("COMPONENT") == "GLOBAL_SUM_ARREARS")["PAID_MONTH"]) == {"2023-10"}
    assert cash.filter(pl.col("COMPONENT") == "GLOBAL_SUM")["PAID_MONTH"].n_unique() == 12


@pytest.mark.parametrize("bad", ["2023-05-01", "01APR2023", ""])
def test_weighted_lists_file_is_checked(synth_icb, tmp_path, bad):
    code = sorted(national(synth_icb, tmp_path))[0]
    path = tmp_path / "weighted.csv"
    path.write_text(f"PRACTICE_CODE,QUARTER_START,WEIGHTED_PATIENTS\n{code},2023-04-01,5000\n{code},{bad},5100\n")
    result = run("payments", "national", "--data", synth_icb, "--out", tmp_path / "n.csv", "--weighted-lists", path)
    assert result.exit_code == 2 and "weighted.csv:3:2" in result.output


def test_weighted_lists_and_local_contracts_change_the_lines(synth_icb, tmp_path):
    codes = sorted(national(synth_icb, tmp_path))
    types = pl.read_csv(synth_icb / "practice-contracts.csv").filter(pl.col("CONTRACT_TYPE") != "GMS")
    local_code, kind = types.sort("PRACTICE_CODE").row(0)[:2]
    codes = [c for c in codes if c != local_code]
    weighted = tmp_path / "weighted.csv"
    weighted.write_text(
        "PRACTICE_CODE,QUARTER_START,WEIGHTED_PATIENTS\n"
        + "".join(f"{codes[0]},{q},8000\n" for q in ("2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01"))
    )
    contracts = tmp_path / "local.csv"
    contracts.write_text(
        f"PRACTICE_CODE,CONTRACT_TYPE,BASIS,VALUE_GBP,OOH_DEDUCTION_PCT\n{local_code},{kind},FIXED,500000,\n"
    )
    out = tmp_path / "n.csv"
    args = ("--weighted-lists", weighted, "--contracts", contracts)
    result = run("payments", "national", "--data", synth_icb, "--year", "2023-24", "--out", out, *args)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out)
    first = table.filter((pl.col("PRACTICE_CODE") == codes[0]) & pl.col("COMPONENT").str.starts_with("GLOBAL_SUM"))
    assert first["AMOUNT_GBP"].sum() == pytest.approx(8000 * 104.73, abs=0.05)
    assert all("published list" in f for f in first.filter(pl.col("COMPONENT") == "GLOBAL_SUM")["FORMULA"])
    second = table.filter(pl.col("PRACTICE_CODE") == local_code)
    assert second.filter(pl.col("COMPONENT") == "GLOBAL_SUM")["AMOUNT_GBP"].to_list() == [500000.0]
    assert set(second["CONTRACT_BASIS"]) == {f"{kind} local contract"}
    others = table.filter(pl.col("PRACTICE_CODE").is_in(types["PRACTICE_CODE"].to_list()[1:]))
    assert all(b.startswith("GMS-equivalent") for b in others["CONTRACT_BASIS"])
    contracts.write_text(f"PRACTICE_CODE,CONTRACT_TYPE,BASIS,VALUE_GBP,OOH_DEDUCTION_PCT\n{codes[0]},APMS,FIXED,1,\n")
    result = run("payments", "national", "--data", synth_icb, "--out", out, "--contracts", contracts)
    assert result.exit_code == 2 and "local.csv:2:2" in result.output  # the economy says otherwise
    contracts.write_text(
        f"PRACTICE_CODE,CONTRACT_TYPE,BASIS,VALUE_GBP,OOH_DEDUCTION_PCT\n{local_code},{kind},FIXED,1,150\n"
    )
    result = run("payments", "national", "--data", synth_icb, "--out", out, "--contracts", contracts)
    assert result.exit_code == 2 and "local.csv:2:5: OOH_DEDUCTION_PCT '150' is not a percentage" in result.output
    assert "GMS-equivalent" not in set(table.filter(pl.col("PRACTICE_CODE") == codes[0])["CONTRACT_BASIS"])


def test_a_synthetic_paid_file_reconciles_with_its_mechanisms_named(synth_icb, tmp_path):
    """From files: QOF as computed (no two years before), lists moved, one practice closed and one opened."""
    paid = tmp_path / "synthetic.csv"
    result = run("payments", "synthetic-paid", "--data", synth_icb, "--out", paid, "--seed", 5)
    assert result.exit_code == 0, result.output
    assert "QOF paid is this year's QOF as computed" in result.output
    again = tmp_path / "again.csv"
    assert run("payments", "synthetic-paid", "--data", synth_icb, "--out", again, "--seed", 5).exit_code == 0
    assert again.read_bytes() == paid.read_bytes()  # same seed, same file
    out = tmp_path / "reconciled"
    assert run("payments", "reconcile", "--data", synth_icb, "--paid", paid, "--out", out).exit_code == 0
    rows = pl.read_csv(out / "reconcile.csv", infer_schema_length=0)
    qof = rows.filter(pl.col("ITEM") == "QOF", pl.col("COMPUTED_GBP").is_not_null(), pl.col("PAID_GBP").is_not_null())
    assert set(qof["FLAG"]) == {"N"}  # QOF paid as computed
    reasons = rows.filter(pl.col("ITEM") == "GLOBAL_SUM")["REASON"].to_list()
    assert sum("not in the paid file" in r for r in reasons) == 1
    assert sum("in the paid file only" in r for r in reasons) == 1


def test_a_synthetic_paid_file_from_a_database_pays_qof_in_cash(tmp_path):
    """With the two years before loaded, QOF paid is this year's aspiration and last year's achievement balance."""
    url = f"sqlite:///{tmp_path / 'three.db'}"
    for seed, year in enumerate(("2021-22", "2022-23", "2023-24"), start=9):  # QOF differs from year to year
        folder = tmp_path / year
        result = run("synth", "--out", folder, "--practices", 12, "--seed", seed, "--year", year)
        assert result.exit_code == 0, result.output
        assert run("load", folder, "--db", url).exit_code == 0
    paid = tmp_path / "synthetic.csv"
    result = run("payments", "synthetic-paid", "--db", url, "--year", "2023-24", "--out", paid)
    assert result.exit_code == 0, result.output
    assert "QOF paid is this year's QOF as computed" not in result.output
    lines = {}
    for year in ("2022-23", "2023-24"):
        out = tmp_path / f"{year}.csv"
        assert run("payments", "national", "--db", url, "--year", year, "--out", out).exit_code == 0
        lines[year] = pl.read_csv(out)
    aspiration = lines["2023-24"].filter(pl.col("COMPONENT") == "QOF_ASPIRATION")
    balance = lines["2022-23"].filter(pl.col("COMPONENT") == "QOF_ACHIEVEMENT")
    cash = pl.concat([aspiration, balance]).group_by("PRACTICE_CODE").agg(pl.col("AMOUNT_GBP").sum())
    published = pl.read_csv(paid, encoding="utf8-lossy").rename({"\ufeffPractice Code": "Practice Code"}, strict=False)
    both = cash.join(published, left_on="PRACTICE_CODE", right_on="Practice Code")
    assert both.height >= 10
    assert (both["AMOUNT_GBP"] - both["Total QOF Payments"]).abs().max() < 0.011
    out = tmp_path / "reconciled"
    result = run("payments", "reconcile", "--db", url, "--year", "2023-24", "--paid", paid, "--out", out)
    assert result.exit_code == 0, result.output
    assert "QOF compared as cash paid in the year" in " ".join(result.output.split())
    rows = pl.read_csv(out / "reconcile.csv", infer_schema_length=0).filter(pl.col("ITEM") == "QOF")
    flagged = rows.filter(pl.col("FLAG") == "Y")
    assert flagged.height == 2  # like for like: only the practice closed and the one opened
    assert all("paid file" in reason for reason in flagged["REASON"])
