"""Payments for the web: one calculation per (year, scheme, load), cached, then cut by group for each page."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from fastapi import HTTPException, Request, UploadFile
from sqlalchemy import select

from primarycare.access.roles import User, can_see_practice
from primarycare.ingest.errors import IngestError
from primarycare.payments.compare import compare_groups, compare_practices
from primarycare.payments.errors import PaymentsError
from primarycare.payments.gather import database_inputs, prior_lines, warnings_for
from primarycare.payments.global_sum import contract_basis
from primarycare.payments.inputs import LINE_COLUMNS, with_gbp
from primarycare.payments.local import members, scheme_lines, scheme_notes
from primarycare.payments.national import Contract
from primarycare.payments.reconcile import practice_context
from primarycare.payments.schedule import cash_schedule
from primarycare.payments.scheme import Scheme, load_scheme
from primarycare.store import tables as t
from primarycare.store.economy import loaded_years
from primarycare.store.payment_inputs import stored_inputs

PAYMENT_ROLES = ("commissioner", "governance_lead", "admin")
FAR_FROM_NETWORK = 0.25  # a practice's national £ per head this far from its network's median needs a look


@dataclass(frozen=True)
class Payments:
    year: str
    scheme_key: str | None
    scheme: Scheme | None
    national: pl.DataFrame  # line items, pence
    local: pl.DataFrame  # line items under the scheme (the national ones when no scheme)
    comparison: pl.DataFrame  # per practice, with its CONTRACT_BASIS
    warnings: tuple[str, ...] = ()  # what a reader of the figures must know (unverified values, estimates)
    context: pl.DataFrame | None = None  # per practice, for reconciliation's reasons (reconcile.practice_context)
    plan: pl.DataFrame | None = None  # the national lines with PAID_FROM and PAID_MONTHS (Contract.cash_plan)


def schemes(request: Request) -> dict[str, Path]:
    folder = Path(request.app.state.settings.schemes_dir)
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def calculate(request: Request, year: str | None, scheme_key: str | None) -> Payments:
    engine = request.app.state.engine
    available = schemes(request)
    if scheme_key and scheme_key not in available:
        raise HTTPException(404, f"no scheme {scheme_key!r}; schemes: {', '.join(available) or 'none'}")
    path = available.get(scheme_key) if scheme_key else None
    key = (year, scheme_key, path.stat().st_mtime if path else None, _loads(engine))
    cache = request.app.state.payments_cache
    if key not in cache:
        try:
            inputs, kept = database_inputs(engine, year)
            economy = inputs.economy
            notes = (*warnings_for(inputs), *kept)
            contract = Contract(inputs)
            plan = contract.cash_plan()
            national = plan.select(LINE_COLUMNS)
            scheme = load_scheme(path) if path else None
            local = scheme_lines(inputs, scheme, path.name, contract) if scheme else national
            notes += tuple(scheme_notes(scheme, economy)) if scheme else ()
        except (PaymentsError, IngestError) as error:  # perhaps a kept file the year's economy no longer fits
            raise HTTPException(422, f"{error}{_kept_hint(engine, year)}") from None
        inside = members(scheme, economy) if scheme else set()
        basis = contract_basis(inputs)
        comparison = compare_practices(economy, national, local, inside, basis)
        context = practice_context(inputs, contract.lists, basis)
        cache.clear()  # one calculation at a time is plenty for a commissioner's session
        cache[key] = Payments(economy.year, scheme_key, scheme, national, local, comparison, notes, context, plan)
    return cache[key]


def _kept_hint(engine, year: str | None) -> str:
    """Where to look when the year's payments inputs may be what the calculation refused."""
    with engine.connect() as conn:
        chosen = year or next(iter(reversed(loaded_years(conn))), None)
    kept = sorted(item.file_name for item in stored_inputs(engine, chosen)) if chosen else []
    if not kept:
        return ""
    return f" (the year's kept payments inputs, {', '.join(kept)}, are on /payments/inputs?year={chosen})"


UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes: England's published payments file is about 10 MB, its weighted lists 0.3 MB


