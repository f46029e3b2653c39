"""The synthetic paid file (payments/synthetic_paid.py): each mechanism on hand-made line items, the file read back
as a published one, and reconciliation naming the differences each mechanism makes."""

import copy

import polars as pl
import pytest

from primarycare.payments.errors import PaymentsError
from primarycare.payments.paid import read_paid
from primarycare.payments.reconcile import computed_items, reconcile
from primarycare.payments.synthetic_paid import paid_parameters, published_csv, synthetic_paid

LINES = pl.DataFrame(
    [
        ("A81001", "GLOBAL_SUM", "global sum", 100_000_00),
        ("A81001", "OOH_DEDUCTION", "out-of-hours opt-out", -4_750_00),
        ("A81001", "QOF_ASPIRATION", "aspiration payment", 14_000_00),
        ("A81001", "QOF_ACHIEVEMENT", "AF001", 21_000_00),
        ("A81001", "QOF_ACHIEVEMENT", "less aspiration paid", -14_000_00),
        ("A81001", "ENHANCED_SERVICE", "PCN participation", 1_761_00),
        ("A81001", "ENHANCED_SERVICE", "Learning disability health check", 1_400_00),
        ("B82002", "GLOBAL_SUM", "global sum", 50_000_00),
        ("B82002", "QOF_ASPIRATION", "aspiration payment", 7_000_00),
        ("B82002", "QOF_ACHIEVEMENT", "AF001", 9_000_00),
        ("B82002", "QOF_ACHIEVEMENT", "less aspiration paid", -7_000_00),
        ("B82002", "ENHANCED_SERVICE", "Some local service", 500_00),
    ],
    schema={"PRACTICE_CODE": pl.String, "COMPONENT": pl.String, "ITEM": pl.String, "PENCE": pl.Int64},
    orient="row",
)
PRIOR = pl.DataFrame(  # last year, worked out with the year before it: its achievement less its aspiration
    [
        ("A81001", "QOF_ACHIEVEMENT", "AF001", 20_000_00),
        ("A81001", "QOF_ACHIEVEMENT", "less aspiration", -12_000_00),
        ("C83003", "QOF_ACHIEVEMENT", "AF001", 5_000_00),  # closed since: paid its balance, not compared this year
    ],
    schema={"PRACTICE_CODE": pl.String, "COMPONENT": pl.String, "ITEM": pl.String, "PENCE": pl.Int64},
    orient="row",
)
PRACTICES = pl.DataFrame(
    {
        "PRACTICE_CODE": ["A81001", "B82002"],
        "PRACTICE_NAME": ["ONE SURGERY", "TWO SURGERY"],
        "CONTRACT_TYPE": ["GMS", None],
        "PATIENTS": [10_000, 5_000],
        "WEIGHTED": [10_000.0, 5_000.0],
    }
)


def params(**changes) -> dict:
    """The packaged parameters with no randomness unless asked: lists still, nothing extra, nobody closed."""
    values = copy.deepcopy(paid_parameters()[0])
    values["lists"] |= {"drift_mean_pct": 0.0, "drift_sd_pct": 0.0, "large_change_share": 0.0}
    values["mpig"] |= {"share": 0.0}
    values["services"] |= {"missing_share": 0.0}
    values["other"] |= {"premises_gbp_per_patient_min": 0.0, "premises_gbp_per_patient_max": 0.0}
    values["other"] |= {"closed_practices": 0, "opened_practices": 0}
    for key, value in changes.items():
        section, field = key.split("__")
        values[section][field] = value
    return values


def paid(year="2023-24", prior=None, **changes) -> dict[str, dict]:
    frame = synthetic_paid(year, LINES, PRACTICES, params(**changes), seed=7, prior_lines=prior)
    return {row["Practice Code"]: row for row in frame.iter_rows(named=True)}


