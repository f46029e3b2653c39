"""The header on every page, in Chromium: the sign-out control is visible with enough contrast (WCAG AA, 4.5:1)
for every role, on every page route the app has (so routes added later are covered without editing this test),
and error pages keep the navigation and the signed-in user."""

from playwright.sync_api import expect

from tests.app_routes import endpoints

from .test_sign_in import sign_in

CONTRAST = """el => {
  const parse = text => (text.match(/[\\d.]+/g) || []).map(Number);
  const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  let node = el, background = [255, 255, 255];
  while (node) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || colour[3] > 0) { background = colour; break; }
    node = node.parentElement;
  }
  const [light, dark] = [luminance(parse(getComputedStyle(el).color)), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


def page_routes(app) -> list[str]:
    """Every GET route for pages (not the API, downloads or path-parameter routes) the app serves."""
    return sorted(
        path
        for method, path, _ in endpoints(app.routes)
        if method == "GET"
        and not path.startswith("/api")
        and "{" not in path
        and not path.endswith((".csv", ".json", ".xml", ".txt"))
        and path not in ("/", "/login")
    )


def assert_sign_out_is_plain_to_see(page, where: str) -> None:
    button = page.locator("header button.pc-signout")
    expect(button, f"sign-out on {where}").to_be_visible()
    ratio = button.evaluate(CONTRAST)
    assert ratio >= 4.5, f"sign-out on {where}: contrast {ratio:.2f}:1"
    box = button.bounding_box()
    assert box["width"] > 20 and box["height"] > 10 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_sign_out_is_visible_on_every_page_for_an_administrator(page, server):
    routes = page_routes(server["app"])
    assert len(routes) > 15
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    sign_in(page, server, "admin")
    checked = 0
    for path in routes:
        response = page.goto(f"{server['base']}{path}")
        if "text/html" not in response.headers.get("content-type", "") or not page.locator("header").count():
            continue  # a fragment (HTMX) or a download
        assert_sign_out_is_plain_to_see(page, path)
        checked += 1
    assert checked > 15
    assert blocked == []  # the strict policy blocks nothing the pages themselves use


def test_every_role_sees_sign_out_and_its_menu_even_on_an_error_page(page, server):
    for username, role, _ in server["users"]:
        page.context.clear_cookies()
        sign_in(page, server, username)
        assert_sign_out_is_plain_to_see(page, f"{role}'s landing page")
        response = page.goto(f"{server['base']}/practices/NOPE00")
        assert response.status in (403, 404)
        expect(page.get_by_test_id("signed-in-as")).to_contain_text(role.replace("_", " "))
        expect(page.locator("nav.nhsuk-header__navigation a").first).to_be_visible()
        assert_sign_out_is_plain_to_see(page, f"an error page for {role}")
        page.click("button.pc-signout")
        expect(page).to_have_url(f"{server['base']}/login")
