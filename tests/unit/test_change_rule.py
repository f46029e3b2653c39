"""The change rule's file (the CUSUM's parameters): the packaged one reads; a user's bad one is refused naming the
field, never a crash."""

import pytest

from primarycare.measures.change import ChangeRule, load_rule
from primarycare.measures.definition import MeasureError

GOOD = "reference_periods = 3\nk = 0.5\nh = 4\nminimum_sigma = 2\n"


def test_the_packaged_and_a_users_rule_read(tmp_path):
    assert isinstance(load_rule(), ChangeRule)
    own = tmp_path / "change.toml"
    own.write_text(GOOD + 'source = "ours"\nverified = true\n')
    assert load_rule(own) == ChangeRule(3, 0.5, 4.0, 2.0, "ours", True)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[x", "own.toml: not valid TOML"),
        ("k = 1\n", "own.toml: field 'reference_periods': needs reference_periods, k, h, minimum_sigma"),
        (GOOD.replace("k = 0.5", "k = [1]"), "own.toml: k: must be a number of zero or more, not [1]"),
        (GOOD.replace("k = 0.5", "k = -0.5"), "own.toml: k: must be a number of zero or more, not -0.5"),
        (GOOD.replace("= 3", "= 0"), "reference_periods: must be a whole number of periods, 1 or more, not 0"),
        (GOOD.replace("= 3", "= 2.5"), "reference_periods: must be a whole number of periods, 1 or more, not 2.5"),
        (GOOD.replace("= 3", '= "3"'), "reference_periods: must be a whole number of periods, 1 or more, not '3'"),
        (GOOD.replace("h = 4", "h = 0"), "own.toml: h: must be a number of more than zero, not 0"),
        (GOOD.replace("h = 4", "h = nan"), "own.toml: h: must be a number of more than zero, not nan"),
        (GOOD.replace("minimum_sigma = 2", "minimum_sigma = -1"), "minimum_sigma: must be a number of more than zero"),
    ],
)
def test_a_bad_rule_names_the_field(tmp_path, text, says):
    own = tmp_path / "own.toml"
    own.write_text(text)
    with pytest.raises(MeasureError) as refused:
        load_rule(own)
    assert says in str(refused.value)


def test_a_rule_that_is_not_utf8_is_refused(tmp_path):
    own = tmp_path / "own.toml"
    own.write_bytes(b"\xff" + GOOD.encode())
    with pytest.raises(MeasureError, match="own.toml: not valid TOML"):
        load_rule(own)