@pytest.mark.parametrize(
    ("case", "changes", "prior", "code", "column", "expected"),
    [
        ("still lists: the global sum as computed, net of the deduction", {}, None, "A81001", "Global Sum", 95_250.0),
        (
            "still lists: the list as used",
            {},
            None,
            "A81001",
            "Number of Registered Patients (Last Known Figure)",
            10_000,
        ),
        (
            "a list 15% up by the year's end: quarters paid half of it on average",
            {"lists__large_change_share": 1.0, "lists__large_change_pct": 15.0, "lists__drift_mean_pct": 0.0},
            None,
            "B82002",
            "Global Sum",
            None,
        ),  # noqa: E501
        (
            "no year before: QOF as computed (aspiration and achievement)",
            {},
            None,
            "A81001",
            "Total QOF Payments",
            21_000.0,
        ),
        (
            "cash in the year: this year's aspiration + last year's balance",
            {},
            PRIOR,
            "A81001",
            "Total QOF Payments",
            22_000.0,
        ),  # noqa: E501
        ("cash: a practice new last year has only its aspiration", {}, PRIOR, "B82002", "Total QOF Payments", 7_000.0),
        ("cash basis turned off", {"qof__cash_basis": False}, PRIOR, "B82002", "Total QOF Payments", 9_000.0),
        ("a service in its published column", {}, None, "A81001", "PCN Participation", 1_761.0),
        ("a service with no column of its own", {}, None, "B82002", "Total National Enhanced Services", 500.0),
        (
            "MPIG paid until 2020-21",
            {"mpig__share": 1.0, "mpig__gbp_per_weighted_patient_min": 3.0, "mpig__gbp_per_weighted_patient_max": 3.0},
            None,
            "A81001",
            "MPIG Correction factor",
            0.0,
        ),  # noqa: E501
        (
            "premises per patient",
            {"other__premises_gbp_per_patient_min": 10.0, "other__premises_gbp_per_patient_max": 10.0},
            None,
            "B82002",
            "Premises Payments",
            50_000.0,
        ),  # noqa: E501
        (
            "a service not loaded, paid per patient",
            {
                "services__missing_share": 1.0,
                "services__gbp_per_patient_min": 2.0,
                "services__gbp_per_patient_max": 2.0,
            },
            None,
            "A81001",
            "Minor Surgery",
            20_000.0,
        ),  # noqa: E501
    ],
)
def test_each_mechanism(case, changes, prior, code, column, expected):
    row = paid(prior=prior, **changes)[code]
    if expected is None:  # the 15% case: the sign is drawn, the size is not
        moved = row["Number of Weighted Patients (Last Known Figure)"] / 5_000 - 1
        assert abs(moved) == pytest.approx(0.15)
        assert row["Global Sum"] == pytest.approx(50_000 * (1 + moved / 2), abs=0.01)
    else:
        assert row[column] == pytest.approx(expected, abs=0.005), case


def test_mpig_in_the_years_it_was_paid():
    changes = {"mpig__share": 1.0, "mpig__gbp_per_weighted_patient_min": 3.0, "mpig__gbp_per_weighted_patient_max": 3.0}
    assert paid("2019-20", **changes)["A81001"]["MPIG Correction factor"] == pytest.approx(30_000.0)


def test_the_total_is_the_sum_of_the_money_columns_and_the_file_reads_as_published(tmp_path):
    frame = synthetic_paid("2023-24", LINES, PRACTICES, paid_parameters()[0], seed=3, prior_lines=PRIOR)
    path = tmp_path / "paid.csv"
    path.write_bytes(published_csv(frame))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    money = frame.columns[5:-1]
    assert frame.select((pl.sum_horizontal(money) - pl.col(frame.columns[-1])).abs().max()).item() < 0.011
    back = read_paid(path)
    assert back["total"].to_list() == pytest.approx(frame[frame.columns[-1]].to_list())
    assert synthetic_paid("2023-24", LINES, PRACTICES, paid_parameters()[0], seed=3, prior_lines=PRIOR).equals(frame)


