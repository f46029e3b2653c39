"""A user's own parameter, rate or protection file in another shape than the packaged one is refused with a message
naming the file and the place, never a crash."""

import pytest

from primarycare.payments.errors import PaymentsError
from primarycare.payments.gather import Overrides, inputs_for, warnings_for
from primarycare.payments.parameters import national_parameters
from primarycare.payments.protection import protection_for
from primarycare.payments.rates import service_rates

from .payment_economy import one_practice

READERS = {"parameters": national_parameters, "rates": service_rates, "protection": protection_for}
SERVICE = '[services.XX]\nbasis = "per_patient"\n'


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        ("parameters", 'workload = "x"', r"own.toml: workload: must be a table, as in national.toml, not 'x'"),
        ("parameters", "years = 5", r"own.toml: years: must be a table, as in national.toml, not 5"),
        ("parameters", '[years]\n"2023-24" = 5', r"own.toml: years.2023-24: must be a table"),
        ("parameters", '[workload]\nmale = "x"', r"own.toml: workload.male: must be a list, as in national.toml"),
        ("parameters", "[workload]\nmale = [" + "1, " * 19 + '"a"]', r"workload.male has 'a' for 95\+"),
        ("rates", "services = 3", r"own.toml: services: must be a table, as in enhanced_services.toml, not 3"),
        ("rates", "[services]\nXX = 3", r"services.XX: must be a table, not 3"),
        ("rates", SERVICE + "rates = 4", r"services.XX.rates must be a list of tables"),
        ("rates", SERVICE + "rates = [3]", r"services.XX.rates\[0\]: must be a table, not 3"),
        ("rates", SERVICE + 'rates = [{ first = "2023", last = "2024-25" }]', r"rates\[0\].first: must be a year"),
        ("protection", "years = 1", r"own.toml: years: must be a table, as in qof_protection.toml, not 1"),
        ("protection", '[years]\n"2023-24" = 1', r"own.toml: years.2023-24: must be a table"),
    ],
)
def test_a_file_in_another_shape_is_refused_naming_where(tmp_path, reader, text, message):
    own = tmp_path / "own.toml"
    own.write_text(text + "\n")
    with pytest.raises(PaymentsError, match=message):
        READERS[reader]("2023-24", own)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    own = tmp_path / "own.toml"
    own.write_bytes(b"\xff\xfeyears = 1\n")
    for read in READERS.values():
        with pytest.raises(PaymentsError, match="own.toml: not UTF-8 text"):
            read("2023-24", own)


def test_a_year_with_no_protected_indicators_says_where_to_give_them(tmp_path):
    own = tmp_path / "protection.toml"
    own.write_text('[years."2023-24"]\nbasis = "prior_year_points"\nindicators = []\nsource = "ours"\n')
    inputs = inputs_for(one_practice(year="2023-24", patients=1000), Overrides(protection=own))
    assert warnings_for(inputs)[-1] == (
        "no list of income-protected QOF indicators is held for 2023-24: give --protection, "
        "or keep a file on the payments inputs page"
    )
