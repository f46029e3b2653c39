"""Payments pages, CSV downloads and API through HTTP, on SQLite and PostgreSQL."""

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from primarycare.ingest.folder import read_folder
from primarycare.ingest.synth.files import write_synthetic
from primarycare.store.cases import add_provider
from primarycare.store.engine import make_engine
from primarycare.store.groupings import save_grouping
from primarycare.store.load import save_economy
from primarycare.store.tokens import issue_token
from primarycare.store.users import create_user, user_id
from primarycare.web.app import create_app
from primarycare.web.settings import Settings

from .test_web import PASSWORD, sign_in

SCHEMES = Path(__file__).parents[2] / "examples" / "schemes"


@pytest.fixture
def site(db_url, synth_icb):
    engine = make_engine(db_url)
    economy = read_folder(synth_icb)
    save_economy(engine, economy)
    own, other = economy.practices[0], economy.practices[1]
    create_user(engine, "comm", PASSWORD, "commissioner")
    create_user(engine, "prac", PASSWORD, "practice_user", own.code)
    add_provider(engine, "OOH1", "An OOH provider", [economy.commissioners[0].code])
    create_user(engine, "clin", PASSWORD, "ooh_clinician", provider_code="OOH1")
    app = create_app(Settings(database_url=db_url, secret_key="s" * 48, schemes_dir=str(SCHEMES)))
    with TestClient(app, base_url="https://testserver") as client:
        yield client, engine, own, other


def rows(response) -> list[dict]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_commissioner_sees_every_practice_and_the_comparison(site):
    client, _, own, other = site
    sign_in(client, "comm")
    page = client.get("/payments?scheme=somerset")
    assert page.status_code == 200
    assert "Somerset-style practice quality scheme" in page.text and "Biggest losers" in page.text
    assert own.code in page.text and other.code in page.text and 'id="difference-chart"' in page.text
    compare = rows(client.get("/payments/compare.csv?scheme=somerset"))
    assert len(compare) == 40 and {"NATIONAL_GBP", "SCHEME_GBP", "DIFFERENCE_GBP"} <= set(compare[0])
    by_network = rows(client.get(f"/payments/compare.csv?scheme=somerset&group=network:{own.network_code}"))
    assert {r["NETWORK_CODE"] for r in by_network} == {own.network_code}
    custom = rows(client.get(f"/payments/compare.csv?practices={own.code},{other.code.lower()}"))
    assert sorted(r["PRACTICE_CODE"] for r in custom) == sorted([own.code, other.code])
    networks = rows(client.get("/payments/networks.csv?scheme=five-a-head"))
    assert all(float(r["SCHEME_PER_HEAD_GBP"]) > float(r["NATIONAL_PER_HEAD_GBP"]) for r in networks)
    lines = rows(client.get("/payments/lines.csv"))
    assert {r["PRACTICE_CODE"] for r in lines} == {p["PRACTICE_CODE"] for p in compare}
    ordered = client.get("/payments?scheme=somerset&sort=DIFFERENCE_GBP").text.split('data-testid="payments-table"')[1]
    assert ordered.index(own.code) >= 0
    assert client.get("/payments?scheme=nonsense").status_code == 404


def test_a_practice_sees_only_its_own_payments_with_formulas(site):
    client, engine, own, other = site
    sign_in(client, "prac")
    landing = client.get("/payments", follow_redirects=False)
    assert landing.status_code == 303 and landing.headers["location"] == f"/payments/practices/{own.code}"
    page = client.get(f"/payments/practices/{own.code}?scheme=somerset")
    assert page.status_code == 200 and "pts × £213.43 × CPI" in page.text and "Print this summary" in page.text
    assert client.get(f"/payments/practices/{other.code}").status_code == 403
    assert client.get(f"/payments/practices/{other.code}.csv").status_code == 403
    own_csv = rows(client.get("/payments/compare.csv", follow_redirects=True))
    assert {r["PRACTICE_CODE"] for r in own_csv} == {own.code}
    token = {"Authorization": f"Bearer {issue_token(engine, 'prac')}"}
    api = client.get("/api/payments/compare", headers=token).json()
    assert [p["PRACTICE_CODE"] for p in api["practices"]] == [own.code]
    assert client.get(f"/api/payments/practices/{other.code}", headers=token).status_code == 403


def test_other_roles_do_not_see_payments(site):
    client, engine, *_ = site
    sign_in(client, "clin")
    assert client.get("/payments").status_code == 403
    token = {"Authorization": f"Bearer {issue_token(engine, 'clin')}"}
    assert client.get("/api/payments/compare", headers=token).status_code == 403


