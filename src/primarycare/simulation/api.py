"""The Python API: Model(economy, scenario).run(replications=..., seed=...) -> Results with polars frames."""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from primarycare.economy.model import Economy
from primarycare.simulation.calendar import WEEKS, month_labels, year_calendar
from primarycare.simulation.deprivation import practice_fifths
from primarycare.simulation.model import rate_scale, simulate
from primarycare.simulation.parameters import Defaults, Scenario, load_defaults, varied
from primarycare.simulation.population import (
    band_matrix,
    female_share,
    keeps_ooh,
    network_index,
    population_from_economy,
    practice_counts,
    practice_positions,
)
from primarycare.simulation.prices import unit_costs
from primarycare.simulation.results import (
    add_up,
    day_frame,
    kpis,
    month_frame,
    practice_frame,
    queue_frame,
    summarise,
)
from primarycare.simulation.rotas import load_default_rotas, scaled
from primarycare.simulation.runners import run_chunks

PILOT = 2**31 - 1  # the warm-start pilot's replication number: random numbers apart from every replication's
PRACTICE_COUNTS = ("same_day_needs", "failed_access", "ae_after_failed_access", "ooh_needs")


def _chunk(job: tuple) -> dict:
    scenario, defaults, year, part, scale, seed, replication, chunk, warmup, backlog = job
    patients, keeps, rotas, network, fifths, female, positions, palliative, care_home = part
    return simulate(
        scenario,
        defaults,
        year,
        patients,
        scale,
        seed=seed,
        replication=replication,
        chunk=chunk,
        warmup_weeks=warmup,
        keeps_ooh=keeps,
        rotas=rotas,
        network=network,
        deprivation=fifths,
        female_share=female,
        positions=positions,
        palliative_register=palliative,
        care_home=care_home,
        routine_backlog=backlog,
    )


@dataclass(frozen=True)
class Results:
    scenario: Scenario
    replications: pl.DataFrame  # one row per replication, a column per KPI
    ae_by_hour: pl.DataFrame  # replication, hour_of_week, arrivals (type 1 A&E), minor_unit_arrivals (a week's mean)
    practices: pl.DataFrame  # replication, practice_code, same-day needs, failed access, A&E after it (counted weeks)
    months: pl.DataFrame  # replication, month (YYYY-MM), calls_111, ooh_cases, clock_met, ae_attendances, failed_access
    queues: pl.DataFrame  # replication, station, hour_of_week, waiting (mean number waiting at the hour's start)
    days: pl.DataFrame  # replication, date (working days, warm-up too), routine_waiting, same_day_requests, failed
    events: float
    seconds: float

    def summary(self) -> dict:
        return summarise(self.replications)

    def practice_means(self) -> pl.DataFrame:
        """practice_code, same_day_needs, failed_access, ae_after_failed_access (means per replication),
        failed_access_share (failed ÷ same-day needs), then ooh_needs (mean per replication)."""
        ae = pl.col("ae_failed_access") + pl.col("ae_failed_access_via_111")
        means = (
            self.practices.with_columns(ae.alias("ae_after_failed_access"))
            .group_by("practice_code", maintain_order=True)
            .agg(pl.col(*PRACTICE_COUNTS).mean())
        )
        share = pl.when(pl.col("same_day_needs") > 0).then(pl.col("failed_access") / pl.col("same_day_needs"))
        return means.with_columns(share.alias("failed_access_share")).select(
            "practice_code", *PRACTICE_COUNTS[:3], "failed_access_share", *PRACTICE_COUNTS[3:]
        )

    def month_means(self) -> pl.DataFrame:
        """month, each count's mean per replication, and the OOH clock's compliance that month; months with no
        counted need (the warm-up) left out."""
        columns = [c for c in self.months.columns if c not in ("replication", "month")]
        means = self.months.group_by("month", maintain_order=True).agg(pl.col(columns).mean())
        compliance = pl.when(pl.col("ooh_cases") > 0).then(pl.col("clock_met") / pl.col("ooh_cases"))
        kept = means.filter(pl.sum_horizontal(columns) > 0)
        return kept.with_columns(compliance.alias("ooh_clock_compliance"))

    def organisation_means(self, population: pl.DataFrame, column: str) -> pl.DataFrame:
        """The practices' means added up by ``column`` of the population (network_code, commissioner_code,
        deprivation_fifth), with registered patients, the failed-access share and OOH needs per 1,000."""
        owners = population.group_by("practice_code").agg(pl.col(column).first(), pl.col("patients").sum())
        summed = (
            self.practice_means()
            .join(owners, on="practice_code")
            .group_by(column)
            .agg(pl.len().alias("practices"), pl.col("patients", *PRACTICE_COUNTS).sum())
        )
        share = pl.when(pl.col("same_day_needs") > 0).then(pl.col("failed_access") / pl.col("same_day_needs"))
        per_1000 = pl.when(pl.col("patients") > 0).then(pl.col("ooh_needs") / pl.col("patients") * 1000)
        return summed.with_columns(share.alias("failed_access_share"), per_1000.alias("ooh_needs_per_1000")).sort(
            column
        )

    def queue_means(self) -> pl.DataFrame:
        """station, hour_of_week, waiting: the mean over replications."""
        return self.queues.group_by("station", "hour_of_week", maintain_order=True).agg(pl.col("waiting").mean())

    def ae_mean_by_hour(self) -> pl.DataFrame:
        means = pl.col("arrivals", "minor_unit_arrivals").mean()
        return self.ae_by_hour.group_by("hour_of_week").agg(means).sort("hour_of_week")


