"""`primarycare payments ...`: parse arguments, hand over to primarycare.payments, write the CSV files."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from primarycare.cli_output import bad_input, say

app = typer.Typer(help="What every practice is owed, nationally and under a local scheme.", no_args_is_help=True)

Data = Annotated[Path | None, typer.Option(help="A folder of published (or synthetic) files")]
Db = Annotated[str | None, typer.Option("--db", help="A loaded database instead of --data")]
Year = Annotated[str | None, typer.Option(help="Financial year, e.g. 2023-24 (default: the files' or latest)")]
PriorData = Annotated[Path | None, typer.Option(help="Last year's folder, for the aspiration payment")]
Parameters = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Your own national parameter file (TOML), over the defaults"),
]
Rates = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Your own enhanced service rates (TOML), over the defaults"),
]
Indices = Annotated[
    Path | None, typer.Option(exists=True, dir_okay=False, help="CSV: PRACTICE_CODE, NEEDS, TURNOVER, CARE_HOMES, ...")
]
Prevalence = Annotated[
    Path | None,
    typer.Option(
        "--national-prevalence", exists=True, dir_okay=False, help="CSV: GROUP_CODE, PREVALENCE_PCT (England's)"
    ),
]
PriorPrevalence = Annotated[
    Path | None,
    typer.Option(
        "--prior-national-prevalence",
        exists=True,
        dir_okay=False,
        help="CSV: GROUP_CODE, PREVALENCE_PCT (England's, for last year's QOF value: the aspiration)",
    ),
]
WeightedLists = Annotated[
    Path | None,
    typer.Option(
        "--weighted-lists",
        exists=True,
        dir_okay=False,
        help="CSV: PRACTICE_CODE,QUARTER_START,WEIGHTED_PATIENTS (in place of estimates)",
    ),
]
LocalContracts = Annotated[
    Path | None,
    typer.Option(
        "--contracts",
        exists=True,
        dir_okay=False,
        help="CSV: PRACTICE_CODE,CONTRACT_TYPE,BASIS,VALUE_GBP,OOH_DEDUCTION_PCT (PMS/APMS values)",
    ),
]
Protection = Annotated[
    Path | None, typer.Option(exists=True, dir_okay=False, help="Your own QOF income protection file (TOML)")
]


def _inputs(data, db, year, prior_data, parameters, rates, indices, prevalence, *more, prior_prevalence=None):
    """more: the weighted lists, local contracts and protection files, in Overrides' order, where a command has them."""
    from primarycare.payments.gather import Overrides, database_inputs, economies, inputs_for, warnings_for
    from primarycare.store.engine import make_engine

    overrides = Overrides(parameters, rates, indices, prevalence, *more)
    prior_overrides = Overrides(national_prevalence=prior_prevalence)
    if db is not None and data is None:  # from a database: the payments inputs kept for the year fill the gaps
        inputs, kept = database_inputs(make_engine(db), year, overrides, prior_overrides=prior_overrides)
    else:
        economy, prior = economies(data=data, db=db, year=year, prior_data=prior_data)
        inputs, kept = inputs_for(economy, overrides, prior, prior_overrides), []
    if prior_prevalence is not None and inputs.prior is None:
        say("warning: --prior-national-prevalence is not used: the year before is not loaded (--prior-data)")
    for note in warnings_for(inputs):
        say(f"warning: {note}")
    for note in kept:
        say(f"using {note}")
    return inputs


def _prior_lines(db, year: str):
    """From --db: last year's lines worked out with the year before it (QOF compared or paid as cash); else None."""
    from primarycare.payments.gather import prior_lines
    from primarycare.store.engine import make_engine

    return prior_lines(make_engine(db), year) if db else None


@app.command()
def national(
    out: Annotated[Path, typer.Option(help="CSV of line items to write")],
    data: Data = None,
    db: Db = None,
    year: Year = None,
    prior_data: PriorData = None,
    parameters: Parameters = None,
    rates: Rates = None,
    indices: Indices = None,
    national_prevalence: Prevalence = None,
    prior_national_prevalence: PriorPrevalence = None,
    weighted_lists: WeightedLists = None,
    contracts: LocalContracts = None,
    protection: Protection = None,
) -> None:
    """Every practice's national contract, one row per line item with the formula behind it."""
    from primarycare.ingest.errors import IngestError
    from primarycare.payments.errors import PaymentsError
    from primarycare.payments.global_sum import contract_basis
    from primarycare.payments.inputs import with_gbp
    from primarycare.payments.national import national_lines

    try:
        inputs = _inputs(
            data,
            db,
            year,
            prior_data,
            parameters,
            rates,
            indices,
            national_prevalence,
            weighted_lists,
            contracts,
            protection,
            prior_prevalence=prior_national_prevalence,
        )
        lines = national_lines(inputs)
    except (IngestError, PaymentsError) as error:
        raise bad_input(error) from None
    with_gbp(lines, contract_basis(inputs)).write_csv(out, float_precision=2)
    total = lines["PENCE"].sum() / 100
    print(
        f"{inputs.economy.year}: {lines['PRACTICE_CODE'].n_unique()} practices, {lines.height} lines, "
        f"£{total:,.2f} in all -> {out}"
    )


