"""Spec: what a scenario file must say; every example scenario loads."""

from pathlib import Path

import pytest

from primarycare.simulation.parameters import ScenarioError, load_scenario

SCENARIOS = Path(__file__).parents[2] / "examples" / "scenarios"

# (what is wrong, text, words of the error)
BAD = [
    ("unknown parameter", "name: x\noverrides: {ooh_staff: 3}\n", "bad.yaml: overrides.ooh_staff: no such parameter"),
    ("text for a number", "name: x\noverrides: {staffing_ratio: lots}\n", "overrides.staffing_ratio: must be a number"),
    ("negative number", "name: x\noverrides: {staffing_ratio: -1}\n", "must be a number of zero or more"),
    ("a share over 1", "name: x\noverrides: {straight_to_ae_share: 1.5}\n", "a share must be between 0 and 1"),
    ("shares not adding up", "name: x\noverrides: {disposition_ae: 0.5}\n", "111 dispositions"),
    ("unknown provider", "name: x\noverrides: {ooh_provider: moon}\n", "must be one of remote, local_coop, practices"),
    ("a flag that is not true or false", "name: x\noverrides: {notes_access: 1}\n", "must be true or false"),
    ("a capacity cut of more than all of it", "name: x\noverrides: {practice_capacity_change: -1}\n", "above -1"),
    ("no name", "overrides: {}\n", "bad.yaml: name: required"),
    ("unknown field", "name: x\ncolour: red\n", "bad.yaml: colour: not a scenario field"),
    ("bad year", "name: x\nyear: 2023\n", "bad.yaml: year:"),
    ("not YAML", "name: [x\n", "bad.yaml:2:1: not valid YAML"),
    ("a week of four days", "name: x\npractice_week: [1, 1, 1, 1]\n", "bad.yaml: practice_week: 5 weights"),
    ("a negative session weight", "name: x\npractice_week: [1, 1, -1, 1, 1]\n", "not all zero"),
    ("a week with no sessions", "name: x\npractice_week: [0, 0, 0, 0, 0]\n", "not all zero"),
]


@pytest.mark.parametrize(("what", "text", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_scenarios_name_file_and_field(tmp_path, what, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert words in str(raised.value)


@pytest.mark.parametrize(
    "name",
    [
        "baseline",
        "ooh-back-to-practices",
        "coops-with-notes",
        "more-practice-capacity",
        "ageing-2030",
        "network-hubs",
        "seven-day-access",
        "telephone-first",
    ],
)
def test_example_scenarios_load(name):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    assert scenario.name == name and scenario.description


def test_a_scenario_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match="latin.yaml: not UTF-8 text"):
        load_scenario(path)
