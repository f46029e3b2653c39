"""What a run leaves in its folder: summary.json, per-replication tables, A&E by hour of week and a chart report."""

import json
import math
from html import escape
from importlib import resources
from pathlib import Path
from string import Template

import polars as pl

from primarycare.simulation.api import Results
from primarycare.simulation.results import KPIS
from primarycare.simulation.stats import difference_ci
from primarycare.simulation.warmup import daily_means


def write_results(
    results: Results,
    out: Path,
    *,
    seed: int,
    runner: str,
    economy: str,
    precision: float | None = None,
    population: pl.DataFrame | None = None,
    start: dict | None = None,
) -> list[Path]:
    """``population`` (the model's): also networks.csv and commissioners.csv, the practices' results added up."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = results.summary()
    document = {
        **summary,
        "run": {
            "scenario": results.scenario.name,
            "description": results.scenario.description,
            "year": results.scenario.year,
            "overrides": results.scenario.overrides,
            "replications": results.replications.height,
            "precision": precision,  # the target relative half-width the replications were run to, if one
            **(start or {}),  # warmup_weeks and pilot_weeks, where given
            "seed": seed,
            "runner": runner,
            "economy": economy,
            "events": results.events,
            "seconds": round(results.seconds, 3),
            "kpi_descriptions": KPIS,
        },
    }
    written = [
        out / "summary.json",
        out / "replications.csv",
        out / "replications.parquet",
        out / "ae_arrivals_by_hour_of_week.csv",
        out / "ae_arrivals_by_hour_of_week.parquet",
        out / "report.html",
        out / "practices.csv",
        out / "months.csv",
        out / "queues_by_hour_of_week.csv",
    ]
    written[0].write_text(json.dumps(_strict(document), indent=2, allow_nan=False))
    results.replications.write_csv(written[1])
    results.replications.write_parquet(written[2])
    results.ae_mean_by_hour().write_csv(written[3])
    results.ae_by_hour.write_parquet(written[4])
    written[5].write_text(report(results, summary))
    practices = results.practice_means()
    given = [
        c for c in ("deprivation_fifth", "care_home_residents") if population is not None and c in population.columns
    ]
    if given:
        attributes = population.group_by("practice_code").agg(pl.col(given).first())
        practices = practices.join(attributes, on="practice_code", how="left")
    practices.write_csv(written[6])
    results.month_means().write_csv(written[7])
    results.queue_means().write_csv(written[8])
    daily_means(results.days).write_csv(out / "days.csv")
    written.append(out / "days.csv")
    for column, name in (
        ("network_code", "networks.csv"),
        ("commissioner_code", "commissioners.csv"),
        ("deprivation_fifth", "deprivation.csv"),
    ):
        if population is not None and column in population.columns:
            results.organisation_means(population, column).write_csv(out / name)
            written.append(out / name)
    return written


def _strict(value):
    """The document as strict JSON: a number that is not one (one replication's interval) is null."""
    if isinstance(value, dict):
        return {key: _strict(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(inner) for inner in value]
    return None if isinstance(value, float) and not math.isfinite(value) else value


def read_summary(folder: Path) -> dict:
    """summary.json, each KPI's missing interval (null) read back as NaN."""
    path = Path(folder) / "summary.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no summary.json (run primarycare simulate --out {folder} first)")
    document = json.loads(path.read_text())
    for name in KPIS:
        if isinstance(document.get(name), dict):
            document[name] = {k: math.nan if v is None else v for k, v in document[name].items()}
    return document


def read_replications(folder: Path) -> pl.DataFrame | None:
    path = Path(folder) / "replications.parquet"
    return pl.read_parquet(path) if path.is_file() else None


def paired(first: dict, second: dict, first_reps: pl.DataFrame, second_reps: pl.DataFrame) -> bool:
    """Two runs are paired when they used the same seed and the same replications: replication i of each drew
    the same random numbers, so their differences are compared one by one."""
    same_seed = first["run"].get("seed") is not None and first["run"].get("seed") == second["run"].get("seed")
    ids = first_reps["replication"].sort().to_list()
    return same_seed and ids == second_reps["replication"].sort().to_list()


def compare(
    first: dict, second: dict, first_reps: pl.DataFrame | None = None, second_reps: pl.DataFrame | None = None
) -> pl.DataFrame:
    """KPI by KPI: both means with CIs, the difference, whether the two intervals overlap, and (given both runs'
    replications) the difference's own 95% CI, paired replication by replication when the runs share their seed
    (common random numbers) and Welch's otherwise, with whether it excludes zero."""
    with_reps = first_reps is not None and second_reps is not None
    method = ("paired" if paired(first, second, first_reps, second_reps) else "welch") if with_reps else None
    rows = []
    for name in KPIS:
        a, b = first[name], second[name]
        row = {
            "kpi": name,
            "first_mean": a["mean"],
            "first_ci": interval_text(a, "-"),
            "second_mean": b["mean"],
            "second_ci": interval_text(b, "-"),
            "difference": b["mean"] - a["mean"],
            "intervals_overlap": not (a["ci_high"] < b["ci_low"] or b["ci_high"] < a["ci_low"]),
        }
        if method is not None and name in first_reps.columns and name in second_reps.columns:
            x = first_reps.sort("replication")[name].to_numpy()
            y = second_reps.sort("replication")[name].to_numpy()
            mean, half = difference_ci(x, y, paired=method == "paired")
            low, high = mean - half, mean + half
            row |= {
                "difference_ci_low": low,
                "difference_ci_high": high,
                "method": method,
                "significant": bool(not math.isnan(half) and (low > 0 or high < 0)),
            }
        rows.append(row)
    return pl.DataFrame(rows)


def interval_text(kpi: dict, between: str = " to ", number: str = ".4g") -> str:
    """A KPI's 95% interval as text, or a dash where one replication gives no interval."""
    if math.isnan(kpi["ci_low"]) or math.isnan(kpi["ci_high"]):
        return "–"
    return f"{kpi['ci_low']:{number}}{between}{kpi['ci_high']:{number}}"


def report(results: Results, summary: dict) -> str:
    chart = _chart_js()
    hours = results.ae_mean_by_hour()
    data = {
        "hours": hours["hour_of_week"].to_list(),
        "arrivals": hours["arrivals"].to_list(),
        "replications": results.replications["replication"].to_list(),
        "compliance": results.replications["ooh_clock_compliance"].to_list(),
        "utilisation": results.replications["practice_utilisation"].to_list(),
    }
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{s['mean']:.4g}</td><td>{interval_text(s)}</td>"
        f"<td>{escape(KPIS[name])}</td></tr>"
        for name, s in summary.items()
    )
    template = resources.files("primarycare.simulation").joinpath("data", "report.html").read_text(encoding="utf-8")
    return Template(template).substitute(
        title=escape(results.scenario.name),
        description=escape(results.scenario.description),
        rows=rows,
        chart=chart,
        data=json.dumps(data),
    )


def _chart_js() -> str:
    vendored = resources.files("primarycare.web").joinpath("static", "vendor", "chart.umd.min.js")
    return vendored.read_text(encoding="utf-8") if vendored.is_file() else ""
