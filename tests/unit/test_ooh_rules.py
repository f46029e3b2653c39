"""OOH targets and dispositions as data: national defaults with sources, a commissioner's own file over them."""

from datetime import timedelta

import pytest

from primarycare.urgentcare.rules import RulesError, load_rules


def test_national_defaults_come_from_the_data_file():
    rules = load_rules()
    assert rules.national.call_answered == timedelta(seconds=60)
    assert rules.national.assessment == {
        "emergency": timedelta(minutes=20),
        "urgent": timedelta(minutes=20),
        "less_urgent": timedelta(minutes=60),
    }
    assert rules.national.face_to_face["less_urgent"] == timedelta(hours=6)
    assert "assessment_minutes_urgent" in rules.national.unverified  # partly verified: labelled
    assert rules.disposition("Dx12").priority == "urgent"
    assert rules.disposition("Dx012").ambulance and not rules.disposition("Dx13").ambulance


def test_a_commissioner_overrides_targets_for_its_own_providers(tmp_path):
    own = tmp_path / "targets.toml"
    own.write_text(
        "[thresholds]\nassessment = 0.9\n"
        "[commissioners.C1.targets]\nassessment_minutes_urgent = 30\n"
        "[commissioners.C1.thresholds]\nface_to_face = 0.8\n"
    )
    rules = load_rules(own)
    assert rules.national.thresholds["assessment"] == 0.9
    assert rules.national.assessment["urgent"] == timedelta(minutes=20)
    theirs = rules.targets_for(("C1",))
    assert theirs.assessment["urgent"] == timedelta(minutes=30)
    assert theirs.thresholds == {**rules.national.thresholds, "face_to_face": 0.8}
    assert rules.targets_for(("C2",)) is rules.national


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[targets]\nassessment_minutes_soon = 5\n", "targets.toml: targets.assessment_minutes_soon: no such target"),
        ("[targets]\ncall_answered_seconds = -1\n", "targets.call_answered_seconds: must be a number of zero or more"),
        ("[thresholds]\nassessment = 1.5\n", "thresholds.assessment: a share must be between 0 and 1"),
        ("[commissioners.C1.thresholds]\nnothing = 1\n", "commissioners.C1.thresholds.nothing: no such clock"),
        ("[targets\n", "targets.toml: not valid TOML"),
        ("targets = 5\n", "targets.toml: targets: must be a table"),
        ("thresholds = []\n", "targets.toml: thresholds: must be a table"),
        ("commissioners = 3\n", "targets.toml: commissioners: must be a table"),
        ("[commissioners.C1]\ntargets = 4\n", "targets.toml: commissioners.C1.targets: must be a table"),
        ("[targets]\ncall_answered_seconds = { verified = true }\n", "call_answered_seconds: must be a number"),
        ("[targets]\npost_event_message_hour = 30\n", "post_event_message_hour: must be a whole hour from 0 to 23"),
        ("[targets]\npost_event_message_hour = 7.5\n", "post_event_message_hour: must be a whole hour from 0 to 23"),
    ],
)
def test_a_bad_targets_file_names_the_field(tmp_path, text, says):
    own = tmp_path / "targets.toml"
    own.write_text(text)
    with pytest.raises(RulesError, match=says.replace(".", r"\.")):
        load_rules(own)