def test_the_payments_api_reconciles_with_its_lines(site):
    client, engine, own, _ = site
    token = {"Authorization": f"Bearer {issue_token(engine, 'comm')}"}
    detail = client.get(f"/api/payments/practices/{own.code}?scheme=somerset", headers=token).json()
    assert round(sum(line["AMOUNT_GBP"] for line in detail["national"]), 2) == detail["summary"]["NATIONAL_GBP"]
    assert round(sum(line["AMOUNT_GBP"] for line in detail["scheme_lines"]), 2) == detail["summary"]["SCHEME_GBP"]
    assert any(line["COMPONENT"] == "LOCAL_SCHEME" for line in detail["scheme_lines"])
    cash = detail["schedule"]  # when the national money is paid: the months add up to the year, to the penny
    assert round(sum(month["cash"] for month in cash), 2) == detail["summary"]["NATIONAL_GBP"]
    assert all(round(sum(amount for _, amount in m["parts"]), 2) == m["cash"] for m in cash)
    assert cash[0]["month"] == "Apr 2023" and not cash[0]["after"]
    june = next(m for m in cash if m["after"])
    assert june["month"] == "Jun 2024" and {name for name, _ in june["parts"]} <= {"qof", "qof achievement"}


def test_a_saved_grouping_chooses_the_practices_on_every_payments_view(site):
    client, engine, own, other = site
    sign_in(client, "comm")
    comm_id = user_id(engine, "comm")
    grouping = save_grouping(engine, comm_id, "North locality", [own.code, other.code])
    page = client.get(f"/payments?group=grouping:{grouping}")
    assert page.status_code == 200 and "grouping North locality (2 practices)" in page.text
    assert f'value="grouping:{grouping}" selected' in page.text  # offered in the choice of practices, chosen
    chosen = rows(client.get(f"/payments/compare.csv?group=grouping:{grouping}"))
    assert sorted(r["PRACTICE_CODE"] for r in chosen) == sorted([own.code, other.code])
    headers = {"Authorization": f"Bearer {issue_token(engine, 'comm')}"}
    api = client.get(f"/api/payments/compare?group=grouping:{grouping}", headers=headers).json()
    assert api["group"].startswith("grouping North locality") and len(api["practices"]) == 2
    someone_else = save_grouping(engine, user_id(engine, "prac"), "Not yours", [own.code])
    assert client.get(f"/payments?group=grouping:{someone_else}").status_code == 404
    assert client.get("/payments/compare.csv?group=grouping:x").status_code == 422


def test_in_the_demo_the_reconcile_page_compares_qof_as_cash_with_the_years_before_loaded(tmp_path):
    """Three years loaded: the synthetic paid file offered in demo mode pays QOF as cash, and the page compares it
    like for like (only the practices in one file alone are flagged for QOF)."""
    url = f"sqlite:///{tmp_path / 'three.db'}"
    engine = make_engine(url)
    for seed, year in enumerate(("2021-22", "2022-23", "2023-24"), start=4):  # QOF differs from year to year
        folder = tmp_path / year
        write_synthetic(folder, practices=12, seed=seed, year=year)
        save_economy(engine, read_folder(folder))
    create_user(engine, "comm", PASSWORD, "commissioner")
    app = create_app(Settings(database_url=url, demo=True, schemes_dir=str(SCHEMES)))
    with TestClient(app, base_url="https://testserver") as client:
        sign_in(client, "comm")
        form = client.get("/payments/reconcile")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        paid = client.get("/payments/reconcile/demo-paid.csv")
        assert paid.status_code == 200 and paid.content.startswith(b"\xef\xbb\xbfPractice Code,")
        files = {"paid": ("synthetic.csv", paid.content, "text/csv")}
        page = client.post("/payments/reconcile", data={"csrf_token": token, "threshold": "5"}, files=files)
        assert page.status_code == 200, page.text
        assert "QOF is compared as cash paid in the year" in page.text
        summary = page.text.split('data-testid="reconcile-summary"')[1].split("</tr>")
        qof = next(row for row in summary if "<td>QOF</td>" in row)
        assert re.findall(r'class="pc-num">(\d+)</td>', qof)[:2] == ["11", "2"]  # 11 compared, 2 flagged
    outside = create_app(Settings(database_url=url, secret_key="s" * 48, schemes_dir=str(SCHEMES)))
    with TestClient(outside, base_url="https://testserver") as client:
        sign_in(client, "comm")
        assert client.get("/payments/reconcile/demo-paid.csv").status_code == 404  # demo mode only


def test_a_paid_file_is_read_under_its_own_name_only_and_a_huge_one_refused(site, monkeypatch):
    client, *_ = site
    sign_in(client, "comm")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/payments/reconcile").text).group(1)
    body = b"Practice Code,Total NHS Payments to General Practice\nA81001,lots\n"

    def upload(name: str):
        return client.post("/payments/reconcile", data={"csrf_token": token}, files={"paid": (name, body)})

    for name, shown in (("..", "paid.csv"), ("../../etc/paid.csv", "paid.csv"), ("C:\\data\\mine.csv", "mine.csv")):
        answer = upload(name)
        assert answer.status_code == 422 and f"{shown}:2:2" in answer.text, name
    monkeypatch.setattr("primarycare.web.payments_views.UPLOAD_LIMIT", 32)
    answer = upload("big.csv")
    assert answer.status_code == 413 and "big.csv: larger than" in answer.text
