"""Payments inputs kept for a year (weighted lists, local contracts, national prevalence, indices): tried before they
are kept, used by every payments page and by the commands from a database, audited; on SQLite and PostgreSQL."""

import csv
import io
import re
import shutil

import polars as pl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from primarycare.access.roles import User
from primarycare.cli import app
from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.payments.gather import Overrides, database_inputs, inputs_for
from primarycare.payments.money import share_of_expr
from primarycare.payments.national import Contract
from primarycare.payments.parameters import national_parameters
from primarycare.store import tables as t
from primarycare.store.audit import verify
from primarycare.store.engine import make_engine
from primarycare.store.load import save_economy
from primarycare.store.measures import gather
from primarycare.store.payment_inputs import file_name, save_input, stored_inputs
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user, user_id
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from .test_web import PASSWORD, sign_in

QUARTERS = ("2023-04-01", "2023-07-01", "2023-10-01", "2024-01-01")
RATE_2023 = 104.73  # £ per weighted patient, 2023/24 (payments/data)


def weighted_lists(code: str, patients: int = 8000) -> bytes:
    rows = "".join(f"{code},{quarter},{patients}\n" for quarter in QUARTERS)
    return f"PRACTICE_CODE,QUARTER_START,WEIGHTED_PATIENTS\n{rows}".encode()