@app.command()
def compare(
    scheme: Annotated[Path, typer.Option(help="The local scheme (YAML)")],
    out: Annotated[Path, typer.Option(help="CSV per practice; commissioner totals go beside it")],
    data: Data = None,
    db: Db = None,
    year: Year = None,
    prior_data: PriorData = None,
    parameters: Parameters = None,
    rates: Rates = None,
    indices: Indices = None,
    national_prevalence: Prevalence = None,
    prior_national_prevalence: PriorPrevalence = None,
    lines_out: Annotated[Path | None, typer.Option("--lines-out", help="Also write the scheme's line items")] = None,
    weighted_lists: WeightedLists = None,
    contracts: LocalContracts = None,
    protection: Protection = None,
) -> None:
    """Each practice under the national contract and under a local scheme: totals, difference, per head."""
    from primarycare.ingest.errors import IngestError
    from primarycare.payments.compare import compare_groups, compare_practices
    from primarycare.payments.errors import PaymentsError
    from primarycare.payments.global_sum import contract_basis
    from primarycare.payments.inputs import with_gbp
    from primarycare.payments.local import members, scheme_notes, scheme_plan
    from primarycare.payments.national import Contract
    from primarycare.payments.scheme import load_scheme

    try:
        plan = load_scheme(scheme)
        inputs = _inputs(
            data,
            db,
            year,
            prior_data,
            parameters,
            rates,
            indices,
            national_prevalence,
            weighted_lists,
            contracts,
            protection,
            prior_prevalence=prior_national_prevalence,
        )
        contract = Contract(inputs)
        national_rows = contract.plan()  # lazy: the lines' formulas are written only for --lines-out
        local_rows = scheme_plan(inputs, plan, scheme.name, contract)
    except (IngestError, PaymentsError) as error:
        raise bad_input(error) from None
    for note in scheme_notes(plan, inputs.economy):
        say(f"warning: {note}")
    basis = contract_basis(inputs)
    comparison = compare_practices(inputs.economy, national_rows, local_rows, members(plan, inputs.economy), basis)
    groups = compare_groups(comparison)
    comparison.write_csv(out, float_precision=2)
    groups_out = out.with_name(out.stem + "-commissioners" + out.suffix)
    groups.write_csv(groups_out, float_precision=2)
    if lines_out:
        with_gbp(local_rows.collect(), basis).write_csv(lines_out, float_precision=2)
    table = Table(title=f"{plan.name}, {inputs.economy.year}")
    for column in ("commissioner", "practices", "national £", "scheme £", "difference £", "scheme £/head"):
        table.add_column(column, justify="left" if column == "commissioner" else "right")
    for row in groups.iter_rows(named=True):
        table.add_row(
            row["COMMISSIONER_CODE"],
            str(row["PRACTICES"]),
            f"{row['NATIONAL_GBP']:,.2f}",
            f"{row['SCHEME_GBP']:,.2f}",
            f"{row['DIFFERENCE_GBP']:,.2f}",
            f"{row['SCHEME_PER_HEAD_GBP']:.2f}",
        )
    Console(width=160).print(table)
    print(f"-> {out}, {groups_out}")


@app.command()
def schedule(
    out: Annotated[Path, typer.Option(help="CSV: PRACTICE_CODE,PAID_MONTH,COMPONENT,CASH_GBP")],
    data: Data = None,
    db: Db = None,
    year: Year = None,
    prior_data: PriorData = None,
    parameters: Parameters = None,
    rates: Rates = None,
    indices: Indices = None,
    national_prevalence: Prevalence = None,
    prior_national_prevalence: PriorPrevalence = None,
    weighted_lists: WeightedLists = None,
    contracts: LocalContracts = None,
    protection: Protection = None,
) -> None:
    """When the year's money is paid: global sum and aspiration monthly, arrears when an uplift lands,
    achievement the June after; beside the year's accrual."""
    from primarycare.ingest.errors import IngestError
    from primarycare.payments.errors import PaymentsError
    from primarycare.payments.national import Contract
    from primarycare.payments.schedule import by_month, cash_schedule

    try:
        inputs = _inputs(
            data,
            db,
            year,
            prior_data,
            parameters,
            rates,
            indices,
            national_prevalence,
            weighted_lists,
            contracts,
            protection,
            prior_prevalence=prior_national_prevalence,
        )
        plan = Contract(inputs).cash_plan()
    except (IngestError, PaymentsError) as error:
        raise bad_input(error) from None
    cash = cash_schedule(plan, inputs.params.year)
    cash.write_csv(out, float_precision=2)
    table = Table(title=f"Cash for {inputs.params.year} (accrual £{plan['PENCE'].sum() / 100:,.2f})")
    table.add_column("month")
    table.add_column("cash £", justify="right")
    for month, amount in by_month(cash).iter_rows():
        table.add_row(month, f"{amount:,.2f}")
    Console(width=120).print(table)
    print(f"{cash['PRACTICE_CODE'].n_unique()} practices, £{cash['CASH_GBP'].sum():,.2f} in all -> {out}")