def test_reconciling_it_names_the_closed_and_the_opened_practice_and_the_moved_list(tmp_path):
    changes = {"other__closed_practices": 1, "other__opened_practices": 1, "lists__large_change_share": 1.0}
    frame = synthetic_paid("2023-24", LINES, PRACTICES, params(**changes), seed=11)
    path = tmp_path / "paid.csv"
    path.write_bytes(published_csv(frame))
    context = PRACTICES.select("PRACTICE_CODE", "PATIENTS", "WEIGHTED", "CONTRACT_TYPE").with_columns(
        pl.lit("GMS").alias("CONTRACT_BASIS"), pl.lit(1).alias("SERVICES")
    )
    rows = reconcile(LINES, context, read_paid(path), 5.0).filter(pl.col("ITEM") == "GLOBAL_SUM")
    reasons = dict(rows.select("PRACTICE_CODE", "REASON").iter_rows())
    assert len(reasons) == 3  # the one kept, the one closed, the one opened
    assert sum("not in the paid file" in r for r in reasons.values()) == 1
    assert sum("in the paid file only" in r for r in reasons.values()) == 1
    assert sum("list size change" in r and "weighted list" in r for r in reasons.values()) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lists__drift_sd_pct": -1.0}, "[lists] drift_sd_pct must be a number of zero or more, not -1.0"),
        ({"mpig__share": "lots"}, "[mpig] share must be a number of zero or more, not 'lots'"),
        ({"other__closed_practices": 1.5}, "[other] closed_practices must be a whole number of zero or more"),
        ({"other__closed_practices": 2}, "[other] closed_practices 2 leaves no practice of 2"),
        ({"other__opened_practices": 10_001}, "[other] opened_practices 10001 is more than 10,000"),
        ({"services__gbp_per_patient_max": float("nan")}, "[services] gbp_per_patient_max must be a number"),
    ],
)
def test_bad_parameters_are_named(changes, message):
    with pytest.raises(PaymentsError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        synthetic_paid("2023-24", LINES, PRACTICES, params(**changes))


def test_a_users_file_is_merged_over_the_packaged_one(tmp_path):
    override = tmp_path / "mine.toml"
    override.write_text("[mpig]\nshare = 0.5\n[extra]\nx = 1\n")
    assert paid_parameters(override)[0]["mpig"]["share"] == 0.5  # merged over the packaged section, provenance kept
    bare = tmp_path / "bare.toml"
    bare.write_text("[lists]\nsource = 'mine'\n")
    values, _ = paid_parameters(bare)
    assert values["lists"]["verified"] is False  # the packaged section's flag stands


def test_a_list_shrinks_to_nothing_at_most():
    for seed in range(6):
        frame = synthetic_paid(
            "2023-24", LINES, PRACTICES, params(lists__large_change_share=1.0, lists__large_change_pct=150.0), seed
        )
        assert frame["Number of Registered Patients (Last Known Figure)"].min() >= 0
        assert frame["Global Sum"].min() >= 0


@pytest.mark.parametrize(
    ("prior", "code", "item", "expected"),
    [
        (None, "A81001", "QOF", 21_000.0),  # accrual: aspiration 14,000 + achievement 21,000 − 14,000
        (PRIOR, "A81001", "QOF", 22_000.0),  # cash: aspiration 14,000 + last year's balance 20,000 − 12,000
        (PRIOR, "B82002", "QOF", 7_000.0),  # cash: no achievement last year, this year's aspiration only
        (PRIOR, "A81001", "TOTAL", 95_250.0 + 22_000.0 + 3_161.0),
        (PRIOR, "A81001", "GLOBAL_SUM", 95_250.0),  # the global sum is the same either way
        (PRIOR.filter(pl.col("COMPONENT") == "nothing"), "A81001", "QOF", 21_000.0),  # no balance known: accrual
    ],
)
def test_reconciliation_compares_qof_as_cash_when_last_years_balance_is_known(prior, code, item, expected):
    items = computed_items(LINES, prior)
    row = items.filter(pl.col("PRACTICE_CODE") == code, pl.col("ITEM") == item)
    assert row["COMPUTED_GBP"].item() == pytest.approx(expected)
    assert set(items["PRACTICE_CODE"]) == {"A81001", "B82002"}
