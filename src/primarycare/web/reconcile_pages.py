"""The commissioner's reconciliation view: upload the year's published payments file, see computed against paid."""

import io
import tempfile
from pathlib import Path
from typing import Annotated

import polars as pl
from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response

from primarycare.filenames import kept_name
from primarycare.ingest.errors import IngestError
from primarycare.payments import synthetic_paid as synthetic
from primarycare.payments.paid import read_paid
from primarycare.payments.reconcile import global_sum_rates, qof_as_cash, reconcile, summary
from primarycare.web import payments_views as pv
from primarycare.web.deps import CsrfChecked, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
SHOWN = 200  # flagged rows listed on the page; the CSV has them all
RATES_SHOWN = 20  # practices whose global sum per weighted patient differs most


def _payments(request: Request, user, year: str | None) -> pv.Payments:
    pv.require_payments_role(user)
    if user.is_practice_user:
        raise HTTPException(403, "reconciliation is for commissioners, governance leads and admins")
    return pv.calculate(request, year or None, None)


@router.get("/payments/reconcile")
def reconcile_form(request: Request, user: PageUser, year: str | None = None):
    payments = _payments(request, user, year)
    return render(request, "reconcile.html", user=user, payments=payments, threshold=5.0, result=None, errors=[])


@router.get("/payments/reconcile/demo-paid.csv")
def demo_paid(request: Request, user: PageUser, year: str | None = None):
    """In demo mode: a synthetic paid file for the year (payments/synthetic_paid.py), to upload above."""
    if not request.app.state.settings.demo:
        raise HTTPException(404, "a synthetic paid file is offered in demo mode only")
    payments = _payments(request, user, year)
    params, label = synthetic.paid_parameters()
    practices = synthetic.paid_practices(payments.context, payments.comparison)
    before = pv.prior_year_lines(request, payments.year)
    paid = synthetic.synthetic_paid(payments.year, payments.national, practices, params, 1, before, label)
    headers = {"Content-Disposition": f'attachment; filename="synthetic-nhs-payments-{payments.year}.csv"'}
    return Response(synthetic.published_csv(paid), media_type="text/csv", headers=headers)


@router.post("/payments/reconcile", dependencies=[CsrfChecked])
async def reconcile_upload(
    request: Request,
    user: PageUser,
    paid: Annotated[UploadFile, File(description="NHS Payments to General Practice CSV")],
    year: Annotated[str, Form()] = "",
    threshold: Annotated[float, Form(ge=0)] = 5.0,
    download: Annotated[str, Form()] = "",
):
    payments = _payments(request, user, year)
    name = kept_name(paid.filename, "paid.csv")
    content = await pv.read_upload(paid)
    if content is None:
        errors = [pv.too_large(name)]
        context = {"payments": payments, "threshold": threshold, "result": None, "errors": errors}
        return render(request, "reconcile.html", status=413, user=user, **context)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            published = read_paid(path)
        except IngestError as error:
            errors = [str(p) for p in error.problems]
            context = {"payments": payments, "threshold": threshold, "result": None, "errors": errors}
            return render(request, "reconcile.html", status=422, user=user, **context)
    before = pv.prior_year_lines(request, payments.year)
    rows = reconcile(payments.national, payments.context, published, threshold, before)
    if download:
        buffer = io.BytesIO()
        rows.write_csv(buffer, float_precision=2)
        headers = {"Content-Disposition": f'attachment; filename="reconcile-{payments.year}.csv"'}
        return Response(buffer.getvalue(), media_type="text/csv", headers=headers)
    flagged = rows.filter(pl.col("FLAG") == "Y").sort(pl.col("DIFFERENCE_GBP").abs(), descending=True, nulls_last=False)
    points = rows.filter(pl.col("COMPUTED_GBP").is_not_null() & pl.col("PAID_GBP").is_not_null())
    chart = {
        item: points.filter(pl.col("ITEM") == item)
        .select("PRACTICE_CODE", "PAID_GBP", "COMPUTED_GBP", "FLAG")
        .to_dict(as_series=False)
        for item in ("GLOBAL_SUM", "QOF", "ENHANCED_SERVICES", "TOTAL")
    }
    rates = global_sum_rates(rows, payments.context, published).filter(pl.col("DIFFERENCE_PCT").is_not_null())
    result = {
        "file": name,
        "qof_cash": qof_as_cash(payments.national, before),
        "rates": rates.sort(pl.col("DIFFERENCE_PCT").abs(), descending=True).head(RATES_SHOWN).to_dicts(),
        "rates_count": rates.height,
        "summary": summary(rows).to_dicts(),
        "flagged": flagged.head(SHOWN).to_dicts(),
        "flagged_count": flagged.height,
        "chart": chart,
    }
    return render(
        request, "reconcile.html", user=user, payments=payments, threshold=threshold, result=result, errors=[]
    )
