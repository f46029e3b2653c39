"""The payments inputs page: the files a commissioner keeps for a year (England's national prevalence, the
practices' weighted lists, local PMS/APMS contracts, per-practice indices, their own parameters, rates and income
protection), which every payments page then uses.
A file is tried in a calculation before it is kept: one that does not read, or does not fit the year's economy, is
refused with its problems and nothing is kept."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from primarycare.ingest.errors import IngestError
from primarycare.payments.errors import PaymentsError
from primarycare.payments.gather import try_input
from primarycare.store.economy import loaded_years
from primarycare.store.payment_inputs import KINDS, file_name, input_content, remove_input, save_input, stored_inputs
from primarycare.web import payments_views as pv
from primarycare.web.deps import CsrfChecked, PageUser
from primarycare.web.pages import render

router = APIRouter(include_in_schema=False)
KEEPERS = ("commissioner", "admin")
ABSENT = {  # what the calculation does without the kind's file
    "national_prevalence": "worked out from the practices loaded",
    "weighted_lists": "estimated from the registered lists",
    "local_contracts": "PMS and APMS practices paid as GMS-equivalent",
    "indices": "every index 1.0",
    "parameters": "the packaged values (national.toml)",
    "rates": "the packaged rates (enhanced_services.toml)",
    "protection": "the packaged list (qof_protection.toml)",
}


def _year(request: Request, user, year: str | None) -> str:
    pv.require_payments_role(user)
    if user.is_practice_user:
        raise HTTPException(403, "payments inputs are for commissioners, governance leads and admins")
    with request.app.state.engine.connect() as conn:
        years = loaded_years(conn)
    if not years:
        raise HTTPException(404, "no economy is loaded")
    if year and year not in years:
        raise HTTPException(404, f"no economy loaded for {year}; loaded: {', '.join(years)}")
    return year or years[-1]


def _page(request: Request, user, year: str, status: int = 200, errors=(), tried: str = ""):
    kept = {item.kind: item for item in stored_inputs(request.app.state.engine, year)}
    context = {"year": year, "kinds": KINDS, "absent": ABSENT, "kept": kept, "errors": list(errors), "tried": tried}
    return render(request, "payment_inputs.html", status=status, user=user, can_keep=user.role in KEEPERS, **context)


@router.get("/payments/inputs")
def inputs_page(request: Request, user: PageUser, year: str | None = None):
    return _page(request, user, _year(request, user, year))


@router.get("/payments/inputs/{kind}")
def kept_file(request: Request, user: PageUser, kind: str, year: str | None = None):
    """The year's file of this kind exactly as it was kept, to see what the figures rest on."""
    year = _year(request, user, year)
    kept = input_content(request.app.state.engine, year, kind)
    if kept is None:
        raise HTTPException(404, f"no {kind} file is kept for {year}")
    name, content = kept
    media = "application/toml" if name.endswith(".toml") else "text/csv"
    plain = name.encode("ascii", "replace").decode().replace('"', "'")  # any name, in any header
    disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


@router.post("/payments/inputs", dependencies=[CsrfChecked])
async def keep_input(
    request: Request,
    user: PageUser,
    kind: Annotated[str, Form()],
    file: Annotated[UploadFile, File(description="the CSV to keep for the year")],
    year: Annotated[str, Form()] = "",
):
    year = _year(request, user, year)
    if user.role not in KEEPERS:
        raise HTTPException(403, "payments inputs are kept by commissioners and admins")
    if kind not in KINDS:
        raise HTTPException(422, f"unknown kind of payments input {kind!r}; kinds: {', '.join(KINDS)}")
    name = file_name(kind, file.filename)
    content = await pv.read_upload(file)
    if content is None:
        return _page(request, user, year, 413, [pv.too_large(name)], kind)
    engine = request.app.state.engine
    try:  # tried in the year's calculation first: what it refuses is never kept
        try_input(engine, year, kind, name, content)
    except IngestError as error:
        return _page(request, user, year, 422, [str(problem) for problem in error.problems], kind)
    except PaymentsError as error:
        return _page(request, user, year, 422, [f"{name}: {error}"], kind)
    save_input(engine, year, kind, name, content, user)
    return RedirectResponse(f"/payments/inputs?year={year}", status_code=303)


@router.post("/payments/inputs/remove", dependencies=[CsrfChecked])
def forget_input(request: Request, user: PageUser, kind: Annotated[str, Form()], year: Annotated[str, Form()] = ""):
    year = _year(request, user, year)
    if user.role not in KEEPERS:
        raise HTTPException(403, "payments inputs are kept by commissioners and admins")
    if not remove_input(request.app.state.engine, year, kind, user):
        raise HTTPException(404, f"no {kind} file is kept for {year}")
    return RedirectResponse(f"/payments/inputs?year={year}", status_code=303)
