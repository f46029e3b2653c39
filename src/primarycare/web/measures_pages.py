"""Measure pages (deciles over time, the organisation's line on top), landing pages of what needs attention, the
printable practice summary, their CSV downloads, and the JSON API for measures, values and attention."""

import io
from typing import Literal

import polars as pl
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from primarycare.measures.attention import goodness, ranked
from primarycare.store import tables as t
from primarycare.store.contracts import open_actions
from primarycare.store.groupings import groupings
from primarycare.store.measures import stored_changes, stored_values
from primarycare.web import measures_views as mv
from primarycare.web.deps import ApiUser, EngineDep, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["measures"])
Kind = Literal["practice", "network", "commissioner"]
ScopeKind = Literal["practice", "network", "commissioner", "grouping"]


def _csv(frame: pl.DataFrame, name: str) -> Response:
    buffer = io.BytesIO()
    frame.write_csv(buffer, float_precision=4)
    return Response(
        buffer.getvalue(), media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _target(engine, user, kind: str | None, code: str | None, grouping: int | None) -> mv.Scope | None:
    if grouping is not None:
        return mv.scope(engine, user, "grouping", str(grouping))
    if user.is_practice_user:
        return mv.scope(engine, user, "practice", user.practice_code)
    if kind and code:
        return mv.scope(engine, user, kind, code)
    return None


def _listing(engine, user, run: dict) -> list[dict]:
    v = t.measure_value.c
    with engine.connect() as conn:
        own = (
            stored_values(conn, v.kind == "practice", v.code == user.practice_code)
            if user.is_practice_user
            else stored_values(conn, v.kind == "practice")
        )
    rows = []
    for m in run["measures"].values():
        part = own.filter(pl.col("measure") == m.id)
        latest = part["year"].max() if part.height else None
        now = part.filter(pl.col("year") == latest) if latest else part
        now = now.with_columns(goodness(pl.lit(m.low_is_good)).alias("good"))
        rows.append(
            {
                "measure": m,
                "latest": latest,
                "worst": int((now["good"] < 10).sum()) if m.attention and now.height else 0,
                "own": now.row(0, named=True) if user.is_practice_user and now.height else None,
            }
        )
    return rows


@router.get("/measures")
def measures(request: Request, engine: EngineDep, user: PageUser):
    mv.require_role(user)
    run = mv.run_or_404(engine)
    return render(request, "measures.html", user=user, run=run, rows=_listing(engine, user, run))


@router.get("/measures/{measure_id}")
def measure(
    request: Request,
    engine: EngineDep,
    user: PageUser,
    measure_id: str,
    kind: Kind | None = None,
    code: str | None = None,
    grouping: int | None = None,
):
    mv.require_role(user)
    run = mv.run_or_404(engine)
    m = mv.measure_or_404(run, measure_id)
    target = _target(engine, user, kind, code, grouping)
    page = mv.measure_page(engine, user, m, target)
    with engine.connect() as conn:
        mine = [] if user.is_practice_user else groupings(conn, user.id)
    return render(request, "measure.html", user=user, run=run, m=m, page=page, target=target, groupings=mine)


@router.get("/measures/{measure_id}/values.csv")
def measure_csv(engine: EngineDep, user: PageUser, measure_id: str, kind: Kind = "practice"):
    mv.require_role(user)
    m = mv.measure_or_404(mv.run_or_404(engine), measure_id)
    v = t.measure_value.c
    where = [v.measure == m.id, v.kind == kind]
    if user.is_practice_user:
        where += [v.kind == "practice", v.code == user.practice_code]
    with engine.connect() as conn:
        frame = stored_values(conn, *where).sort("year", "code")
    return _csv(frame, f"{m.id}-{kind}.csv")


@router.get("/measures/{measure_id}/deciles.csv")
def deciles_csv(engine: EngineDep, user: PageUser, measure_id: str, kind: Kind = "practice"):
    mv.require_role(user)
    m = mv.measure_or_404(mv.run_or_404(engine), measure_id)
    page = mv.measure_page(engine, user, m, None, kind)
    rows = [
        {"measure": m.id, "kind": kind, "year": year, "percentile": int(p), "value": page["deciles"][p][i]}
        for p in page["deciles"]
        for i, year in enumerate(page["years"])
    ]
    return _csv(pl.DataFrame(rows), f"{m.id}-deciles.csv")


@router.get("/attention")
def attention_home(request: Request, engine: EngineDep, user: PageUser):
    mv.require_role(user)
    if user.is_practice_user:
        return RedirectResponse(f"/attention/practice/{user.practice_code}", status_code=303)
    if user.role == "commissioner" and user.commissioner_code:
        return RedirectResponse(f"/attention/commissioner/{user.commissioner_code}", status_code=303)
    from primarycare.web import views

    with engine.connect() as conn:
        mine = groupings(conn, user.id)
    return render(
        request,
        "attention_home.html",
        user=user,
        commissioners=views.commissioners(engine, None),
        networks=views.networks(engine, None),
        groupings=mine,
    )


def _attention(engine, user, kind: str, code: str) -> tuple[dict, mv.Scope, pl.DataFrame, pl.DataFrame]:
    mv.require_role(user)
    run = mv.run_or_404(engine)
    target = mv.scope(engine, user, kind, code)
    items, improving = mv.attention(engine, run, target)
    return run, target, items, improving


@router.get("/attention/{kind}/{code}")
def attention(request: Request, engine: EngineDep, user: PageUser, kind: ScopeKind, code: str, format: str = "html"):
    run, target, items, improving = _attention(engine, user, kind, code)
    if format == "csv":
        columns = ["measure", "name", "year", "kind", "code", "value", "unit", "percentile", "worst_decile",
                   "worsening", "worsening_since", "change_size", "money_gbp"]  # fmt: skip
        return _csv(
            items.select(columns) if items.height else pl.DataFrame(schema=columns), f"attention-{kind}-{code}.csv"
        )
    with engine.connect() as conn:
        actions = open_actions(conn, list(target.practices))
    return render(
        request,
        "attention.html",
        user=user,
        run=run,
        target=target,
        items=items.to_dicts(),
        improving=improving.to_dicts(),
        actions=actions,
    )


@router.get("/practices/{code}/summary")
def practice_summary(request: Request, engine: EngineDep, user: PageUser, code: str):
    """One printable page for a contract review or an inspection: best and worst measures, improving and worsening."""
    mv.require_role(user)
    run = mv.run_or_404(engine)
    target = mv.scope(engine, user, "practice", code)
    v, c = t.measure_value.c, t.measure_change.c
    with engine.connect() as conn:
        values = stored_values(conn, v.kind == "practice", v.code == code)
        changed = stored_changes(conn, c.kind == "practice", c.code == code)
        actions = open_actions(conn, [code])
        list_size = conn.execute(
            select(t.measure_value.c.denominator)
            .where(v.measure == "patients_75_plus", v.kind == "practice", v.code == code)
            .order_by(v.year.desc())
        ).scalar()
    measures = run["measures"]
    rows = [{**r, "m": measures[r["measure"]]} for r in ranked(values, tuple(measures.values()))]
    return render(
        request,
        "practice_summary.html",
        user=user,
        run=run,
        target=target,
        worst=rows[:5],
        best=list(reversed(rows[-5:])) if len(rows) > 5 else list(reversed(rows)),
        changes=[{**ch, "m": measures[ch["measure"]]} for ch in changed.to_dicts() if ch["measure"] in measures],
        actions=actions,
        list_size=list_size,
    )


# ---- JSON API ----


def _definition(m) -> dict:
    return {k: v for k, v in m.__dict__.items()}


@api_router.get("/measures")
def api_measures(engine: EngineDep, user: ApiUser) -> dict:
    """Every measure of the latest computation, with where its percentiles come from."""
    mv.require_role(user)
    run = mv.run_or_404(engine)
    return {"computed_at": run["computed_at"].isoformat(), "population": run["population"],
            "measures": [_definition(m) for m in run["measures"].values()]}  # fmt: skip


@api_router.get("/measures/{measure_id}")
def api_measure(
    engine: EngineDep,
    user: ApiUser,
    measure_id: str,
    kind: Kind | None = None,
    code: str | None = None,
    grouping: int | None = None,
) -> dict:
    """The measure, its deciles by year for the kind asked, and the organisation's own line when one is asked."""
    mv.require_role(user)
    run = mv.run_or_404(engine)
    m = mv.measure_or_404(run, measure_id)
    target = _target(engine, user, kind, code, grouping)
    page = mv.measure_page(engine, user, m, target)
    own = {"kind": target.kind, "code": target.code, "name": target.name, **page["own"]} if target else None
    return {
        "measure": _definition(m),
        "population": run["population"],
        "kind": page["kind"],
        "years": page["years"],
        "deciles": page["deciles"],
        "own": own,
        "half_of_variation": {"practices": page["half"][0], "of": page["half"][1]},
    }


@api_router.get("/measures/{measure_id}/values")
def api_values(engine: EngineDep, user: ApiUser, measure_id: str, kind: Kind = "practice", year: str | None = None):
    """Every organisation's value and percentile (a practice user: its own only)."""
    mv.require_role(user)
    m = mv.measure_or_404(mv.run_or_404(engine), measure_id)
    v = t.measure_value.c
    where = [v.measure == m.id, v.kind == kind]
    if year:
        where.append(v.year == year)
    if user.is_practice_user:
        where += [v.kind == "practice", v.code == user.practice_code]
    with engine.connect() as conn:
        return {"measure": m.id, "kind": kind, "values": stored_values(conn, *where).sort("year", "code").to_dicts()}


@api_router.get("/practices/{code}/measures")
def api_practice_measures(engine: EngineDep, user: ApiUser, code: str) -> dict:
    """The practice's value and percentile on every measure and year, and the changes found."""
    mv.require_role(user)
    mv.run_or_404(engine)
    mv.scope(engine, user, "practice", code)
    v, c = t.measure_value.c, t.measure_change.c
    with engine.connect() as conn:
        values = stored_values(conn, v.kind == "practice", v.code == code).sort("measure", "year")
        changed = stored_changes(conn, c.kind == "practice", c.code == code)
    return {"practice": code, "values": values.to_dicts(), "changes": changed.to_dicts()}


@api_router.get("/attention/{kind}/{code}")
def api_attention(engine: EngineDep, user: ApiUser, kind: ScopeKind, code: str) -> dict:
    """What needs attention in the organisation (or the user's grouping), most important first."""
    run, target, items, improving = _attention(engine, user, kind, code)
    keep = ["measure", "name", "year", "kind", "code", "value", "unit", "percentile", "worst_decile", "worsening",
            "worsening_since", "money_gbp"]  # fmt: skip
    return {
        "scope": {"kind": target.kind, "code": target.code, "name": target.name},
        "items": items.select(keep).to_dicts() if items.height else [],
        "improving": improving.to_dicts(),
    }
