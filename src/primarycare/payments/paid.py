"""Read what practices were really paid: NHS Digital's practice-level "NHS Payments to General Practice" CSV.

All or nothing: a bad number or a repeated practice is an error naming the file, line and column."""

import csv
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import polars as pl

from primarycare.ingest.errors import IngestError, Problem

PAID_COLUMNS = (
    "practice_code",
    "contract_type",
    "registered",
    "weighted",
    "global_sum",
    "mpig",
    "qof",
    "enhanced",
    "total",
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Layout:
    practice: str
    contract_type: str
    registered: str
    weighted: str
    global_sum: str
    mpig: str
    qof: str
    total: str
    enhanced_services: tuple[str, ...]


def layout() -> Layout:
    text = resources.files("primarycare.payments").joinpath("data", "published_payments.toml").read_text("utf-8")
    data = tomllib.loads(text)
    fields = {name: data[name] for name in Layout.__dataclass_fields__ if name != "enhanced_services"}
    return Layout(**fields, enhanced_services=tuple(data["enhanced_services"]))


def _money(text: str) -> float | None:
    cleaned = text.strip().replace(",", "").replace("£", "")
    if cleaned in ("", "-"):
        return 0.0
    try:
        return float(cleaned)
    except ValueError:
        return None


def read_paid(path: Path) -> pl.DataFrame:
    """One row per practice: PAID_COLUMNS (money in £; registered and weighted may be null when not published)."""
    path = Path(path)
    spec = layout()
    name = path.name
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise IngestError.at(name, 1, 1, "the file is empty")
    header = [h.strip() for h in rows[0]]
    position = {_key(h): i for i, h in enumerate(header)}
    missing = [c for c in (spec.practice, spec.total) if _key(c) not in position]
    if missing:
        raise IngestError([Problem(name, 1, len(header) + 1, f"missing column {c!r}") for c in missing])
    money = {
        "global_sum": [spec.global_sum],
        "mpig": [spec.mpig],
        "qof": [spec.qof],
        "total": [spec.total],
        "enhanced": list(spec.enhanced_services),
    }
    money = {field: [position[_key(c)] for c in columns if _key(c) in position] for field, columns in money.items()}
    counts = {field: position.get(_key(getattr(spec, field))) for field in ("registered", "weighted")}
    kind = position.get(_key(spec.contract_type))
    problems, seen, out = [], {}, []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(name, line, min(len(row), len(header)) + 1, f"expected {len(header)} fields, found {len(row)}")
            )
            continue
        code = row[position[_key(spec.practice)]].strip().upper()
        if not re.fullmatch(r"[A-Z][0-9]{5}", code):
            problems.append(
                Problem(name, line, position[_key(spec.practice)] + 1, f"{code!r} is not an ODS practice code")
            )
            continue
        if code in seen:
            problems.append(
                Problem(name, line, position[_key(spec.practice)] + 1, f"practice {code} repeats line {seen[code]}")
            )
            continue
        seen[code] = line
        record = {"practice_code": code, "contract_type": row[kind].strip().upper() if kind is not None else None}
        for field, index in counts.items():
            record[field] = None if index is None else _money(row[index])
            if index is not None and record[field] is None:
                problems.append(Problem(name, line, index + 1, f"{header[index]} {row[index]!r} is not a number"))
        for field, indices in money.items():
            total = 0.0
            for index in indices:
                value = _money(row[index])
                if value is None:
                    problems.append(Problem(name, line, index + 1, f"{header[index]} {row[index]!r} is not an amount"))
                    value = 0.0
                total += value
            record[field] = total
        out.append(record)
    if problems:
        raise IngestError(problems[:20])
    if not out:
        raise IngestError.at(name, 2, 1, "the file has a header but no rows")
    schema = {"practice_code": pl.String, "contract_type": pl.String, **{c: pl.Float64 for c in PAID_COLUMNS[2:]}}
    return pl.DataFrame(out, schema=schema)
