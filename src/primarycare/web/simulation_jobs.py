"""Scenario runs from the web: queued on one background worker thread, kept in memory while the app runs."""

import threading
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from primarycare.store.economy import read_economy

if TYPE_CHECKING:
    from primarycare.simulation.api import Results
    from primarycare.simulation.sensitivity import Sensitivity


@dataclass
class Job:
    id: str
    scenario_file: str
    replications: int
    seed: int
    owner: str
    status: str = "queued"
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    results: "Results | None" = None
    error: str | None = None
    year: str | None = None
    kind: str = "run"  # run, or sensitivity (every assumption varied around the scenario)
    sensitivity: "Sensitivity | None" = None


class SimulationJobs:
    def __init__(self, engine: Engine, scenarios_dir: str):
        self.engine = engine
        self.folder = Path(scenarios_dir)
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simulation")
        self.stopping = threading.Event()  # set at shutdown: a long job stops at its next chunk

    def scenarios(self) -> dict[str, Path]:
        return {p.stem: p for p in sorted(self.folder.glob("*.yaml"))} if self.folder.is_dir() else {}

    def submit(self, scenario: str, replications: int, seed: int, owner: str, kind: str = "run") -> Job:
        path = self.scenarios()[scenario]
        job = Job(uuid.uuid4().hex[:12], str(path), replications, seed, owner, kind=kind)
        with self.lock:
            self.jobs[job.id] = job
        self.pool.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        from primarycare.simulation.api import Model  # the engine is compiled on first use, not at start-up
        from primarycare.simulation.parameters import load_scenario
        from primarycare.simulation.warmup import PILOT_WEEKS

        job.status = "running"
        try:
            economy = read_economy(self.engine, with_qof=True)  # the palliative care registers
            job.year = economy.year
            scenario = load_scenario(Path(job.scenario_file))
            if job.kind == "sensitivity":
                from primarycare.simulation.sensitivity import analyse

                job.sensitivity = analyse(
                    economy, scenario, replications=job.replications, seed=job.seed, progress=self._tick
                )
            else:
                model = Model(economy, scenario, pilot_weeks=PILOT_WEEKS)  # the routine books start warm
                job.results = model.run(job.replications, job.seed, progress=self._tick)
            job.status = "done"
        except Exception as failure:  # the page shows what went wrong; the app keeps serving
            job.error = f"{type(failure).__name__}: {failure}"
            job.status = "failed"
            traceback.print_exc()

    def _tick(self, _chunks: int) -> None:
        if self.stopping.is_set():
            raise RuntimeError("the app is shutting down: run stopped")

    def recent(self) -> list[Job]:
        with self.lock:
            return sorted(self.jobs.values(), key=lambda j: j.created, reverse=True)[:20]

    def shutdown(self) -> None:
        self.stopping.set()
        self.pool.shutdown(wait=False, cancel_futures=True)
