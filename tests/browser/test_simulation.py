"""A commissioner runs a scenario in Chromium and sees its charts when the background run is done."""

from playwright.sync_api import expect

from .test_sign_in import sign_in


def test_a_commissioner_runs_a_scenario_and_sees_its_charts(page, server):
    sign_in(page, server, "commissioner")
    page.click("nav >> text=Simulation")
    page.select_option("#scenario", "coops-with-notes")
    page.fill("#replications", "2")
    page.click("form.pc-filters button")
    expect(page.get_by_test_id("job-status")).to_have_text("Status: done", timeout=60_000)
    expect(page.get_by_test_id("kpis")).to_contain_text("ae_attendances")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('ae-chart'))")
    points = page.evaluate("() => Chart.getChart(document.getElementById('ae-chart')).data.datasets[0].data.length")
    assert points == 168