@app.command()
def reconcile(
    paid: Annotated[
        Path,
        typer.Option(
            exists=True, dir_okay=False, help="NHS Digital's 'NHS Payments to General Practice' CSV for the year"
        ),
    ],
    out: Annotated[
        Path, typer.Option(help="Folder for reconcile.csv, reconcile-summary.csv and reconcile-global-sum.csv")
    ],
    data: Data = None,
    db: Db = None,
    year: Year = None,
    threshold_pct: Annotated[float, typer.Option("--threshold-pct", help="Flag differences over this %")] = 5.0,
    prior_data: PriorData = None,
    parameters: Parameters = None,
    rates: Rates = None,
    indices: Indices = None,
    national_prevalence: Prevalence = None,
    prior_national_prevalence: PriorPrevalence = None,
    weighted_lists: WeightedLists = None,
    contracts: LocalContracts = None,
    protection: Protection = None,
) -> None:
    """What primarycare computes against what was paid, per practice: global sum, QOF, enhanced services, total."""
    from primarycare.ingest.errors import IngestError
    from primarycare.payments import reconcile as r
    from primarycare.payments.errors import PaymentsError
    from primarycare.payments.global_sum import contract_basis
    from primarycare.payments.national import Contract
    from primarycare.payments.paid import read_paid

    if not threshold_pct >= 0:  # NaN too
        raise bad_input(f"--threshold-pct {threshold_pct}: give a percentage of zero or more")
    try:
        published = read_paid(paid)
        inputs = _inputs(
            data,
            db,
            year,
            prior_data,
            parameters,
            rates,
            indices,
            national_prevalence,
            weighted_lists,
            contracts,
            protection,
            prior_prevalence=prior_national_prevalence,
        )
        contract = Contract(inputs)
        basis = contract_basis(inputs)
        context = r.practice_context(inputs, contract.lists, basis)
        before = _prior_lines(db, inputs.params.year)
        lines = contract.lines()
        rows = r.reconcile(lines, context, published, threshold_pct, before)
    except (IngestError, PaymentsError) as error:
        raise bad_input(error) from None
    out.mkdir(parents=True, exist_ok=True)
    rows.write_csv(out / "reconcile.csv", float_precision=2)
    totals = r.summary(rows)
    totals.write_csv(out / "reconcile-summary.csv", float_precision=2)
    r.global_sum_rates(rows, context, published).write_csv(out / "reconcile-global-sum.csv")
    table = Table(title=f"{inputs.params.year}: computed against paid (flag over {threshold_pct:g}%)")
    for column in totals.columns:
        table.add_column(column.replace("_", " ").lower(), justify="left" if column == "ITEM" else "right")
    for row in totals.iter_rows():
        table.add_row(*(f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row))
    Console(width=160).print(table)
    if r.qof_as_cash(lines, before):
        say("note: QOF compared as cash paid in the year: this year's aspiration and last year's achievement balance")
    else:
        say("note: QOF compared as the year's accrual; with the two years before loaded (--db) it is compared as cash")
    print(f"-> {out / 'reconcile.csv'}, {out / 'reconcile-summary.csv'}, {out / 'reconcile-global-sum.csv'}")


@app.command("synthetic-paid")
def synthetic_paid(
    out: Annotated[Path, typer.Option(help="The synthetic 'NHS Payments to General Practice' CSV to write")],
    data: Data = None,
    db: Db = None,
    year: Year = None,
    prior_data: PriorData = None,
    parameters: Parameters = None,
    rates: Rates = None,
    seed: Annotated[int, typer.Option(help="Same seed, same file")] = 1,
    synthetic_parameters: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Your own synthetic_paid.toml (TOML), over the defaults"),
    ] = None,
) -> None:
    """A synthetic paid file in the published layout, to try `payments reconcile` (demo data, never real pay)."""
    from primarycare.payments import synthetic_paid as s
    from primarycare.payments.compare import practice_frame
    from primarycare.payments.errors import PaymentsError
    from primarycare.payments.global_sum import contract_basis
    from primarycare.payments.national import Contract
    from primarycare.payments.reconcile import practice_context, qof_as_cash

    try:
        params, label = s.paid_parameters(synthetic_parameters)
        inputs = _inputs(data, db, year, prior_data, parameters, rates, None, None)
        contract = Contract(inputs)
        context = practice_context(inputs, contract.lists, contract_basis(inputs))
        before = _prior_lines(db, inputs.params.year)
        lines = contract.lines()
        practices = s.paid_practices(context, practice_frame(inputs.economy))
        paid = s.synthetic_paid(inputs.params.year, lines, practices, params, seed, before, label)
    except PaymentsError as error:
        raise bad_input(error) from None
    if s.unverified(params):
        say(f"note: unverified parameters used from {label}: {', '.join(s.unverified(params))}")
    if not qof_as_cash(lines, before):
        say("note: QOF paid is this year's QOF as computed; cash in the year needs the two years before (--db)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(s.published_csv(paid))
    total = paid[paid.columns[-1]].sum()
    print(f"{inputs.params.year}: {paid.height} practices, £{total:,.2f} 'paid' (synthetic) -> {out}")