class Model:
    """The whole economy's year under a scenario. ``population``: an Economy, or a frame of practice_code,
    commissioner_code, age_band, patients (see population.py). Chunks are (replication, commissioner)."""

    def __init__(
        self,
        population: Economy | pl.DataFrame,
        scenario: Scenario,
        *,
        warmup_weeks: int = 1,
        defaults: Defaults | None = None,
        workforce: dict[str, dict[str, np.ndarray]] | None = None,
        pilot_weeks: int = 0,
    ):
        """``workforce``: commissioners' own rotas (rotas.read_workforce); the default rotas for the others.
        ``pilot_weeks``: a warm start for the practices' routine books (warm_books); 0: they start empty."""
        self.population = population_from_economy(population) if isinstance(population, Economy) else population
        self.scenario = scenario
        self.warmup_weeks = warmup_weeks
        self.pilot_weeks = pilot_weeks
        self._books: dict[int, list] = {}
        self.defaults = defaults or load_defaults()
        commissioners = sorted(set(self.population["commissioner_code"]))
        frames = [self.population.filter(pl.col("commissioner_code") == c) for c in commissioners]
        chunks = [band_matrix(frame) for frame in frames]
        # one chunk per commissioner: practices x age bands, which practices kept OOH responsibility, fixed rotas,
        # each practice's network and deprivation fifth, the female share of each band, the practices' positions and
        # palliative care registers and care-home residents
        self.commissioners = commissioners
        self.parts = [
            (
                matrix,
                keeps_ooh(self.population, codes),
                self._rotas(c, matrix.sum(), workforce or {}),
                network_index(self.population, codes),
                practice_fifths(self.population, codes),
                female_share(frame),
                practice_positions(self.population, codes),
                practice_counts(self.population, codes, "palliative_register"),
                practice_counts(self.population, codes, "care_home_residents"),
            )
            for c, frame, (codes, matrix) in zip(commissioners, frames, chunks, strict=True)
        ]
        self.codes = [code for codes, _ in chunks for code in codes]  # the chunks' practices, in order

    def _rotas(self, commissioner: str, registered: float, workforce: dict) -> dict | None:
        if self.scenario["rota_planning"] == "plan_to_demand":
            return None
        return scaled(load_default_rotas(), registered) | workforce.get(commissioner, {})

    def jobs(self, replications: int, seed: int, first: int = 0) -> list[tuple]:
        year = year_calendar(self.scenario.year, WEEKS + self.warmup_weeks, self.warmup_weeks)
        books, scale = self.warm_books(seed), self.scales()
        return [
            (self.scenario, self.defaults, year, part, scale, seed, r, c, self.warmup_weeks, books[c])
            for r in range(first, first + replications)
            for c, part in enumerate(self.parts)
        ]

    def scales(self) -> dict[str, float]:
        """The rate scales (model.rate_scale) of the whole population under the scenario."""
        _, everyone = band_matrix(self.population)
        return rate_scale(everyone, self.defaults, self.scenario.values)

    def warm_books(self, seed: int, **runner) -> list:
        """Per chunk: each practice's routine book as a pilot run left it, None each without one. The pilot starts
        with empty books ``pilot_weeks`` before this run's warm-up and ends where the warm-up begins, on random
        numbers of its own (replication PILOT), so every replication starts from the same warm state; the routine
        book is the one part of the model that fills over months (simulation/warmup.py measures it). ``runner``:
        run_chunks' options, for the pilot's chunks."""
        if not self.pilot_weeks:
            return [None] * len(self.parts)
        if seed not in self._books:
            year = year_calendar(self.scenario.year, self.pilot_weeks, self.pilot_weeks + self.warmup_weeks)
            scale = self.scales()
            pilots = [
                (self.scenario, self.defaults, year, part, scale, seed, PILOT, c, 0, None)
                for c, part in enumerate(self.parts)
            ]
            self._books[seed] = [out["routine_backlog"] for out in run_chunks(_chunk, pilots, **runner)]
        return self._books[seed]

    def run(
        self,
        replications: int = 10,
        seed: int = 1,
        *,
        runner: str = "local",
        workers: int | None = None,
        ray_address: str | None = None,
        progress=None,
    ) -> Results:
        return run_scenarios(
            [self], replications, seed, runner=runner, workers=workers, ray_address=ray_address, progress=progress
        )[0]

    def results(self, outputs: list[dict], replications: int, seconds: float, first: int = 0) -> Results:
        rows, hours, practices, months, queues, days, events = [], [], [], [], [], [], 0.0
        calendar = year_calendar(self.scenario.year, WEEKS + self.warmup_weeks, self.warmup_weeks)
        labels = month_labels(calendar)
        dates = [calendar.start + timedelta(days=int(d)) for d in np.flatnonzero(calendar.working_day)]
        per_replication = len(outputs) // replications
        costs = unit_costs(self.scenario.values, self.defaults)
        for r in range(first, first + replications):
            chunks = outputs[(r - first) * per_replication : (r - first + 1) * per_replication]
            totals, by_hour, weeks = add_up(chunks)
            rows.append({"replication": r, **kpis(totals, costs)})
            arrivals = {"arrivals": by_hour[0] / weeks, "minor_unit_arrivals": by_hour[1] / weeks}
            hours.append(pl.DataFrame({"replication": r, "hour_of_week": np.arange(168), **arrivals}))
            practices.append(practice_frame(r, self.codes, chunks))
            months.append(month_frame(r, labels, chunks))
            queues.append(queue_frame(r, chunks))
            days.append(day_frame(r, dates, chunks))
            events += totals["events"]
        frames = (pl.DataFrame(rows), pl.concat(hours), pl.concat(practices), pl.concat(months), pl.concat(queues))
        frames = (*frames, pl.concat(days))
        return Results(self.scenario, *frames, events, seconds)


