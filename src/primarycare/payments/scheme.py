"""A local scheme, as a commissioner writes it in YAML: schema-checked, errors naming the file and the field."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from primarycare.payments.errors import PaymentsError
from primarycare.yamlfile import read_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchemePractices(_Strict):
    """Which practices are in: all, or any mix of listed practices, commissioners and networks."""

    all: bool = False
    codes: tuple[str, ...] = ()
    commissioners: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _something(self):
        if not (self.all or self.codes or self.commissioners or self.networks):
            raise ValueError("say which practices are in: all: true, or codes, commissioners or networks")
        return self


class ReleasedQof(_Strict):
    """How the money of QOF indicators the scheme does not keep is baselined, and how much of it is guaranteed
    (income protection: paid whatever the goals' achievement; the rest is paid by achievement of the goals)."""

    baseline: Literal["prior_year_value", "current_value", "per_weighted_patient"]
    gbp_per_weighted_patient: float | None = Field(default=None, ge=0)
    guaranteed_share: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _rate(self):
        if self.baseline == "per_weighted_patient" and self.gbp_per_weighted_patient is None:
            raise ValueError("baseline per_weighted_patient needs gbp_per_weighted_patient")
        return self


class Thresholds(_Strict):
    """A kept national indicator paid on the scheme's own thresholds: points from NUMERATOR / DENOMINATOR."""

    lower_pct: float = Field(ge=0, le=100)
    upper_pct: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _order(self):
        if self.upper_pct <= self.lower_pct:
            raise ValueError("upper_pct must be above lower_pct")
        return self


class Goal(Thresholds):
    """A local goal paid from the released money: weight x how far achievement is between the thresholds.
    Achievement = sum of numerators / sum of denominators of the listed national indicators."""

    code: str
    name: str
    weight: float = Field(gt=0, le=1)
    indicators: tuple[str, ...] = Field(min_length=1)


class Investment(_Strict):
    """New money per registered patient (e.g. "£5 a head" for the over-75s)."""

    code: str
    name: str
    gbp_per_head: float = Field(ge=0)
    population: Literal["all", "65OV", "75OV"] = "all"


class Scheme(_Strict):
    name: str
    source: str = Field(min_length=1, description="who wrote and approved the scheme, and when")
    description: str = ""
    practices: SchemePractices
    kept_indicators: tuple[str, ...] = ()
    thresholds: dict[str, Thresholds] = Field(default_factory=dict)
    released_qof: ReleasedQof | None = None
    goals: tuple[Goal, ...] = ()
    investments: tuple[Investment, ...] = ()

    @model_validator(mode="after")
    def _money(self):
        if self.goals and self.released_qof is None:
            raise ValueError("goals are paid from released QOF money: add released_qof")
        if self.released_qof is not None and self.goals and abs(sum(g.weight for g in self.goals) - 1) > 1e-9:
            raise ValueError("the goals' weights must add up to 1")
        return self


def load_scheme(path: Path) -> Scheme:
    path = Path(path)
    data = read_yaml(path, PaymentsError, "scheme")
    try:
        return Scheme.model_validate(data if data is not None else {})
    except ValidationError as invalid:
        problems = []
        for error in invalid.errors():
            field = ".".join(str(part) for part in error["loc"]) or "(the file)"
            problems.append(f"{path.name}: {field}: {error['msg']}")
        raise PaymentsError("\n".join(problems)) from None
