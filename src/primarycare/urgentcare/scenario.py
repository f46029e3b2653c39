"""Write a provider's calibration as a scenario file, and check it with the simulation's own loader."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import Engine

from primarycare.economy.calendar import month_bounds, uk_local
from primarycare.simulation.parameters import load_defaults, load_scenario
from primarycare.store import cases as store
from primarycare.store.economy import find_period, practice_overview
from primarycare.urgentcare.calibrate import calibrate


@dataclass(frozen=True)
class Written:
    path: Path
    cases: int


def _financial_year(month: str) -> str:
    year, number = (int(p) for p in month.split("-"))
    start = year if number >= 4 else year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def write_calibrated_scenario(engine: Engine, provider_code: str, first: str, last: str, out: Path) -> Written:
    start, _ = month_bounds(first)
    _, end = month_bounds(last)
    if end <= start:
        raise ValueError(f"--to {last} comes before --from {first}")
    defaults = load_defaults().values
    with engine.connect() as conn:
        provider = store.provider(conn, provider_code)
        found = [s.case for s in store.find_cases(conn, [provider_code], received_from=start, received_before=end)]
        period_id = find_period(conn)[0]
        _, practices = practice_overview(conn, period_id, limit=1_000_000)
    patients = sum(p["patients"] for p in practices if p["commissioner_code"] in provider.commissioners)
    result = calibrate(
        found,
        first_day=uk_local(start).date(),
        last_day=uk_local(end).date() - timedelta(days=1),
        registered_patients=patients,
        straight_to_ae_share=defaults["straight_to_ae_share"],
        disposition_primary_care=defaults["disposition_primary_care"],
    )
    document = {
        "name": f"{provider_code.lower()}-{first}-to-{last}",
        "description": (
            f"Out-of-hours inputs of {provider.name} ({provider_code}) from {result.cases} cases received "
            f"{first} to {last}; everything else is the model's default."
        ),
        "source": "primarycare urgentcare calibrate: " + "; ".join(f"{k}: {v}" for k, v in result.notes.items()),
        "year": _financial_year(first),
        "overrides": result.overrides,
        "ooh_profile": result.ooh_profile,
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(document, sort_keys=False, width=120), encoding="utf-8")
    load_scenario(out)  # the simulation's own checks; a ScenarioError (a ValueError) names the field
    return Written(out, result.cases)
