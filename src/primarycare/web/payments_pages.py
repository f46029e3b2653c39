"""Payments pages, CSV downloads and API: commissioners see every practice; a practice user only its own."""

import io
from typing import Annotated

import polars as pl
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from primarycare.payments.inputs import with_gbp
from primarycare.web import payments_views as pv
from primarycare.web.deps import ApiUser, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["payments"])
SORTABLE = (
    "PRACTICE_CODE",
    "PRACTICE_NAME",
    "NETWORK_CODE",
    "PATIENTS",
    "NATIONAL_GBP",
    "SCHEME_GBP",
    "DIFFERENCE_GBP",
    "NATIONAL_PER_HEAD_GBP",
    "SCHEME_PER_HEAD_GBP",
    "DIFFERENCE_PER_HEAD_GBP",
)
Scheme = Annotated[str, Query(description="a scheme file's name in the schemes folder, e.g. somerset")]


def _csv(frame: pl.DataFrame, name: str) -> Response:
    buffer = io.BytesIO()
    frame.write_csv(buffer, float_precision=2)
    return Response(
        buffer.getvalue(), media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _commissioner_view(request: Request, user, year, scheme: str, group: str, practices: str):
    pv.require_payments_role(user)
    if user.is_practice_user:
        return None
    payments = pv.calculate(request, year, scheme or None)
    saved = pv.saved_grouping(request.app.state.engine, user, group)
    rows, label = pv.group_filter(payments.comparison, group, practices, saved)
    return payments, rows, label


@router.get("/payments")
def payments_page(
    request: Request,
    user: PageUser,
    year: str | None = None,
    scheme: Scheme = "",
    group: str = "",
    practices: str = "",
    sort: str = "DIFFERENCE_GBP",
    desc: bool = False,
):
    view = _commissioner_view(request, user, year, scheme, group, practices)
    if view is None:
        return RedirectResponse(f"/payments/practices/{user.practice_code}", status_code=303)
    payments, rows, label = view
    return render(
        request,
        "payments.html",
        user=user,
        payments=payments,
        label=label,
        schemes=list(pv.schemes(request)),
        scheme=scheme,
        group=group,
        practices=practices,
        groupings=pv.user_groupings(request.app.state.engine, user),
        desc=desc,
        query=request.url.query,
        **pv.landing(payments, rows, sort if sort in SORTABLE else "DIFFERENCE_GBP", desc),
    )


@router.get("/payments/{table}.csv")
def table_csv(
    request: Request,
    user: PageUser,
    table: str,
    year: str | None = None,
    scheme: Scheme = "",
    group: str = "",
    practices: str = "",
):
    """compare.csv (the table), networks.csv (the £ per head chart) or lines.csv (every line item)."""
    if table not in ("compare", "networks", "lines"):
        raise HTTPException(404, f"no table {table}.csv")
    view = _commissioner_view(request, user, year, scheme, group, practices)
    if view is None:
        return RedirectResponse(f"/payments/practices/{user.practice_code}.csv", status_code=303)
    payments, rows, _ = view
    frame = {"compare": rows, "networks": pv.network_chart(rows), "lines": with_gbp(payments.local)}[table]
    return _csv(frame, f"{table}-{payments.year}-{scheme or 'national'}.csv")


@router.get("/payments/practices/{code}.csv")
def practice_csv(request: Request, user: PageUser, code: str, year: str | None = None, scheme: Scheme = ""):
    pv.require_payments_role(user)
    detail = pv.practice_lines(pv.calculate(request, year, scheme or None), user, code)
    return _csv(detail["local"] if detail["local"] is not None else detail["national"], f"payments-{code}.csv")


@router.get("/payments/practices/{code}")
def practice_page(request: Request, user: PageUser, code: str, year: str | None = None, scheme: Scheme = ""):
    pv.require_payments_role(user)
    payments = pv.calculate(request, year, scheme or None)
    detail = pv.practice_lines(payments, user, code)
    return render(
        request,
        "payment_practice.html",
        user=user,
        payments=payments,
        scheme=scheme,
        schemes=list(pv.schemes(request)),
        practice=detail["practice"],
        national=detail["national"].to_dicts(),
        components=detail["components"].to_dicts(),
        local=detail["local"].to_dicts() if detail["local"] is not None else None,
        schedule=detail["schedule"],
    )


@api_router.get("/payments/practices/{code}", summary="A practice's national line items (and a scheme's)")
def api_practice(request: Request, user: ApiUser, code: str, year: str | None = None, scheme: Scheme = "") -> dict:
    pv.require_payments_role(user)
    payments = pv.calculate(request, year, scheme or None)
    detail = pv.practice_lines(payments, user, code)
    return {
        "year": payments.year,
        "scheme": payments.scheme.name if payments.scheme else None,
        "summary": detail["practice"],
        "national": detail["national"].to_dicts(),
        "scheme_lines": detail["local"].to_dicts() if detail["local"] is not None else None,
        "schedule": detail["schedule"],
        "warnings": list(payments.warnings),
    }


@api_router.get("/payments/compare", summary="Every practice nationally and under a scheme")
def api_compare(
    request: Request, user: ApiUser, year: str | None = None, scheme: Scheme = "", group: str = "", practices: str = ""
) -> dict:
    view = _commissioner_view(request, user, year, scheme, group, practices)
    if view is None:
        own = pv.practice_lines(pv.calculate(request, year, scheme or None), user, user.practice_code)
        return {"practices": [own["practice"]]}
    payments, rows, label = view
    return {
        "year": payments.year,
        "scheme": payments.scheme.name if payments.scheme else None,
        "group": label,
        "practices": rows.to_dicts(),
        "warnings": list(payments.warnings),  # what a reader of the figures must know, and the kept inputs used
    }
