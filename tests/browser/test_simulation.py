"""A commissioner runs a scenario in Chromium and sees its charts when the background run is done."""

from playwright.sync_api import expect

from .test_sign_in import sign_in


def test_a_commissioner_runs_a_scenario_and_sees_its_charts(page, server):
    sign_in(page, server, "commissioner")
    page.click("nav >> text=Simulation")
    page.select_option("#scenario", "coops-with-notes")
    page.fill("#replications", "2")
    page.click("form[action='/simulation'] button")
    expect(page.get_by_test_id("job-status")).to_have_text("Status: done", timeout=60_000)
    expect(page.get_by_test_id("kpis")).to_contain_text("ae_attendances")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('ae-chart'))")
    points = page.evaluate("() => Chart.getChart(document.getElementById('ae-chart')).data.datasets[0].data.length")
    assert points == 168


def test_a_commissioner_sees_which_assumptions_move_the_answers(page, server):
    sign_in(page, server, "commissioner")
    page.click("nav >> text=Simulation")
    page.select_option("#sensitivity-scenario", "baseline")
    page.fill("#sensitivity-replications", "1")
    page.click("form[action='/simulation/sensitivity'] button")
    expect(page.get_by_test_id("job-status")).to_have_text("Status: done", timeout=180_000)
    tornadoes = page.get_by_test_id("tornado")
    expect(tornadoes).to_have_count(5)
    first = tornadoes.first
    expect(first).to_contain_text("ae_attendances")
    expect(first.locator("svg rect").first).to_be_visible()
    assert first.locator("svg rect").count() >= 5