async def read_upload(file: UploadFile) -> bytes | None:
    """An uploaded file's bytes, or None when it is over UPLOAD_LIMIT (never read whole into memory)."""
    content = await file.read(UPLOAD_LIMIT + 1)
    return None if len(content) > UPLOAD_LIMIT else content


def too_large(name: str) -> str:
    return f"{name}: larger than {UPLOAD_LIMIT // 1024 // 1024} MB"


def _loads(engine) -> tuple:
    """Each loaded year and when it was loaded, and each kept payments input: a cached calculation is stale once
    this changes."""
    inputs = t.payment_input.c
    with engine.connect() as conn:
        stamp = conn.execute(select(t.period.c.year, t.period.c.loaded_at).order_by(t.period.c.year)).all()
        kept = conn.execute(select(inputs.year, inputs.kind, inputs.sha256).order_by(inputs.year, inputs.kind)).all()
    return tuple(map(tuple, stamp)), tuple(map(tuple, kept))


def prior_year_lines(request: Request, year: str) -> pl.DataFrame | None:
    """gather.prior_lines, kept beside the calculation it goes with (reconciliation asks for it on every upload)."""
    engine = request.app.state.engine
    key = ("prior lines", year, _loads(engine))
    cache = request.app.state.payments_cache
    if key not in cache:
        cache[key] = prior_lines(engine, year)
    return cache[key]


def require_payments_role(user: User) -> None:
    if user.role not in PAYMENT_ROLES and not user.is_practice_user:
        raise HTTPException(
            403, "payments are for commissioners, governance leads, admins and each practice's own users"
        )


def user_groupings(engine, user) -> list[dict]:
    """The user's saved groupings (id, name, practices), for the page's choice of practices."""
    from primarycare.store.groupings import groupings

    with engine.connect() as conn:
        return groupings(conn, user.id)


def saved_grouping(engine, user, group: str) -> dict | None:
    """grouping:ID, one of the user's own saved groupings (404 when it is not theirs or not there)."""
    if not group.startswith("grouping:"):
        return None
    try:
        grouping_id = int(group.removeprefix("grouping:"))
    except ValueError:
        raise HTTPException(422, "group is grouping:ID, network:CODE or commissioner:CODE") from None
    found = next((g for g in user_groupings(engine, user) if g["id"] == grouping_id), None)
    if found is None:
        raise HTTPException(404, f"you have no saved grouping {grouping_id}")
    return found


def group_filter(
    comparison: pl.DataFrame, group: str, practices: str, saved: dict | None = None
) -> tuple[pl.DataFrame, str]:
    """network:CODE, commissioner:CODE, a saved grouping, or a custom list of practice codes; the rows and a label."""
    if practices.strip():
        codes = sorted({c.strip().upper() for c in practices.split(",") if c.strip()})
        return comparison.filter(pl.col("PRACTICE_CODE").is_in(codes)), f"custom group of {len(codes)} practices"
    if saved is not None:
        rows = comparison.filter(pl.col("PRACTICE_CODE").is_in(saved["practices"]))
        return rows, f"grouping {saved['name']} ({len(saved['practices'])} practices)"
    if ":" in group:
        kind, code = group.split(":", 1)
        column = {"network": "NETWORK_CODE", "commissioner": "COMMISSIONER_CODE"}.get(kind)
        if column is None:
            raise HTTPException(422, "group is grouping:ID, network:CODE or commissioner:CODE")
        return comparison.filter(pl.col(column) == code), f"{kind} {code}"
    return comparison, "all practices"


