"""Sign in as people do, in Chromium: a practice user sees its own practice and is refused another's."""

from pathlib import Path

from playwright.sync_api import expect


def sign_in(page, server, username):
    page.goto(f"{server['base']}/economy")
    expect(page).to_have_url(f"{server['base']}/login?next=/economy")
    page.fill("#username", username)
    page.fill("#password", server["password"])
    page.click("button[type=submit]")


def test_a_practice_user_sees_its_own_practice_and_not_another(page, server, tmp_path):
    own = next(practice for username, _, practice in server["users"] if username == "practice")
    other = next(p.code for p in server["economy"].practices if p.code != own)
    sign_in(page, server, "practice")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("practice user")
    expect(page.get_by_test_id("practice-count")).to_have_text("1 practice")
    page.click(f"a[href='/practices/{own}']")
    expect(page).to_have_url(f"{server['base']}/practices/{own}")
    expect(page.get_by_test_id("practice-name")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('pyramid'))")
    bars = page.evaluate("() => Chart.getChart(document.getElementById('pyramid')).data.datasets.length")
    assert bars == 2  # the pyramid drew males and females
    page.screenshot(path=str(Path(tmp_path) / "practice.png"), full_page=True)
    response = page.goto(f"{server['base']}/practices/{other}")
    assert response.status == 403
    expect(page.get_by_test_id("error-message")).to_contain_text("own practice")


def test_a_commissioner_searches_sorts_and_signs_out(page, server):
    sign_in(page, server, "commissioner")
    expect(page.get_by_test_id("commissioners")).to_be_visible()
    expect(page.get_by_test_id("practice-count")).to_have_text("40 practices")
    target = server["economy"].practices[5]
    page.fill("#q", target.code)
    page.click("form.pc-search button")
    expect(page.get_by_test_id("practice-count")).to_have_text("1 practice")
    expect(page.get_by_test_id("practices")).to_contain_text(target.code)
    page.click("button.pc-signout")
    expect(page).to_have_url(f"{server['base']}/login")
    page.goto(f"{server['base']}/economy")
    expect(page).to_have_url(f"{server['base']}/login?next=/economy")
