"""Schemathesis against the whole OpenAPI document, as each role (a live API token each) and anonymously: for
every operation, Hypothesis draws requests from the schema (valid and, with negative data, invalid ones) and each
response is checked for a server error and for a body that breaks the documented schema. Shared by the suite's
short run (tests/integration/test_fuzz.py) and benchmarks/fuzz.py's long one."""

from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@dataclass
class Report:
    requests: int = 0
    by_status: Counter = field(default_factory=Counter)
    answered_by_role: Counter = field(default_factory=Counter)  # 2xx answers: the role's token did sign it in
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.by_status.items()))
        return f"{self.requests} requests ({statuses}); {len(self.failures)} failures"


def fuzz(app, tokens: dict[str, str | None], examples: int, seed: int = 0) -> Report:
    """`examples` drawn requests per operation per role (None: anonymous); returns what came back."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    report = Report()
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)  # a 500 is an answer
    for role, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for result in schema.get_all_operations():
            operation = result.ok()
            strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | operation.as_strategy(
                generation_mode=GenerationMode.NEGATIVE
            )
            _run(client, operation, strategy, headers, role, examples, seed, report)
    return report


def _run(client, operation, strategy, headers, role, examples, seed, report) -> None:
    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is recorded, none stops the run
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def one(case):
        request = case.as_transport_kwargs(headers=headers)
        request.pop("cookies", None)
        if isinstance(request.get("data"), bytes | str):  # a raw body: httpx wants it as content
            request["content"] = request.pop("data")
        response = client.request(**request)
        report.requests += 1
        report.by_status[response.status_code] += 1
        report.answered_by_role[role] += response.status_code < 300
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as failure:  # schemathesis raises a group (a BaseExceptionGroup) of check failures
            if isinstance(failure, KeyboardInterrupt | SystemExit):
                raise
            first = _headline(failure)
            report.failures.append(
                f"{role} {operation.method.upper()} {case.formatted_path} -> {response.status_code}: {first}"
            )

    one()


def _headline(failure: Exception) -> str:
    """The check's own words: its first line that is not blank or a frame."""
    lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
    named = [line for line in lines if line.startswith("- ")]
    return (named or lines or [type(failure).__name__])[0][:160]
