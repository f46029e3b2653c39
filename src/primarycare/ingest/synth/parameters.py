"""The generator's parameters, read from a TOML data file that states each section's source and year."""

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from primarycare.ingest.errors import IngestError

DEFAULT = "synthetic_economy.toml"
_SECTIONS = ("list_size", "age_sex", "structure", "contracts", "qof", "services")


@dataclass(frozen=True)
class SynthParameters:
    list_size: dict[str, Any]
    age_sex: dict[str, Any]
    structure: dict[str, Any]
    contracts: dict[str, Any]
    qof: dict[str, Any]
    services: dict[str, Any]
    source_file: str

    def unverified(self) -> list[str]:
        """Sections whose values no source confirmed: shown to the user when the generator runs."""
        return [s for s in _SECTIONS if not getattr(self, s).get("verified", False)]


def load_parameters(path: Path | None = None) -> SynthParameters:
    if path is None:
        text = resources.files("primarycare.ingest").joinpath("data", DEFAULT).read_text(encoding="utf-8")
        name = DEFAULT
    else:
        text, name = Path(path).read_text(encoding="utf-8"), Path(path).name
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        raise IngestError.at(name, line, column, str(exc)) from None
    for section in _SECTIONS:
        if section not in data:
            raise IngestError.at(name, 1, 1, f"missing section [{section}]")
        for field in ("source", "year", "verified"):
            if field not in data[section]:
                raise IngestError.at(name, 1, 1, f"section [{section}] has no {field!r} (provenance is required)")
    return SynthParameters(**{s: data[s] for s in _SECTIONS}, source_file=name)
