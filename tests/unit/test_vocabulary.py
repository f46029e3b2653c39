import pytest

from primarycare.economy.model import Commissioner, Practice
from primarycare.economy.vocabulary import (
    AGE_BANDS,
    is_practice_code,
    parse_year,
    year_from_suffix,
    year_suffix,
)


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("K81001", True),
        ("Y02345", True),
        ("k81001", False),
        ("K8100", False),
        ("KK1001", False),
        ("K810011", False),
        ("", False),
    ],
)
def test_practice_codes_are_a_letter_and_five_digits(code, ok):
    assert is_practice_code(code) is ok


def test_years_round_trip_through_file_suffixes():
    assert parse_year("2023-24") == 2023
    assert year_suffix("2023-24") == "2324"
    assert year_from_suffix("1920") == "2019-20"
    assert year_suffix("1999-00") == "9900"


@pytest.mark.parametrize("bad", ["2023-25", "2023", "23-24", "2023/24"])
def test_malformed_years_are_refused(bad):
    with pytest.raises(ValueError, match="2023-24"):
        parse_year(bad)


def test_age_bands_cover_0_to_95_plus():
    assert AGE_BANDS[0] == "0_4" and AGE_BANDS[-2] == "90_94" and AGE_BANDS[-1] == "95+" and len(AGE_BANDS) == 20


def test_entities_validate_themselves():
    with pytest.raises(ValueError, match="ODS practice code"):
        Practice(code="X1", name="n", postcode="", commissioner_code="00A")
    with pytest.raises(ValueError, match="contract type"):
        Practice(code="A81001", name="n", postcode="", commissioner_code="00A", contract_type="XMS")
    with pytest.raises(ValueError, match="co-commissioning"):
        Commissioner(code="00A", name="n", co_commissioning_level="TOTAL")
