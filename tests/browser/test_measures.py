"""A commissioner's measure page (deciles drawn, a practice and a saved grouping on top) and a practice's own landing
page and summary, in Chromium."""

from datetime import date

import pytest
from playwright.sync_api import expect

from primarycare.measures.change import load_rule
from primarycare.measures.definition import load_measures
from primarycare.store.measures_run import compute_all

from .test_sign_in import sign_in


@pytest.fixture(scope="module")
def computed(server):
    compute_all(server["engine"], load_measures(), load_rule(), date.today())
    return server


def _datasets(page) -> list[str]:
    return page.evaluate(
        "() => Chart.getChart(document.getElementById('measure-chart')).data.datasets.map(d => d.label)"
    )


def test_a_commissioner_compares_a_practice_and_a_grouping_with_the_deciles(page, computed):
    server = computed
    practices = server["economy"].practices
    sign_in(page, server, "commissioner")
    page.get_by_role("link", name="Measures", exact=True).click()
    page.get_by_role("link", name="QOF achievement: all domains").click()
    expect(page.get_by_test_id("half-variation")).to_contain_text("account for half of the variation")
    labels = _datasets(page)
    assert labels.count("median") == 1 and len(labels) == 9
    page.get_by_label("Code").fill(practices[3].code)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_test_id("measure-target")).to_contain_text(practices[3].code)
    assert len(_datasets(page)) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the values (CSV)").click()
    assert "measure,year,kind,code" in download.value.path().read_text()

    page.goto(server["base"] + "/groupings")
    page.get_by_label("Name", exact=True).fill("North locality")
    page.get_by_label("Practices' ODS codes").fill(f"{practices[0].code}, {practices[5].code}\n{practices[7].code}")
    page.get_by_role("button", name="Save grouping").click()
    expect(page.get_by_test_id("groupings")).to_contain_text("North locality")
    page.get_by_label("Practices' ODS codes").fill("Z99999")
    page.get_by_label("Name", exact=True).fill("Wrong")
    page.get_by_role("button", name="Save grouping").click()
    expect(page.get_by_test_id("grouping-error")).to_contain_text("Z99999")
    page.goto(server["base"] + "/measures/qof_overall")
    page.get_by_role("button", name="Show grouping").click()
    expect(page.get_by_test_id("measure-target")).to_contain_text("North locality (grouping of 3 practices)")
    assert "North locality" in _datasets(page)
    table = page.get_by_test_id("measure-table")
    expect(table.locator("tbody tr")).to_have_count(3)


def test_a_practice_lands_on_its_own_page_and_prints_its_summary(page, computed):
    server = computed
    own = next(code for _, role, code in server["users"] if role == "practice_user")
    other = next(p.code for p in server["economy"].practices if p.code != own)
    sign_in(page, server, "practice")
    page.get_by_role("link", name="Attention", exact=True).click()
    expect(page).to_have_url(f"{server['base']}/attention/practice/{own}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("what needs attention")
    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_test_id("summary-worst")).to_be_visible()
    page.goto(server["base"] + "/measures/qof_overall")
    table = page.get_by_test_id("measure-table")
    expect(table).to_contain_text(own)
    expect(table).not_to_contain_text(other)
    assert len(_datasets(page)) == 10  # the anonymous deciles and its own line
    response = page.goto(server["base"] + f"/attention/practice/{other}")
    assert response.status == 403