def run_scenarios(
    models: list[Model],
    replications: int = 10,
    seed: int = 1,
    *,
    runner: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    progress=None,
    first: int = 0,
) -> list[Results]:
    """Several scenarios' replications in one go: every (scenario, replication, commissioner) chunk goes to the
    runner together, so scenarios run in parallel as well as replications. Same seed: common random numbers.
    ``first``: the number of the first replication (more replications of an earlier run continue from there)."""
    import time

    if replications < 1:
        raise ValueError("at least one replication")
    started = time.perf_counter()
    for model in models:  # the warm starts first, on the same runner
        model.warm_books(seed, runner=runner, workers=workers, ray_address=ray_address)
    jobs = [model.jobs(replications, seed, first) for model in models]
    every = [job for batch in jobs for job in batch]
    outputs = run_chunks(
        _chunk,
        every,
        runner,
        workers=workers,
        ray_address=ray_address,
        progress=progress,
        weights=[float(job[3][0].sum()) for job in every],
    )
    seconds = time.perf_counter() - started
    results, start = [], 0
    for model, batch in zip(models, jobs, strict=True):
        results.append(model.results(outputs[start : start + len(batch)], replications, seconds, first))
        start += len(batch)
    return results


def plan_rotas(
    population: Economy | pl.DataFrame, scenario: Scenario, replications: int = 2, seed: int = 1, warmup_weeks: int = 1
) -> dict[str, dict[str, np.ndarray]]:
    """The rotas each commissioner's stations would need for the scenario, planned to its simulated demand
    (rota_planning: plan_to_demand), the mean of the replications' plans rounded up: a workforce to fix."""
    planning = varied(scenario, {"rota_planning": "plan_to_demand"}, scenario.name)
    planner = Model(population, planning, warmup_weeks=warmup_weeks)
    outputs = run_chunks(_chunk, planner.jobs(replications, seed))
    count = len(planner.commissioners)
    return {
        commissioner: {
            name: np.ceil(np.mean([outputs[r * count + c]["rotas"][name] for r in range(replications)], axis=0)).astype(
                np.int64
            )
            for name in outputs[c]["rotas"]
        }
        for c, commissioner in enumerate(planner.commissioners)
    }