@pytest.fixture
def site(db_url, synth_icb):
    engine = make_engine(db_url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    for name, role in (("comm", "commissioner"), ("lead", "governance_lead")):
        create_user(engine, name, PASSWORD, role)
    create_user(engine, "prac", PASSWORD, "practice_user", economy.practices[0].code)
    gms = [p.code for p in economy.practices if p.contract_type == "GMS"]
    web = create_app(Settings(database_url=db_url, secret_key="s" * 48))
    with TestClient(web, base_url="https://testserver") as client:
        yield client, engine, db_url, gms


def csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def keep(client, kind: str, name: str, content: bytes):
    token = csrf(client.get("/payments/inputs"))
    files = {"file": (name, content, "text/csv")}
    return client.post(
        "/payments/inputs", data={"csrf_token": token, "kind": kind}, files=files, follow_redirects=False
    )


def global_sum(client, code: str) -> float:
    lines = csv.DictReader(io.StringIO(client.get(f"/payments/practices/{code}.csv").text))
    return sum(float(r["AMOUNT_GBP"]) for r in lines if r["COMPONENT"].startswith("GLOBAL_SUM"))


def test_a_kept_weighted_list_is_used_by_every_payments_view_until_removed(site):
    client, engine, _, gms = site
    sign_in(client, "comm")
    page = client.get("/payments/inputs")
    assert page.status_code == 200 and "none: estimated from the registered lists" in page.text
    estimated = global_sum(client, gms[0])
    assert estimated != pytest.approx(8000 * RATE_2023, abs=1)
    answer = keep(client, "weighted_lists", "statements.csv", weighted_lists(gms[0]))
    assert answer.status_code == 303 and answer.headers["location"] == "/payments/inputs?year=2023-24"
    page = client.get("/payments/inputs")
    assert "statements.csv" in page.text and ">comm<" in page.text
    kept = client.get("/payments/inputs/weighted_lists?year=2023-24")  # exactly as kept
    assert kept.content == weighted_lists(gms[0]) and 'filename="statements.csv"' in kept.headers["content-disposition"]
    assert client.get("/payments/inputs/indices").status_code == 404
    assert global_sum(client, gms[0]) == pytest.approx(8000 * RATE_2023, abs=0.05)
    notes = client.get("/payments").text
    assert "weighted lists from the file kept for 2023-24: statements.csv (kept on " in notes
    warnings = notes.split('data-testid="payment-warnings"')[1].split("</div>")[0]
    assert "statements.csv" in warnings and "by comm" not in warnings  # who kept it: on the inputs page only
    compare = pl.read_csv(io.BytesIO(client.get("/payments/compare.csv").content))
    assert compare.height == 40
    api = client.get("/api/payments/compare", headers={"Authorization": f"Bearer {issue_token(engine, 'comm')}"})
    assert any(
        note.startswith("the practices' quarterly Carr-Hill weighted lists from") for note in api.json()["warnings"]
    )
    with engine.connect() as conn:  # audited: who kept which file, by its digest
        event = t.audit_event.c
        who, outcome, subject, detail = conn.execute(
            select(event.username, event.outcome, event.subject, event.detail).where(event.action == "payments.input")
        ).one()
    assert (who, outcome, subject) == ("comm", "written", "2023-24 weighted_lists")
    assert stored_inputs(engine, "2023-24")[0].sha256 in detail and verify(engine).intact
    token = csrf(client.get("/payments/inputs"))
    removed = client.post("/payments/inputs/remove", data={"csrf_token": token, "kind": "weighted_lists"})
    assert removed.status_code == 200 and "none: estimated from the registered lists" in removed.text
    assert global_sum(client, gms[0]) == pytest.approx(estimated, abs=0.005)
    assert stored_inputs(engine, "2023-24") == []
    gone = client.post("/payments/inputs/remove", data={"csrf_token": token, "kind": "weighted_lists"})
    assert gone.status_code == 404


def test_a_file_that_does_not_fit_the_year_is_refused_with_its_problems_and_nothing_kept(site):
    client, engine, _, gms = site
    sign_in(client, "comm")
    bad_quarter = weighted_lists(gms[0]).replace(b"2023-07-01", b"2023-05-01")
    answer = keep(client, "weighted_lists", "weighted.csv", bad_quarter)
    assert answer.status_code == 422 and "weighted.csv:3:2: QUARTER_START" in answer.text
    contracts = f"PRACTICE_CODE,CONTRACT_TYPE,BASIS,VALUE_GBP,OOH_DEDUCTION_PCT\n{gms[0]},APMS,FIXED,1,\n".encode()
    answer = keep(client, "local_contracts", "local.csv", contracts)  # the economy says the practice is GMS
    assert answer.status_code == 422 and f"local.csv:2:2: {gms[0]} is GMS in the practice contracts" in answer.text
    answer = keep(client, "national_prevalence", "national.csv", b"GROUP_CODE,PREVALENCE_PCT\nAF,205\n")
    assert answer.status_code == 422 and "national.csv:2:2: PREVALENCE_PCT &#39;205&#39; is not a percentage" in (
        answer.text
    )
    assert keep(client, "nonsense", "x.csv", b"A\n1\n").status_code == 422
    assert stored_inputs(engine, "2023-24") == []
    token = csrf(client.get("/payments/inputs"))
    forged = client.post(
        "/payments/inputs", data={"csrf_token": "forged", "kind": "indices"}, files={"file": ("a", b"")}
    )
    assert forged.status_code == 403 and token


def test_governance_leads_see_the_inputs_commissioners_keep_them_and_practices_do_neither(site):
    client, engine, _, gms = site
    sign_in(client, "lead")
    page = client.get("/payments/inputs")
    assert page.status_code == 200 and 'data-testid="input-form"' not in page.text
    assert keep(client, "weighted_lists", "w.csv", weighted_lists(gms[0])).status_code == 403
    client.post("/logout", data={"csrf_token": csrf(page)})
    sign_in(client, "prac")
    assert client.get("/payments/inputs").status_code == 403
    assert stored_inputs(engine, "2023-24") == []


def test_the_commands_from_a_database_use_the_kept_inputs_unless_given_their_own(site, tmp_path):
    _, engine, url, gms = site
    comm = User(user_id(engine, "comm"), "comm", "commissioner")
    save_input(engine, "2023-24", "weighted_lists", "kept.csv", weighted_lists(gms[0], 8000), comm)
    out = tmp_path / "national.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["payments", "national", "--db", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # the console wraps long lines
    assert "using the practices' quarterly Carr-Hill weighted lists from the file kept for 2023-24: kept.csv" in said
    lines = pl.read_csv(out).filter(pl.col("PRACTICE_CODE") == gms[0], pl.col("COMPONENT").str.starts_with("GLOBAL"))
    assert lines["AMOUNT_GBP"].sum() == pytest.approx(8000 * RATE_2023, abs=0.05)
    own = tmp_path / "own.csv"
    own.write_bytes(weighted_lists(gms[0], 6000))
    result = runner.invoke(app, ["payments", "national", "--db", url, "--out", str(out), "--weighted-lists", str(own)])
    assert result.exit_code == 0 and "kept.csv" not in result.output
    lines = pl.read_csv(out).filter(pl.col("PRACTICE_CODE") == gms[0], pl.col("COMPONENT").str.starts_with("GLOBAL"))
    assert lines["AMOUNT_GBP"].sum() == pytest.approx(6000 * RATE_2023, abs=0.05)


def test_the_payments_measures_use_the_kept_inputs(site):
    _, engine, _, gms = site
    comm = User(user_id(engine, "comm"), "comm", "commissioner")

    def measured() -> float:
        quantities = gather(engine).quantities
        chosen = (pl.col("practice_code") == gms[0]) & (pl.col("quantity") == "payments_gbp")
        return quantities.filter(chosen)["value"].item()

    def computed() -> float:  # as the payments pages and the commands from the database work it out
        inputs, _ = database_inputs(engine, "2023-24")
        return Contract(inputs).lines().filter(pl.col("PRACTICE_CODE") == gms[0])["PENCE"].sum() / 100

    estimated = measured()
    assert estimated == pytest.approx(computed(), abs=0.005)
    save_input(engine, "2023-24", "weighted_lists", "kept.csv", weighted_lists(gms[0], 8000), comm)
    kept = measured()
    assert kept == pytest.approx(computed(), abs=0.005) and kept != pytest.approx(estimated, abs=1)


def test_a_commissioners_own_parameters_are_kept_and_used_and_a_bad_file_refused(site):
    client, engine, _, gms = site
    sign_in(client, "comm")
    assert keep(client, "weighted_lists", "statements.csv", weighted_lists(gms[0])).status_code == 303
    rate = '{ value = 200.0, source = "ours", verified = true }'
    agreed = f'[years."2023-24"]\nglobal_sum_per_weighted_patient = {rate}\n'.encode()
    assert keep(client, "parameters", "agreed.toml", agreed).status_code == 303
    assert global_sum(client, gms[0]) == pytest.approx(8000 * 200.0, abs=0.05)
    assert "Your own national parameters over the packaged ones" in client.get("/payments/inputs").text
    refused = keep(client, "parameters", "broken.toml", b"years = 5\n")
    assert refused.status_code == 422 and "broken.toml: years: must be a table, as in national.toml" in refused.text
    refused = keep(client, "rates", "rates.toml", b"[services]\nXX = 3\n")
    assert refused.status_code == 422 and "services.XX: must be a table, not 3" in refused.text
    assert [item.file_name for item in stored_inputs(engine, "2023-24")] == ["statements.csv", "agreed.toml"]
    assert global_sum(client, gms[0]) == pytest.approx(8000 * 200.0, abs=0.05)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/statements.csv", "statements.csv"),
        ("C:\\Users\\finance\\statements.csv", "statements.csv"),
        ("..", "weighted_lists.csv"),
        ("x" * 300 + ".csv", "x" * 196 + ".csv"),
    ],
)
def test_a_file_is_kept_under_the_last_part_of_its_name(site, given, kept):
    client, engine, _, gms = site
    sign_in(client, "comm")
    assert keep(client, "weighted_lists", given, weighted_lists(gms[0])).status_code == 303
    assert [item.file_name for item in stored_inputs(engine, "2023-24")] == [kept]
    assert global_sum(client, gms[0]) == pytest.approx(8000 * RATE_2023, abs=0.05)


