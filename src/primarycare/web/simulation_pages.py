"""Run a scenario from the web as a background job and see its KPIs and charts."""

import io
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from primarycare.access.roles import User
from primarycare.simulation.kpis import KPIS
from primarycare.simulation.tornado import EXPLAINED, tornado_sections
from primarycare.web.deps import ApiUser, CsrfChecked, PageUser
from primarycare.web.pages import render
from primarycare.web.simulation_jobs import Job, SimulationJobs

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["simulation"])
SIMULATION_ROLES = ("commissioner", "governance_lead", "admin")


def _jobs(request: Request, user: User) -> SimulationJobs:
    if user.role not in SIMULATION_ROLES:
        raise HTTPException(403, "scenario runs are for commissioners, governance leads and admins")
    return request.app.state.simulation


def _job(request: Request, user: User, job_id: str) -> Job:
    job = _jobs(request, user).jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no simulation job {job_id}")
    return job


@router.get("/simulation")
def simulation_page(request: Request, user: PageUser):
    jobs = _jobs(request, user)
    return render(request, "simulation.html", user=user, scenarios=list(jobs.scenarios()), jobs=jobs.recent())


@router.post("/simulation", dependencies=[CsrfChecked])
def start(
    request: Request,
    user: PageUser,
    scenario: Annotated[str, Form()],
    replications: Annotated[int, Form(ge=1, le=50)] = 5,
    seed: Annotated[int, Form(ge=0)] = 1,
):
    return _submit(request, user, scenario, replications, seed, "run")


@router.post("/simulation/sensitivity", dependencies=[CsrfChecked])
def start_sensitivity(
    request: Request,
    user: PageUser,
    scenario: Annotated[str, Form()],
    replications: Annotated[int, Form(ge=1, le=5)] = 2,
    seed: Annotated[int, Form(ge=0)] = 1,
):
    """Every assumption varied around a scenario (one at a time, then a Latin hypercube), in the background."""
    return _submit(request, user, scenario, replications, seed, "sensitivity")


def _submit(request: Request, user: User, scenario: str, replications: int, seed: int, kind: str):
    jobs = _jobs(request, user)
    if scenario not in jobs.scenarios():
        raise HTTPException(422, f"no scenario {scenario!r}")
    job = jobs.submit(scenario, replications, seed, user.username, kind=kind)
    return RedirectResponse(f"/simulation/jobs/{job.id}", status_code=303)


@router.get("/simulation/jobs/{job_id}")
def job_page(request: Request, user: PageUser, job_id: str):
    job = _job(request, user, job_id)
    context = {"user": user, "job": job, "kpis": KPIS, "summary": None, "charts": None, "tornadoes": None}
    if job.sensitivity is not None:
        context["tornadoes"] = tornado_sections(job.sensitivity)
        context["explained"] = EXPLAINED
    if job.results is not None:
        hours = job.results.ae_mean_by_hour()
        reps = job.results.replications
        context["summary"] = job.results.summary()
        context["charts"] = {
            "hours": hours["hour_of_week"].to_list(),
            "arrivals": hours["arrivals"].to_list(),
            "replications": reps["replication"].to_list(),
            "compliance": reps["ooh_clock_compliance"].to_list(),
            "utilisation": reps["practice_utilisation"].to_list(),
        }
    return render(request, "simulation_job.html", **context)


@router.get("/simulation/jobs/{job_id}/ae_arrivals_by_hour_of_week.csv")
def job_csv(request: Request, user: PageUser, job_id: str):
    job = _job(request, user, job_id)
    if job.results is None:
        raise HTTPException(409, f"job {job_id} is {job.status}" if job.kind == "run" else "a sensitivity run")
    buffer = io.BytesIO()
    job.results.ae_mean_by_hour().write_csv(buffer)
    return Response(
        buffer.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="ae_arrivals_by_hour_of_week.csv"'},
    )


@api_router.get("/simulation/jobs/{job_id}", summary="A scenario run's status and, when done, its KPIs with 95% CIs")
def job_api(request: Request, user: ApiUser, job_id: str) -> dict:
    job = _job(request, user, job_id)
    return {
        "id": job.id,
        "status": job.status,
        "scenario": job.scenario_file,
        "replications": job.replications,
        "seed": job.seed,
        "year": job.year,
        "error": job.error,
        "summary": job.results.summary() if job.results is not None else None,
    }