def attention(comparison: pl.DataFrame, count: int = 5) -> dict[str, list[dict]]:
    """What a commissioner looks at first: biggest losers and winners (a pound or more: goals paid in full
    can differ from the released money by a penny of rounding), practices far from their network."""
    losers = comparison.filter(pl.col("DIFFERENCE_GBP") <= -1).sort("DIFFERENCE_GBP").head(count)
    winners = comparison.filter(pl.col("DIFFERENCE_GBP") >= 1).sort("DIFFERENCE_GBP", descending=True).head(count)
    with_median = comparison.filter(pl.col("NETWORK_CODE").is_not_null(), pl.col("PATIENTS") > 0).with_columns(
        pl.col("NATIONAL_PER_HEAD_GBP").median().over("NETWORK_CODE").alias("NETWORK_PER_HEAD_GBP")
    )
    far = (
        with_median.with_columns(
            (pl.col("NATIONAL_PER_HEAD_GBP") / pl.col("NETWORK_PER_HEAD_GBP") - 1).alias("FROM_NETWORK")
        )
        .filter(pl.col("FROM_NETWORK").abs() >= FAR_FROM_NETWORK)
        .sort(pl.col("FROM_NETWORK").abs(), descending=True)
        .head(count)
    )
    return {"losers": losers.to_dicts(), "winners": winners.to_dicts(), "far": far.to_dicts()}


def landing(payments: Payments, rows: pl.DataFrame, sort: str, descending: bool) -> dict:
    """What the commissioners' payments page shows for the chosen practices: table, totals, attention, charts."""
    chart = rows.sort("DIFFERENCE_GBP").select("PRACTICE_CODE", "DIFFERENCE_GBP")
    return {
        "rows": rows.sort(sort, descending=descending, nulls_last=True).to_dicts(),
        "sort": sort,
        "networks": sorted({n for n in payments.comparison["NETWORK_CODE"] if n}),
        "commissioners": sorted(set(payments.comparison["COMMISSIONER_CODE"])),
        "totals": {c: rows[c].sum() for c in ("NATIONAL_GBP", "SCHEME_GBP", "DIFFERENCE_GBP", "PATIENTS")},
        "attention": attention(rows),
        "difference_chart": {"labels": chart["PRACTICE_CODE"].to_list(), "values": chart["DIFFERENCE_GBP"].to_list()},
        "network_chart": network_chart(rows)
        .select("NETWORK_CODE", "NATIONAL_PER_HEAD_GBP", "SCHEME_PER_HEAD_GBP")
        .to_dict(as_series=False),
    }


def network_chart(comparison: pl.DataFrame) -> pl.DataFrame:
    """£ per head by network, nationally and under the scheme: the per-head investment chart."""
    return compare_groups(comparison.filter(pl.col("NETWORK_CODE").is_not_null()), by="NETWORK_CODE")


def practice_lines(payments: Payments, user: User, code: str) -> dict:
    if not can_see_practice(user, code):
        raise HTTPException(403, "a practice user sees only its own practice")
    row = payments.comparison.filter(pl.col("PRACTICE_CODE") == code)
    if row.is_empty():
        raise HTTPException(404, f"no practice {code} in {payments.year}")
    national = with_gbp(payments.national.filter(pl.col("PRACTICE_CODE") == code))
    local = with_gbp(payments.local.filter(pl.col("PRACTICE_CODE") == code)) if payments.scheme else None
    shown = local if local is not None else national
    components = shown.group_by("COMPONENT", maintain_order=True).agg(pl.col("AMOUNT_GBP").sum().round(2))
    return {
        "practice": row.row(0, named=True),
        "national": national,
        "local": local,
        "components": components,
        "schedule": practice_schedule(payments, code),
    }


def practice_schedule(payments: Payments, code: str) -> list[dict]:
    """When the practice's national money is paid, month by month (payments/schedule.py): each month's cash and its
    components. The months add up to the year's accrual to the penny."""
    plan = payments.plan.filter(pl.col("PRACTICE_CODE") == code)
    cash = cash_schedule(plan, payments.year).filter(pl.col("CASH_GBP") != 0)
    months = []
    for (month,), parts in cash.group_by("PAID_MONTH", maintain_order=True):
        components = [
            (c.replace("_", " ").lower(), round(v, 2)) for c, v in parts.select("COMPONENT", "CASH_GBP").iter_rows()
        ]
        label = date.fromisoformat(f"{month}-01").strftime("%b %Y")
        after = month > f"{int(payments.year[:4]) + 1}-03"
        months.append({"month": label, "cash": round(parts["CASH_GBP"].sum(), 2), "parts": components, "after": after})
    return months