def test_a_kept_file_named_in_any_script_downloads_under_its_name(site):
    client, _, _, gms = site
    sign_in(client, "comm")
    assert keep(client, "weighted_lists", "statements – CAFÉ.csv", weighted_lists(gms[0])).status_code == 303
    kept = client.get("/payments/inputs/weighted_lists")
    assert kept.status_code == 200 and kept.content == weighted_lists(gms[0])
    disposition = kept.headers["content-disposition"]
    assert 'filename="statements ? CAF?.csv"' in disposition
    assert "filename*=UTF-8''statements%20%E2%80%93%20CAF%C3%89.csv" in disposition


def test_a_name_that_is_no_file_name_is_replaced_by_the_kinds_own():
    assert file_name("weighted_lists", "") == "weighted_lists.csv"
    assert file_name("parameters", None) == "parameters.toml"
    assert file_name("indices", "state\x00ments\n.csv") == "state_ments_.csv"
    assert file_name("rates", " . ") == "rates.toml"


def test_a_kept_file_the_reloaded_year_no_longer_fits_is_named_with_where_to_mend_it(site, synth_icb, tmp_path):
    client, engine, _, gms = site
    sign_in(client, "comm")
    contracts = pl.read_csv(synth_icb / "practice-contracts.csv")
    code, kind = contracts.filter(pl.col("CONTRACT_TYPE") != "GMS").sort("PRACTICE_CODE").row(0)[:2]
    local = f"PRACTICE_CODE,CONTRACT_TYPE,BASIS,VALUE_GBP,OOH_DEDUCTION_PCT\n{code},{kind},FIXED,500000,\n".encode()
    assert keep(client, "local_contracts", "local.csv", local).status_code == 303
    assert client.get("/payments").status_code == 200
    folder = tmp_path / "reloaded"
    shutil.copytree(synth_icb, folder)  # the year loaded again, the practice now on GMS
    changed = contracts.with_columns(
        pl.when(pl.col("PRACTICE_CODE") == code).then(pl.lit("GMS")).otherwise("CONTRACT_TYPE").alias("CONTRACT_TYPE")
    )
    changed.write_csv(folder / "practice-contracts.csv")
    save_economy(engine, read_folder(folder))
    answer = client.get("/payments")
    assert answer.status_code == 422
    assert f"local.csv:2:2: {code} is GMS in the practice contracts, not {kind}" in answer.text
    assert "kept payments inputs, local.csv, are on /payments/inputs?year=2023-24" in answer.text
    assert client.get("/payments/inputs").status_code == 200  # where it is mended


