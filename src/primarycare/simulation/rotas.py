"""Who is on duty: fixed rotas per station and hour of the week, so waits and costs follow from demand meeting a
fixed workforce. Three sources, in order:

1. a workforce file (``--workforce FILE``, CSV ``COMMISSIONER_CODE,STATION,HOUR_OF_WEEK,SERVERS``, hour 0 = Monday
   00:00-01:00) giving a commissioner's own rotas;
2. otherwise the default rotas in ``data/rotas.toml``: servers per 100,000 registered patients by hour of week,
   scaled to the commissioner's registered list (before any ageing the scenario applies, since staff are not hired
   because the scenario's population is older);
3. ``rota_planning: plan_to_demand`` in a scenario: each run plans its rotas to its own demand
   (ceil(staffing_ratio x offered load) per hour of week). An explicit option only: with it every scenario meets
   its demand by construction.
"""

import csv
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from primarycare.simulation.engine import HOURS_PER_WEEK

STATIONS = ("calls_111", "assessment", "base_visits", "home_visits", "ae")
PLANNINGS = ("fixed", "plan_to_demand")
HEADER = ("COMMISSIONER_CODE", "STATION", "HOUR_OF_WEEK", "SERVERS")


class WorkforceError(ValueError):
    """A workforce file that cannot be used; the message names the file, line and column."""


@dataclass(frozen=True)
class DefaultRotas:
    per_100k: dict[str, np.ndarray]  # station -> 168 servers per 100,000 registered patients
    source: str


def load_default_rotas() -> DefaultRotas:
    text = resources.files("primarycare.simulation").joinpath("data", "rotas.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    rates = {name: np.array(data["per_100k"][name], dtype=np.float64) for name in STATIONS}
    return DefaultRotas(rates, data["source"])


def scaled(defaults: DefaultRotas, registered: float) -> dict[str, np.ndarray]:
    """A commissioner's rotas from the rates per 100,000: rounded, and at least one server in an hour that has any."""
    rotas = {}
    for name, rate in defaults.per_100k.items():
        servers = np.round(rate * registered / 100_000)
        rotas[name] = np.where(rate > 0, np.maximum(servers, 1), 0).astype(np.int64)
    return rotas


def planned(arrivals: np.ndarray, mean_service_hours: float, ratio: float, weeks: int) -> np.ndarray:
    """Servers per hour of week planned to the demand: ceil(ratio x offered load), at least one where any comes."""
    counts = np.bincount((arrivals // 1).astype(np.int64) % HOURS_PER_WEEK, minlength=HOURS_PER_WEEK) / weeks
    load = counts * mean_service_hours
    return np.where(counts > 0, np.maximum(1, np.ceil(ratio * load)), 0).astype(np.int64)


def read_workforce(path: Path) -> dict[str, dict[str, np.ndarray]]:
    """commissioner -> station -> 168 servers. Every station a commissioner names needs all 168 hours."""
    path = Path(path)
    try:
        return _read_workforce(path)
    except UnicodeDecodeError as error:
        raise WorkforceError(f"{path.name}: not UTF-8 text ({error.reason} at byte {error.start})") from None


def _read_workforce(path: Path) -> dict[str, dict[str, np.ndarray]]:
    found: dict[str, dict[str, np.ndarray]] = {}
    seen: dict[tuple[str, str], set[int]] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if header is None or tuple(h.strip() for h in header) != HEADER:
            raise WorkforceError(f"{path.name}: line 1: the header must be {','.join(HEADER)}")
        for line, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue  # a blank line carries nothing
            if len(row) != len(HEADER):
                raise WorkforceError(f"{path.name}: line {line}: {len(HEADER)} columns expected, found {len(row)}")
            commissioner, station, hour, servers = (cell.strip() for cell in row)
            if not commissioner:
                raise WorkforceError(f"{path.name}: line {line}, column COMMISSIONER_CODE: empty")
            if station not in STATIONS:
                raise WorkforceError(
                    f"{path.name}: line {line}, column STATION: {station!r} is not one of {', '.join(STATIONS)}"
                )
            hour_number = _whole(path, line, "HOUR_OF_WEEK", hour)
            if not 0 <= hour_number < HOURS_PER_WEEK:
                raise WorkforceError(f"{path.name}: line {line}, column HOUR_OF_WEEK: {hour} is not 0-167")
            count = _whole(path, line, "SERVERS", servers)
            hours = seen.setdefault((commissioner, station), set())
            if hour_number in hours:
                raise WorkforceError(f"{path.name}: line {line}: {commissioner} {station} hour {hour} given twice")
            hours.add(hour_number)
            rota = found.setdefault(commissioner, {}).setdefault(station, np.zeros(HOURS_PER_WEEK, np.int64))
            rota[hour_number] = count
    for (commissioner, station), hours in seen.items():
        if len(hours) != HOURS_PER_WEEK:
            missing = min(set(range(HOURS_PER_WEEK)) - hours)
            raise WorkforceError(f"{path.name}: {commissioner} {station}: no row for hour {missing} (all 168 needed)")
    return found


def _whole(path: Path, line: int, column: str, text: str) -> int:
    if not text.isdigit():
        raise WorkforceError(f"{path.name}: line {line}, column {column}: {text!r} is not a whole number of 0 or more")
    return int(text)


def workforce_rows(rotas: dict[str, dict[str, np.ndarray]]) -> list[tuple[str, str, int, int]]:
    """The rows of a workforce file for these rotas."""
    return [
        (commissioner, station, hour, int(rota[hour]))
        for commissioner, stations in sorted(rotas.items())
        for station, rota in stations.items()
        for hour in range(HOURS_PER_WEEK)
    ]