def test_last_years_kept_national_prevalence_sets_this_years_aspiration(db_url, synth_icb, tmp_path):
    engine = make_engine(db_url)
    before = tmp_path / "2022-23"
    write_synthetic(before, practices=40, seed=7, year="2022-23", era="icb")
    last_year = read_folder(before)
    save_economy(engine, last_year)
    save_economy(engine, read_folder(synth_icb))
    create_user(engine, "comm", PASSWORD, "commissioner")
    comm = User(user_id(engine, "comm"), "comm", "commissioner")

    def aspiration() -> tuple[dict, list[str]]:
        inputs, notes = database_inputs(engine, "2023-24")
        lines = Contract(inputs).lines().filter(pl.col("COMPONENT") == "QOF_ASPIRATION")
        return dict(lines.select("PRACTICE_CODE", "PENCE").iter_rows()), notes

    estimated, _ = aspiration()
    groups = sorted(set(last_year.prevalence["group_code"]))
    england = tmp_path / "england-2022-23.csv"
    england.write_text("GROUP_CODE,PREVALENCE_PCT\n" + "".join(f"{g},1.5\n" for g in groups))
    save_input(engine, "2022-23", "national_prevalence", england.name, england.read_bytes(), comm)
    kept, notes = aspiration()
    assert kept != estimated
    assert any(n.startswith("England's national prevalence by register from the file kept for 2022-23") for n in notes)
    share = national_parameters("2023-24").qof_aspiration_share.value  # last year's value, as England's files give it
    value = Contract(inputs_for(last_year, Overrides(national_prevalence=england))).qof
    expected = value.group_by("practice_code").agg(pl.col("pence").sum().alias("prior"))
    expected = expected.select("practice_code", share_of_expr(pl.col("prior"), share).alias("PENCE"))
    assert kept == {code: pence for code, pence in expected.iter_rows() if code in kept}
